import { Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { PropErrors } from '../private/prop-errors';
import { privateSubnetSelection } from '../private/subnets';
import { FargateLogging } from './fargate-logging';
import { attachManagedPolicies, checkKnownKeys, checkLabels, checkPrivateSubnets, FARGATE_PROFILE_OPTION_KEYS } from './node-common';

const PROFILE_NAME_PATTERN = /^[0-9A-Za-z][A-Za-z0-9_-]*$/;
const NAMESPACE_PATTERN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

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

/** Props of {@link FargateProfile}, for use against any aws-eks-v2 cluster of this app. */
export interface FargateProfileProps extends FargateProfileOptions {
  /** The cluster. */
  readonly cluster: eks.Cluster;

  /**
   * Where the pods go: private subnets only (Fargate pods get no public IP).
   *
   * @default - the cluster VPC's private subnets in every AZ
   */
  readonly subnets?: ec2.SubnetSelection;

  /**
   * Fargate logging to grant the pod execution role write access to.
   *
   * @default - no logging permission
   */
  readonly logging?: FargateLogging;
}

/**
 * An EKS Fargate profile with its own pod execution role (trusted only for this cluster's Fargate
 * profiles), its selectors and private subnets.
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

    // Defaults
    const subnets = props.subnets ?? privateSubnetSelection(props.cluster.vpc);
    const selectors = props.selectors ?? [];

    // Validation
    const errors = new PropErrors(this, 'FargateProfile');
    checkKnownKeys(errors, props, [...FARGATE_PROFILE_OPTION_KEYS, 'cluster', 'subnets', 'logging'], 'FargateProfile');
    checkSelectors(errors, selectors);
    checkProfileName(errors, props.fargateProfileName);
    checkPrivateSubnets(errors, 'subnets', props.cluster.vpc, subnets, 'Fargate pods');
    errors.throwIfAny();

    // Children
    const stack = Stack.of(this);
    const podExecutionRole = new iam.Role(this, 'PodExecutionRole', {
      description: `Fargate pod execution role of ${this.node.path}`,
      // Only Fargate profiles of this cluster may assume it (confused-deputy protection, per the EKS docs).
      assumedBy: new iam.ServicePrincipal('eks-fargate-pods.amazonaws.com').withConditions({
        ArnLike: { 'aws:SourceArn': `arn:${stack.partition}:eks:${stack.region}:${stack.account}:fargateprofile/${props.cluster.clusterName}/*` },
      }),
    });
    attachManagedPolicies(podExecutionRole, ['AmazonEKSFargatePodExecutionRolePolicy']);
    props.logging?.grantWrite(podExecutionRole);

    const profile = new eks.FargateProfile(this, 'Resource', {
      cluster: props.cluster,
      selectors,
      fargateProfileName: props.fargateProfileName,
      podExecutionRole,
      vpc: props.cluster.vpc,
      subnetSelection: subnets,
    });

    // Public fields
    this.fargateProfileName = profile.fargateProfileName;
    this.fargateProfileArn = profile.fargateProfileArn;
    this.podExecutionRole = podExecutionRole;
  }
}

function checkSelectors(errors: PropErrors, selectors: eks.Selector[]): void {
  errors.check(selectors.length >= 1 && selectors.length <= 5, 'selectors', `${selectors.length} selectors`,
    'a Fargate profile takes 1 to 5 selectors; add another profile for more');
  for (const [i, selector] of selectors.entries()) {
    const ns = selector.namespace;
    if (ns === undefined || ns === null || ns === '') {
      errors.add(`selectors[${i}].namespace`, ns, 'every selector needs a namespace');
    } else if (!Token.isUnresolved(ns)) {
      errors.check(ns.length <= 63 && NAMESPACE_PATTERN.test(ns), `selectors[${i}].namespace`, ns,
        'must be a Kubernetes namespace name: at most 63 lower-case letters, digits and hyphens');
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
