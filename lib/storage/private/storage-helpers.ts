import { Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { DEFAULT_KUBERNETES_VERSION } from '../../cluster/kubernetes-version';
import { PropErrors } from '../../private/prop-errors';

/** A Kubernetes object name that must be a DNS-1123 subdomain (StorageClass, PersistentVolume, claim). */
const DNS_1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A Kubernetes namespace name: a DNS-1123 label. */
const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** The principal EKS Pod Identity assumes roles as. */

/** Checks a Kubernetes object name (DNS-1123 subdomain, at most 253 characters). Tokens pass. */
export function checkObjectName(errors: PropErrors, prop: string, name: string): void {
  if (Token.isUnresolved(name)) {
    return;
  }
  errors.check(name.length <= 253 && DNS_1123_SUBDOMAIN.test(name), prop, name,
    'must be a DNS-1123 subdomain: at most 253 characters of lowercase letters, digits, \'-\' and \'.\', starting and ending with a letter or digit');
}

/** Checks a Kubernetes namespace name (DNS-1123 label, at most 63 characters). Tokens pass. */
export function checkNamespace(errors: PropErrors, prop: string, name: string): void {
  if (Token.isUnresolved(name)) {
    return;
  }
  errors.check(name.length <= 63 && DNS_1123_LABEL.test(name), prop, name,
    'must be a DNS-1123 label: at most 63 characters of lowercase letters, digits and \'-\', starting and ending with a letter or digit');
}

/** Records an error when the cluster has no kubectl provider, which Kubernetes manifests need. */
export function checkKubectlProvider(errors: PropErrors, cluster: eks.ICluster, what: string): void {
  errors.check(cluster.kubectlProvider !== undefined, 'cluster', 'a cluster without a kubectl provider',
    `${what} is a Kubernetes manifest, which needs the kubectl provider: set EksCluster's kubectlLayer prop ` +
    '(kubectlProviderOptions on an aws-eks-v2 Cluster, kubectlProvider on an imported one)');
}

/**
 * The cluster's Kubernetes version: given, else the one on the `AWS::EKS::Cluster` of an aws-eks-v2
 * `Cluster` (read from its public L1), else the library default.
 */
export function kubernetesVersionOf(cluster: eks.ICluster, given?: eks.KubernetesVersion): string {
  if (given) {
    return given.version;
  }
  const cfn = cluster.node.defaultChild;
  if (cfn instanceof eks.CfnCluster && typeof cfn.version === 'string' && !Token.isUnresolved(cfn.version)) {
    return cfn.version;
  }
  return DEFAULT_KUBERNETES_VERSION.version;
}

/** The cluster security group, or undefined for an imported cluster that was given none. */
export function tryClusterSecurityGroup(cluster: eks.ICluster): ec2.ISecurityGroup | undefined {
  try {
    return cluster.clusterSecurityGroup;
  } catch {
    return undefined;
  }
}
