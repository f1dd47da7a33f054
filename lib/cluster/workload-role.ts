import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { NodeModeType } from '../compute/node-mode';
import { irsaPrincipal } from '../private/oidc';
import { podIdentityPrincipal } from '../private/pod-identity';
import { PropErrors } from '../private/prop-errors';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * Props of {@link WorkloadRole}.
 */
export interface WorkloadRoleProps {
  /** The cluster whose pods use the role. */
  readonly cluster: eks.ICluster;

  /** Namespace of the service account. */
  readonly namespace: string;

  /** Name of the service account the pods run as. */
  readonly serviceAccount: string;

  /**
   * The node mode the pods run on. Pod Identity does not work for Fargate pods, so on Fargate the
   * role is bound through IRSA (the cluster's OIDC provider) instead.
   *
   * @default NodeModeType.MANAGED
   */
  readonly nodeModeType?: NodeModeType;

  /**
   * Description of the role.
   *
   * @default - names the service account
   */
  readonly description?: string;
}

/**
 * An IAM role for the pods of one Kubernetes service account, with no permissions until you grant
 * them: least privilege, one role per workload.
 *
 * On nodes (managed, self-managed, Auto Mode) it is bound through an EKS Pod Identity association
 * (`AWS::EKS::PodIdentityAssociation`), so the service account needs no annotation. On Fargate,
 * where Pod Identity does not work, it is bound through IRSA: put `serviceAccountAnnotations` on
 * the service account.
 */
export class WorkloadRole extends Construct {
  /** The role. Grant it what the workload does. */
  public readonly role: iam.Role;

  /** Whether the role is bound through IRSA (Fargate) rather than Pod Identity. */
  public readonly usesIrsa: boolean;

  /** Annotations the service account needs: the role ARN under IRSA, none under Pod Identity. */
  public readonly serviceAccountAnnotations: { [key: string]: string };

  /** The Pod Identity association; undefined under IRSA. */
  public readonly podIdentityAssociation?: eks.CfnPodIdentityAssociation;

  public constructor(scope: Construct, id: string, props: WorkloadRoleProps) {
    super(scope, id);

    // Defaults
    const usesIrsa = (props.nodeModeType ?? NodeModeType.MANAGED) === NodeModeType.FARGATE;

    // Validation
    const errors = new PropErrors(this, 'WorkloadRole');
    errors.check(props.namespace.length <= 63 && DNS_LABEL.test(props.namespace), 'namespace', props.namespace,
      'must be a Kubernetes namespace name: lowercase letters, digits and hyphens, at most 63 characters');
    errors.check(props.serviceAccount.length <= 253 && DNS_SUBDOMAIN.test(props.serviceAccount), 'serviceAccount', props.serviceAccount,
      'must be a Kubernetes object name: lowercase letters, digits, hyphens and dots, at most 253 characters');
    errors.throwIfAny();

    // Children
    const description = props.description ?? `Pods of service account ${props.namespace}/${props.serviceAccount}`;
    if (usesIrsa) {
      this.role = new iam.Role(this, 'Role', {
        description,
        assumedBy: irsaPrincipal(this, 'IrsaConditions', props.cluster, props.namespace, props.serviceAccount),
      });
    } else {
      this.role = new iam.Role(this, 'Role', {
        description,
        // Pod Identity assumes the role and tags the session with cluster, namespace and service account.
        assumedBy: podIdentityPrincipal(),
      });
      this.podIdentityAssociation = new eks.CfnPodIdentityAssociation(this, 'PodIdentityAssociation', {
        clusterName: props.cluster.clusterName,
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
