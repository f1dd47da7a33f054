import { Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { KubectlV36Layer } from '@aws-cdk/lambda-layer-kubectl-v36';
import { CustomerVpc, EksCluster, NodeMode } from '../../lib';
import { newStack } from '../helpers/synth';

/** The AZs of every test VPC, named so mount targets and errors can be checked per AZ. */
export const TEST_AZS = ['us-east-1a', 'us-east-1b', 'us-east-1c'];

/** A stack with a CustomerVpc in 3 named AZs and an EksCluster of `nodeMode`. */
export function clusterStack(nodeMode: NodeMode, options: { kubectl?: boolean; version?: eks.KubernetesVersion } = {}): { stack: Stack; network: CustomerVpc; eksCluster: EksCluster } {
  const stack = newStack({ env: { account: '111122223333', region: 'us-east-1' } });
  const network = new CustomerVpc(stack, 'Network', { availabilityZones: TEST_AZS });
  const eksCluster = new EksCluster(stack, 'Cluster', {
    vpc: network.vpc,
    nodeMode,
    version: options.version,
    kubectlLayer: options.kubectl === false ? undefined : new KubectlV36Layer(stack, 'KubectlLayer'),
  });
  return { stack, network, eksCluster };
}

export type { K8sObject } from '../helpers/manifests';
export { manifestObjects, objectOf } from '../helpers/manifests';
