import { Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { PropErrors } from './prop-errors';

/**
 * What two constructs of one app must not both claim: the same node group, Fargate profile or
 * PersistentVolume name on one cluster, the same EKS add-on twice on one cluster, the same cluster
 * name twice in one account and Region. EKS (or Kubernetes) would refuse the second one at deploy
 * time, after the first had been created; here the second constructor names the first.
 *
 * Claims live in a map per app (the construct tree's root), kept off the tree: no construct, no
 * synth-time work, nothing in the template.
 */
const CLAIMS = new WeakMap<IConstruct, Map<string, string>>();

/** What a claim is about, with the words its message uses. */
export interface ClaimKind {
  /** The prop that carries the claimed value. */
  readonly prop: string;
  /** What is claimed, for the message ("node group name"). */
  readonly what: string;
  /** Where the claim is unique ("on this cluster"). */
  readonly where: string;
  /**
   * What to do instead.
   *
   * @default 'pick another, or reuse the first'
   */
  readonly remedy?: string;
}

/**
 * Records that `claimant` takes `value` of `kind` within `owner` (a cluster's construct, or an
 * account/Region key), and records an error in `errors` when another construct of the app took it
 * first. Tokens are never claimed: two tokens may resolve to different names.
 */
export function claim(errors: PropErrors, claimant: IConstruct, owner: string, kind: ClaimKind, value: string | undefined): void {
  if (value === undefined || Token.isUnresolved(value)) {
    return;
  }
  const root = claimant.node.root;
  const claims = CLAIMS.get(root) ?? new Map<string, string>();
  CLAIMS.set(root, claims);
  const key = `${kind.what}\u0000${owner}\u0000${value}`;
  const first = claims.get(key);
  if (first !== undefined && first !== claimant.node.path) {
    errors.add(kind.prop, value, `is already the ${kind.what} of '${first}' ${kind.where}; EKS would refuse the second at deploy time: ${kind.remedy ?? 'pick another, or reuse the first'}`);
    return;
  }
  // Only a construct that passes validation holds its claim.
  errors.whenValid(() => claims.set(key, claimant.node.path));
}

/** The key of the EKS cluster behind a handle, for claims unique per cluster: the aws-eks-v2 construct's path. */
export function clusterOwnerKey(cluster: { readonly cluster: IConstruct }): string {
  return `cluster:${cluster.cluster.node.path}`;
}

/**
 * Where a name must be unique for AWS: the stack's account and Region when both are literal, else
 * the stack itself (two environment-agnostic stacks may be deployed to different accounts).
 */
export function accountRegionKey(scope: IConstruct): string {
  const stack = Stack.of(scope);
  if (Token.isUnresolved(stack.account) || Token.isUnresolved(stack.region)) {
    return `stack:${stack.node.path}`;
  }
  return `${stack.account}/${stack.region}`;
}

/** Records an error when an add-on (or Helm release) `addonName` was already installed on the cluster by another construct of the app. */
export function claimAddon(errors: PropErrors, claimant: IConstruct, cluster: { readonly cluster: IConstruct }, addonName: string): void {
  claim(errors, claimant, clusterOwnerKey(cluster), {
    prop: 'cluster', what: `${addonName} installation`, where: 'on this cluster',
    remedy: 'a cluster takes each add-on once; reuse the first construct (EksCluster installs its own CoreAddons)',
  }, addonName);
}

/** Records an error when a PersistentVolume (cluster-scoped) named `name` was already defined on the cluster by this library. */
export function claimVolumeName(errors: PropErrors, claimant: IConstruct, cluster: { readonly cluster: IConstruct }, name: string): void {
  claim(errors, claimant, clusterOwnerKey(cluster), { prop: 'name', what: 'PersistentVolume name', where: 'on this cluster' }, name);
}
