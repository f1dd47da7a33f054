import { Stack, Token } from 'aws-cdk-lib';
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
import { warn } from '../private/warnings';
import { requireClusterHandle } from '../private/cluster-facts';

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

  /**
   * A role to chain into, typically in another account (`TargetRoleArn`): EKS Pod Identity assumes
   * this workload role, then the target role, and hands the pods the target role's credentials.
   * This role gets `sts:AssumeRole` and `sts:TagSession` on it; the target role's trust policy must
   * trust this role, ideally with the association's `externalId` as `sts:ExternalId`. Pod Identity
   * only (not on Fargate).
   *
   * @default - none: the pods get this role's credentials
   */
  readonly targetRoleArn?: string;

  /**
   * Turn off the session tags EKS Pod Identity adds (cluster, namespace, service account and
   * more), for example when the target role's trust policy does not allow `sts:TagSession`, or to
   * leave room for a session policy. Pod Identity only.
   *
   * @default false
   */
  readonly disableSessionTags?: boolean;

  /**
   * An inline session policy that narrows the credentials the pods get below the role's own
   * permissions (`Policy`), at most 2,048 characters as JSON (the STS limit). STS packs the
   * session policy and session tags together, so consider `disableSessionTags` with a large one.
   * Pod Identity only.
   *
   * @default - none
   */
  readonly sessionPolicy?: iam.PolicyDocument;
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

const PROPS_KEYS = optionKeys<WorkloadRoleProps>({
  cluster: true, namespace: true, serviceAccount: true, description: true, targetRoleArn: true, disableSessionTags: true, sessionPolicy: true,
});

/** The STS limit on an inline session policy's plaintext. */
const MAX_SESSION_POLICY_CHARS = 2048;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@\/-]{1,512}$/;

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

  /**
   * The association's external ID, for the target role's trust policy (`sts:ExternalId`), when
   * `targetRoleArn` is set.
   *
   * @default - none
   */
  public readonly externalId?: string;

  public constructor(scope: Construct, id: string, props: WorkloadRoleProps) {
    super(scope, id);
    requireClusterHandle(this, 'WorkloadRole', props.cluster);

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
      for (const key of ['targetRoleArn', 'disableSessionTags', 'sessionPolicy'] as const) {
        errors.check(props[key] === undefined, key, props[key] === undefined ? undefined : 'a value',
          'is a Pod Identity setting, and Fargate pods use IRSA; leave it unset on a Fargate cluster');
      }
    }
    if (props.targetRoleArn !== undefined && !Token.isUnresolved(props.targetRoleArn)) {
      errors.check(ROLE_ARN.test(props.targetRoleArn), 'targetRoleArn', props.targetRoleArn,
        'must be an IAM role ARN such as arn:aws:iam::111122223333:role/target');
    }
    if (props.sessionPolicy && !usesIrsa) {
      errors.check(!props.sessionPolicy.isEmpty, 'sessionPolicy', 'an empty policy document', 'give it at least one statement, or leave it unset');
    }
    const policy = props.sessionPolicy && !usesIrsa && !props.sessionPolicy.isEmpty ? sessionPolicyJson(this, props.sessionPolicy) : undefined;
    if (policy !== undefined && !Token.isUnresolved(policy)) {
      errors.check(policy.length <= MAX_SESSION_POLICY_CHARS, 'sessionPolicy', `${policy.length} characters`,
        `STS takes a session policy of at most ${MAX_SESSION_POLICY_CHARS} characters; narrow it, or grant less on the role instead`);
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
        targetRoleArn: props.targetRoleArn,
        disableSessionTags: props.disableSessionTags,
        policy,
      });
      if (props.targetRoleArn !== undefined) {
        // EKS Pod Identity assumes the target role as this role, with session tags unless they are off.
        this.role.addToPrincipalPolicy(new iam.PolicyStatement({
          actions: ['sts:AssumeRole', 'sts:TagSession'],
          resources: [props.targetRoleArn],
        }));
      }
      if (policy !== undefined && props.disableSessionTags !== true) {
        warn(this, 'session-policy-with-session-tags',
          'sessionPolicy with session tags on: STS packs both into one size limit, and AssumeRole fails with PackedPolicyTooLarge ' +
          'when they exceed it; set disableSessionTags: true unless the pods need the tags (docs/CLUSTER.md).');
      }
    }

    // Public fields
    this.usesIrsa = usesIrsa;
    this.externalId = props.targetRoleArn !== undefined ? this.podIdentityAssociation?.attrExternalId : undefined;
    this.serviceAccountAnnotations = usesIrsa ? { 'eks.amazonaws.com/role-arn': this.role.roleArn } : {};
  }
}

/** The session policy as JSON: a plain string when it holds no deploy-time values (so it can be measured), else a token. */
function sessionPolicyJson(scope: Construct, document: iam.PolicyDocument): string {
  const stack = Stack.of(scope);
  const json = JSON.stringify(stack.resolve(document));
  return /"(Ref|Fn::[A-Za-z]+)"/.test(json) ? stack.toJsonString(document) : json;
}
