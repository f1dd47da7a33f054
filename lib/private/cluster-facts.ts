import { Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { IConstruct } from 'constructs';
import type { IEksCluster } from '../cluster/i-eks-cluster';
import { PropErrors } from './prop-errors';

/**
 * What can be read off an aws-eks-v2 cluster through public API. Only a cluster defined in this
 * app has an `AWS::EKS::Cluster` to read; an imported one answers nothing, so its facts are stated.
 */

/** The `CfnCluster` behind `cluster`, when it is defined in this app. */
export function cfnClusterOf(cluster: eks.ICluster): eks.CfnCluster | undefined {
  const child = cluster.node.defaultChild;
  return child instanceof eks.CfnCluster ? child : undefined;
}

/** The literal Kubernetes version the cluster's `AWS::EKS::Cluster` is created with, if readable. */
export function readableKubernetesVersion(cluster: eks.ICluster): string | undefined {
  const version = cfnClusterOf(cluster)?.version;
  return typeof version === 'string' && !Token.isUnresolved(version) ? version : undefined;
}

/** Whether the cluster's `AWS::EKS::Cluster` turns Auto Mode compute on; undefined when unreadable. */
export function readableAutoMode(cluster: eks.ICluster): boolean | undefined {
  const cfn = cfnClusterOf(cluster);
  if (!cfn) {
    return undefined;
  }
  const computeConfig = cfn.computeConfig;
  if (computeConfig !== undefined && Token.isUnresolved(computeConfig)) {
    return undefined;
  }
  return (computeConfig as eks.CfnCluster.ComputeConfigProperty | undefined)?.enabled === true;
}

/** The literal service IPv4 CIDR set on the cluster's `AWS::EKS::Cluster`, if readable. */
export function readableServiceIpv4Cidr(cluster: eks.ICluster): string | undefined {
  const config = cfnClusterOf(cluster)?.kubernetesNetworkConfig as eks.CfnCluster.KubernetesNetworkConfigProperty | undefined;
  if (config === undefined || Token.isUnresolved(config)) {
    return undefined;
  }
  const cidr = config.serviceIpv4Cidr;
  return typeof cidr === 'string' && !Token.isUnresolved(cidr) ? cidr : undefined;
}

/** Reads an attribute an imported cluster may not have been given (its getter throws), else undefined. */
export function tryRead<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

/** The cluster security group, or undefined for an imported cluster that was given none. */
export function tryClusterSecurityGroup(cluster: eks.ICluster): ec2.ISecurityGroup | undefined {
  return tryRead(() => cluster.clusterSecurityGroup);
}

/**
 * The message for a construct that needs the kubectl provider on a cluster that has none, naming
 * the prop that adds it.
 */
export const NO_KUBECTL_PROVIDER = 'the cluster has no kubectl provider, which Helm charts and manifests need; ' +
  "set EksCluster's `kubectlLayer` (for example `new KubectlV36Layer(this, 'KubectlLayer')`), or " +
  '`kubectlProviderOptions` on an aws-eks-v2 Cluster, or `kubectlProvider` on an imported one';

/** Records an error when the cluster has no kubectl provider; `what` names what needs it. */
export function checkKubectlProvider(errors: PropErrors, kubectlProvider: eks.IKubectlProvider | undefined, what: string): void {
  errors.check(kubectlProvider !== undefined, 'cluster', 'a cluster without a kubectl provider', `${what} needs it: ${NO_KUBECTL_PROVIDER}`);
}

/**
 * Records an error when `cluster` is not an `IEksCluster`: missing, or an aws-eks-v2 cluster passed
 * where the handle is expected (the 0.1 API, or a caller from plain JavaScript). Returns whether it
 * is one, so the caller can stop before reading facts off it.
 */
export function checkClusterHandle(errors: PropErrors, cluster: IEksCluster | undefined): boolean {
  const isHandle = cluster !== undefined && cluster !== null && typeof cluster.waitForCapacity === 'function'
    && typeof cluster.registerCapacity === 'function' && cluster.kubernetesVersion !== undefined && cluster.nodeModeType !== undefined;
  errors.check(isHandle, 'cluster', cluster === undefined || cluster === null ? undefined : cluster.node?.path ?? 'an object',
    'must be an EksCluster, or an aws-eks-v2 cluster adapted with EksCluster.fromCluster(scope, id, { cluster, nodeModeType, ... })');
  return isHandle;
}

/**
 * Throws at once, naming the construct, when `cluster` is not an `IEksCluster`: every other check
 * and default of a capability reads facts off the handle.
 */
export function requireClusterHandle(scope: IConstruct, constructName: string, cluster: IEksCluster | undefined): void {
  const errors = new PropErrors(scope, constructName);
  if (!checkClusterHandle(errors, cluster)) {
    errors.throwIfAny();
  }
}
