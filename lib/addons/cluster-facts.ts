import { Token } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { NodeModeType } from '../compute/node-mode';

/**
 * Facts the add-on and ingress constructs read from a cluster they did not create. Only the
 * `AWS::EKS::Cluster` of a cluster defined in this app can answer; an imported cluster answers
 * nothing, so its callers must pass the facts as props.
 */

/** The `CfnCluster` behind `cluster`, when it is defined in this app. */
function cfnClusterOf(cluster: eks.ICluster): eks.CfnCluster | undefined {
  const child = cluster.node.defaultChild;
  return child instanceof eks.CfnCluster ? child : undefined;
}

/**
 * The Kubernetes version: `given` when set, else the one the cluster's `AWS::EKS::Cluster` is
 * created with; undefined for an imported cluster.
 */
export function kubernetesVersionOfCluster(cluster: eks.ICluster, given?: eks.KubernetesVersion): string | undefined {
  return given?.version ?? cfnClusterOf(cluster)?.version;
}

/**
 * The node mode: `given` when set, else `AUTO_MODE` when the cluster's `AWS::EKS::Cluster` has
 * Auto Mode compute turned on, else `MANAGED` (the mode whose behaviour also fits self-managed nodes).
 */
export function nodeModeTypeOfCluster(cluster: eks.ICluster, given?: NodeModeType): NodeModeType {
  if (given !== undefined) {
    return given;
  }
  const computeConfig = cfnClusterOf(cluster)?.computeConfig;
  const autoMode = computeConfig !== undefined && !Token.isUnresolved(computeConfig) &&
    (computeConfig as eks.CfnCluster.ComputeConfigProperty).enabled === true;
  return autoMode ? NodeModeType.AUTO_MODE : NodeModeType.MANAGED;
}

/**
 * The message for a construct that needs the kubectl provider on a cluster that has none, naming
 * the prop that adds it.
 */
export const NO_KUBECTL_PROVIDER = 'the cluster has no kubectl provider, which Helm charts and manifests need; ' +
  "set EksCluster's `kubectlLayer` (for example `new KubectlV36Layer(this, 'KubectlLayer')`), or " +
  '`kubectlProviderOptions` on an aws-eks-v2 Cluster';
