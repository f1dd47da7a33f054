import { Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import type { IEksCluster } from '../cluster/i-eks-cluster';
import { claim, clusterOwnerKey } from '../private/app-registry';
import { checkKnownKeys, optionKeys } from '../private/known-keys';
import { WARN_FARGATE_PROFILE_NAME, warnIfNamed } from '../private/lifecycle';
import { checkTagsAtSynth } from '../private/tag-rules';
import { checkDnsLabel } from '../private/kubernetes-names';
import { attachManagedPolicies, checkLabels, checkPrivateSubnets } from '../private/node-common';
import { PropErrors } from '../private/prop-errors';
import { requireClusterHandle } from '../private/cluster-facts';

const PROFILE_NAME_PATTERN = /^[0-9A-Za-z][A-Za-z0-9_-]*$/;

/**
 * Options of a Fargate profile: what {@link EksCluster.addFargateProfile} takes. The cluster and
 * subnets come from the cluster.
 */
export interface FargateProfileOptions {
  /**
   * Which pods run on Fargate: 1 to 5 selectors, each a namespace and optional labels (a pod must
   * carry all of a selector's labels).
   */
  readonly selectors: eks.Selector[];

  /**
   * The profile's name: 1 to 100 letters, digits, hyphens and underscores, not beginning with
   * `eks-` (reserved). Changing it replaces the profile.
   *
   * @default - a name EKS generates
   */
  readonly fargateProfileName?: string;
}

/** Props of {@link FargateProfile}. */
export interface FargateProfileProps extends FargateProfileOptions {
  /**
   * The cluster: an `EksCluster`, or any aws-eks-v2 cluster (of this app or imported) through
   * `EksCluster.fromCluster()`. Any node mode can run Fargate pods beside its own capacity. When
   * the cluster has Fargate logging (`NodeMode.fargate({ logging: true })`), the pod execution role
   * may write to its log group.
   */
  readonly cluster: IEksCluster;

  /**
   * Where the pods go: private subnets only (Fargate pods get no public IP).
   *
   * @default - the cluster's `vpcSubnets`
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
}

const SELECTOR_KEYS = optionKeys<eks.Selector>({ namespace: true, labels: true });
const PROPS_KEYS = optionKeys<FargateProfileProps>({ selectors: true, fargateProfileName: true, cluster: true, vpcSubnets: true });

/**
 * The last profile created on each imported cluster: EKS creates one Fargate profile of a cluster
 * at a time, so each waits for the one before (aws-eks-v2 chains those of its own `Cluster`).
 */
const LAST_IMPORTED_PROFILE = new WeakMap<eks.ICluster, IConstruct>();

/**
 * An EKS Fargate profile with its own pod execution role (trusted only for this cluster's Fargate
 * profiles), its selectors and private subnets. It registers itself as capacity of the cluster, so
 * CoreDNS and what waits for capacity come after it.
 */
export class FargateProfile extends Construct {
  /** The profile's name. */
  public readonly fargateProfileName: string;

  /** The profile's ARN. */
  public readonly fargateProfileArn: string;

  /** The role Fargate uses to pull images and (with logging) write logs for the profile's pods. */
  public readonly podExecutionRole: iam.IRole;

  public constructor(scope: Construct, id: string, props: FargateProfileProps) {
    super(scope, id);
    requireClusterHandle(this, 'FargateProfile', props.cluster);

    // Defaults
    const eksCluster = props.cluster;
    const subnets = props.vpcSubnets ?? eksCluster.vpcSubnets;
    const selectors = props.selectors ?? [];

    // Validation
    const errors = new PropErrors(this, 'FargateProfile');
    checkKnownKeys(errors, props, PROPS_KEYS, 'FargateProfile');
    checkSelectors(errors, selectors);
    checkProfileName(errors, props.fargateProfileName);
    const selected = checkPrivateSubnets(errors, 'vpcSubnets', eksCluster.vpc, subnets, 'Fargate pods');
    claim(errors, this, clusterOwnerKey(eksCluster), { prop: 'fargateProfileName', what: 'Fargate profile name', where: 'on this cluster' },
      props.fargateProfileName);
    errors.throwIfAny();
    warnIfNamed(this, WARN_FARGATE_PROFILE_NAME, 'fargateProfileName', props.fargateProfileName);
    checkTagsAtSynth(this);

    // Children
    const stack = Stack.of(this);
    const podExecutionRole = new iam.Role(this, 'PodExecutionRole', {
      description: `Fargate pod execution role of ${this.node.path}`,
      // Only Fargate profiles of this cluster may assume it (confused-deputy protection, per the EKS docs).
      assumedBy: new iam.ServicePrincipal('eks-fargate-pods.amazonaws.com').withConditions({
        ArnLike: { 'aws:SourceArn': `arn:${stack.partition}:eks:${stack.region}:${stack.account}:fargateprofile/${eksCluster.clusterName}/*` },
      }),
    });
    attachManagedPolicies(podExecutionRole, ['AmazonEKSFargatePodExecutionRolePolicy']);
    eksCluster.fargateLogging?.grantWrite(podExecutionRole);

    const cluster = eksCluster.cluster;
    let profileName: string;
    let profileArn: string;
    if (cluster instanceof eks.Cluster) {
      // aws-eks-v2's profile, which its cluster chains one after another.
      const profile = new eks.FargateProfile(this, 'Resource', {
        cluster,
        selectors,
        fargateProfileName: props.fargateProfileName,
        podExecutionRole,
        vpc: eksCluster.vpc,
        subnetSelection: subnets,
      });
      profileName = profile.fargateProfileName;
      profileArn = profile.fargateProfileArn;
    } else {
      // aws-eks-v2's FargateProfile takes only a Cluster of this app: the resource itself, chained here.
      const resource = new eks.CfnFargateProfile(this, 'Resource', {
        clusterName: eksCluster.clusterName,
        fargateProfileName: props.fargateProfileName,
        podExecutionRoleArn: podExecutionRole.roleArn,
        selectors: selectors.map((s) => ({
          namespace: s.namespace,
          labels: s.labels === undefined ? undefined : Object.entries(s.labels).map(([key, value]) => ({ key, value })),
        })),
        subnets: selected.map((s) => s.subnetId),
      });
      const previous = LAST_IMPORTED_PROFILE.get(cluster);
      if (previous) {
        resource.node.addDependency(previous);
      }
      LAST_IMPORTED_PROFILE.set(cluster, resource);
      profileName = resource.ref;
      profileArn = resource.attrArn;
    }
    // Node-level add-ons before the profile, CoreDNS and what waits for capacity after it.
    eksCluster.registerCapacity(this);

    // Public fields
    this.fargateProfileName = profileName;
    this.fargateProfileArn = profileArn;
    this.podExecutionRole = podExecutionRole;
  }
}

function checkSelectors(errors: PropErrors, selectors: eks.Selector[]): void {
  errors.check(selectors.length >= 1 && selectors.length <= 5, 'selectors', `${selectors.length} selectors`,
    'a Fargate profile takes 1 to 5 selectors; add another profile for more');
  for (const [i, selector] of selectors.entries()) {
    checkKnownKeys(errors, selector ?? {}, SELECTOR_KEYS, `selectors[${i}]`);
    const ns = selector.namespace;
    if (ns === undefined || ns === null || ns === '') {
      errors.add(`selectors[${i}].namespace`, ns, 'every selector needs a namespace');
    } else {
      checkDnsLabel(errors, `selectors[${i}].namespace`, ns);
    }
    const labels = selector.labels ?? {};
    errors.check(Object.keys(labels).length <= 5, `selectors[${i}].labels`, labels, 'a selector takes at most 5 labels');
    checkLabels(errors, `selectors[${i}].labels`, labels);
  }
}

function checkProfileName(errors: PropErrors, name: string | undefined): void {
  if (name === undefined || Token.isUnresolved(name)) {
    return;
  }
  errors.check(!name.startsWith('eks-'), 'fargateProfileName', name, 'names beginning with eks- are reserved by EKS');
  errors.check(name.length >= 1 && name.length <= 100 && PROFILE_NAME_PATTERN.test(name), 'fargateProfileName', name,
    'must be 1 to 100 characters: a letter or digit, then letters, digits, hyphens and underscores');
}
