import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { KubectlV36Layer } from '@aws-cdk/lambda-layer-kubectl-v36';
import { CustomerVpc, EksCluster, IEksCluster, NodeMode, NodeModeType } from '../../lib';
import { newStack } from '../helpers/synth';

/** The AZs of every test VPC, named so mount targets and errors can be checked per AZ. */
export const TEST_AZS = ['us-east-1a', 'us-east-1b', 'us-east-1c'];

/** The node mode of each `NodeModeType`, for test.each across modes. */
export const NODE_MODES: Record<NodeModeType, () => NodeMode> = {
  [NodeModeType.MANAGED]: () => NodeMode.managed(),
  [NodeModeType.SELF_MANAGED]: () => NodeMode.selfManaged(),
  [NodeModeType.FARGATE]: () => NodeMode.fargate(),
  [NodeModeType.AUTO_MODE]: () => NodeMode.autoMode(),
};

/** A stack with a CustomerVpc in 3 named AZs and an EksCluster of `nodeMode`. */
export function clusterStack(nodeMode: NodeMode, options: { kubectl?: boolean; kubernetesVersion?: eks.KubernetesVersion } = {}): { stack: Stack; network: CustomerVpc; eksCluster: EksCluster } {
  const stack = newStack({ env: { account: '111122223333', region: 'us-east-1' } });
  const network = new CustomerVpc(stack, 'Network', { availabilityZones: TEST_AZS });
  const eksCluster = new EksCluster(stack, 'Cluster', {
    vpc: network.vpc,
    nodeMode,
    kubernetesVersion: options.kubernetesVersion,
    kubectlLayer: options.kubectl === false ? undefined : new KubectlV36Layer(stack, 'KubectlLayer'),
  });
  return { stack, network, eksCluster };
}

/**
 * A bring-your-own cluster: a plain aws-eks-v2 `Cluster` on Kubernetes 1.35 (a managed node group
 * of its own, or Auto Mode), adapted with `EksCluster.fromCluster`.
 */
export function ownedByoCluster(nodeModeType: NodeModeType.MANAGED | NodeModeType.AUTO_MODE): { stack: Stack; cluster: eks.Cluster; byo: IEksCluster } {
  const stack = newStack({ env: { account: '111122223333', region: 'us-east-1' } });
  const network = new CustomerVpc(stack, 'Network', { availabilityZones: TEST_AZS });
  const autoMode = nodeModeType === NodeModeType.AUTO_MODE;
  const cluster = new eks.Cluster(stack, 'Owned', {
    vpc: network.vpc,
    version: eks.KubernetesVersion.V1_35,
    defaultCapacityType: autoMode ? eks.DefaultCapacityType.AUTOMODE : eks.DefaultCapacityType.NODEGROUP,
    defaultCapacity: autoMode ? undefined : 2,
    kubectlProviderOptions: { kubectlLayer: new KubectlV36Layer(stack, 'KubectlLayer') },
  });
  const byo = EksCluster.fromCluster(stack, 'Byo', {
    cluster,
    nodeModeType,
    capacity: cluster.defaultNodegroup ? [cluster.defaultNodegroup] : undefined,
  });
  return { stack, cluster, byo };
}

/**
 * A bring-your-own cluster imported by attributes (Kubernetes 1.34, its cluster security group and a
 * kubectl provider of its own), adapted with `EksCluster.fromCluster`. `attrs` states more facts.
 */
export function importedByoCluster(stack: Stack, id: string, vpc: ec2.IVpc, nodeModeType: NodeModeType,
  attrs: { clusterRole?: iam.IRole; nodeSecurityGroups?: ec2.ISecurityGroup[]; clusterSecurityGroupId?: string } = {}): IEksCluster {
  const role = iam.Role.fromRoleArn(stack, `${id}KubectlRole`, 'arn:aws:iam::111122223333:role/kubectl');
  const kubectlProvider = eks.KubectlProvider.fromKubectlProviderAttributes(stack, `${id}Kubectl`, {
    serviceToken: 'arn:aws:lambda:us-east-1:111122223333:function:kubectl',
    role,
  });
  const cluster = eks.Cluster.fromClusterAttributes(stack, `${id}Cluster`, {
    clusterName: 'imported',
    vpc,
    clusterSecurityGroupId: attrs.clusterSecurityGroupId ?? 'sg-0cluster',
    kubectlProvider,
  });
  return EksCluster.fromCluster(stack, id, {
    cluster,
    nodeModeType,
    kubernetesVersion: eks.KubernetesVersion.V1_34,
    clusterRole: attrs.clusterRole,
    nodeSecurityGroups: attrs.nodeSecurityGroups,
  });
}

/** The `DependsOn` of every resource of `type` whose logical ID starts with `prefix`, by logical ID. */
export function dependsOnOf(template: Template, type: string, prefix: string): Record<string, string[]> {
  const resources = template.toJSON().Resources as Record<string, { Type: string; DependsOn?: string[] }>;
  const found: Record<string, string[]> = {};
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (resource.Type === type && logicalId.startsWith(prefix)) {
      found[logicalId] = resource.DependsOn ?? [];
    }
  }
  if (Object.keys(found).length === 0) {
    throw new Error(`no ${type} whose logical ID starts with ${prefix}`);
  }
  return found;
}

/** The logical IDs of every resource of `type` whose logical ID starts with `prefix`. */
export function logicalIdsOf(template: Template, type: string, prefix = ''): string[] {
  return Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
}

export type { K8sObject } from '../helpers/manifests';
export { manifestObjects, objectOf } from '../helpers/manifests';
