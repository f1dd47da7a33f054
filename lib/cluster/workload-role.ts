import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { NodeModeType } from '../compute/node-mode';
import { checkKnownKeys, optionKeys } from '../private/known-keys';
import { checkTagsAtSynth } from '../private/tag-rules';
import { checkDnsLabel, checkObjectName } from '../private/kubernetes-names';
import { checkOidcProvider, irsaPrincipal } from '../private/oidc';
import { podIdentityPrincipal } from '../private/pod-identity';
import { PropErrors } from '../private/prop-errors';
import { IEksCluster } from './i-eks-cluster';

/**
 * Which service account a {@link WorkloadRole} is for, without the cluster: what
 * `EksCluster.addWorkloadRole()` takes.
 */
export interface WorkloadRoleOptions {
  /** Namespace of the service account (a DNS-1123 label). */
  readonly namespace: string;

  /** Name of the service account the pods run as (a DNS-1123 subdomain). */
  readonly serviceAccount: string;

  /**
   * Description of the role.
   *
   * @default - names the service account
   */
  readonly description?: string;
}

/**
 * Props of {@link WorkloadRole}.
 */
export interface WorkloadRoleProps extends WorkloadRoleOptions {
  /**
   * The cluster whose pods use the role: an `EksCluster`, or any aws-eks-v2 cluster through
   * `EksCluster.fromCluster()`. Its node mode decides how the role is bound.
   */
  readonly cluster: IEksCluster;
}

const PROPS_KEYS = optionKeys<WorkloadRoleProps>({ cluster: true, namespace: true, serviceAccount: true, description: true });

/**
 * An IAM role for the pods of one Kubernetes service account, with no permissions until you grant
 * them: least privilege, one role per workload.
 *
 * On nodes (managed, self-managed, Auto Mode) it is bound through an EKS Pod Identity association
 * (`AWS::EKS::PodIdentityAssociation`), so the service account needs no annotation. On Fargate,
 * where Pod Identity does not work, it is bound through IRSA (the cluster's IAM OIDC provider): put
 * `serviceAccountAnnotations` on the service account.
 */
export class WorkloadRole extends Construct {
  /** The role. Grant it what the workload does. */
  public readonly role: iam.Role;

  /** Whether the role is bound through IRSA (Fargate) rather than Pod Identity. */
  public readonly usesIrsa: boolean;

  /** Annotations the service account needs: the role ARN under IRSA, none under Pod Identity. */
  public readonly serviceAccountAnnotations: { [key: string]: string };

  /**
   * The Pod Identity association.
   *
   * @default - none under IRSA
   */
  public readonly podIdentityAssociation?: eks.CfnPodIdentityAssociation;

  public constructor(scope: Construct, id: string, props: WorkloadRoleProps) {
    super(scope, id);

    // Defaults
    const cluster = props.cluster;
    const usesIrsa = cluster.nodeModeType === NodeModeType.FARGATE;

    // Validation
    const errors = new PropErrors(this, 'WorkloadRole');
    checkKnownKeys(errors, props, PROPS_KEYS, 'WorkloadRole');
    checkDnsLabel(errors, 'namespace', props.namespace);
    checkObjectName(errors, 'serviceAccount', props.serviceAccount);
    if (usesIrsa) {
      checkOidcProvider(errors, cluster.cluster, 'a WorkloadRole on Fargate');
    }
    errors.throwIfAny();
    checkTagsAtSynth(this);

    // Children
    const description = props.description ?? `Pods of service account ${props.namespace}/${props.serviceAccount}`;
    if (usesIrsa) {
      this.role = new iam.Role(this, 'Role', {
        description,
        assumedBy: irsaPrincipal(this, 'IrsaConditions', cluster.cluster, props.namespace, props.serviceAccount),
      });
    } else {
      this.role = new iam.Role(this, 'Role', {
        description,
        // Pod Identity assumes the role and tags the session with cluster, namespace and service account.
        assumedBy: podIdentityPrincipal(),
      });
      this.podIdentityAssociation = new eks.CfnPodIdentityAssociation(this, 'PodIdentityAssociation', {
        clusterName: cluster.clusterName,
        namespace: props.namespace,
        serviceAccount: props.serviceAccount,
        roleArn: this.role.roleArn,
      });
    }

    // Public fields
    this.usesIrsa = usesIrsa;
    this.serviceAccountAnnotations = usesIrsa ? { 'eks.amazonaws.com/role-arn': this.role.roleArn } : {};
  }
}
