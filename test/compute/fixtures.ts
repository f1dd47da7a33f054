import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { KubectlV36Layer } from '@aws-cdk/lambda-layer-kubectl-v36';
import { EksCluster, EksClusterAttributes, EksClusterProps } from '../../lib/cluster/eks-cluster';
import { IEksCluster } from '../../lib/cluster/i-eks-cluster';
import { NodeModeType } from '../../lib/compute/node-mode';
import { CustomerVpc } from '../../lib/network/customer-vpc';
import { newStack } from '../helpers/synth';

/** A stack with a CustomerVpc (3 AZs, 10.0.0.0/16) and an EksCluster at 'Test/Eks'. */
export function clusterStack(props: Partial<EksClusterProps> = {}, options: { kubectl?: boolean } = {}) {
  const stack = newStack();
  const network = new CustomerVpc(stack, 'Network');
  const kubectlLayer = options.kubectl ? new KubectlV36Layer(stack, 'KubectlLayer') : undefined;
  const cluster = new EksCluster(stack, 'Eks', { vpc: network.vpc, kubectlLayer, ...props });
  return { stack, network, cluster };
}

/**
 * A bring-your-own cluster: a plain aws-eks-v2 `eks.Cluster` of this app ('Test/Own', no default
 * capacity) adapted with `EksCluster.fromCluster` ('Test/Byo'), managed unless stated. A
 * self-managed one states the cluster security group as its node security group (the nodes add theirs).
 */
export function ownClusterStack(attrs: Partial<EksClusterAttributes> = {},
  clusterProps: { version?: eks.KubernetesVersion; serviceIpv4Cidr?: string; kubectl?: boolean } = {}) {
  const stack = newStack();
  const network = new CustomerVpc(stack, 'Network');
  const own = new eks.Cluster(stack, 'Own', {
    vpc: network.vpc,
    version: clusterProps.version ?? eks.KubernetesVersion.V1_36,
    serviceIpv4Cidr: clusterProps.serviceIpv4Cidr,
    defaultCapacity: 0,
    defaultCapacityType: eks.DefaultCapacityType.NODEGROUP,
    kubectlProviderOptions: clusterProps.kubectl ? { kubectlLayer: new KubectlV36Layer(stack, 'KubectlLayer') } : undefined,
  });
  const nodeModeType = attrs.nodeModeType ?? NodeModeType.MANAGED;
  const cluster = EksCluster.fromCluster(stack, 'Byo', {
    cluster: own,
    nodeModeType,
    nodeSecurityGroups: nodeModeType === NodeModeType.SELF_MANAGED ? [own.clusterSecurityGroup] : undefined,
    ...attrs,
  });
  return { stack, network, own, cluster };
}

/** An imported aws-eks-v2 cluster named 'theirs' ('Test/Imported') with endpoint, CA and cluster security group. */
export function importedEksCluster(stack: Stack, vpc: ec2.IVpc): eks.ICluster {
  return eks.Cluster.fromClusterAttributes(stack, 'Imported', {
    clusterName: 'theirs', vpc, clusterEndpoint: 'https://example.eks.amazonaws.com',
    clusterCertificateAuthorityData: 'Q0E=', clusterSecurityGroupId: 'sg-12345678',
  });
}

/** An imported cluster adapted with `EksCluster.fromCluster` ('Test/Byo'), Kubernetes 1.35 unless stated. */
export function importedClusterStack(attrs: Partial<EksClusterAttributes> = {}) {
  const stack = newStack();
  const network = new CustomerVpc(stack, 'Network');
  const cluster: IEksCluster = EksCluster.fromCluster(stack, 'Byo', {
    cluster: importedEksCluster(stack, network.vpc),
    nodeModeType: NodeModeType.MANAGED,
    kubernetesVersion: eks.KubernetesVersion.V1_35,
    ...attrs,
  });
  return { stack, network, cluster };
}

/** The resolved ids of the VPC's private subnets, one per AZ. */
export function privateSubnetIds(stack: Stack, network: CustomerVpc): unknown[] {
  return network.vpc.privateSubnets.map((s) => stack.resolve(s.subnetId));
}

/** The one resource of `type` (its whole definition). */
export function onlyResource(template: Template, type: string, props: object = {}): any {
  const found = Object.values(template.findResources(type, props));
  expect(found).toHaveLength(1);
  return found[0];
}

/** The logical id of the one resource of `type` matching `props`. */
export function onlyId(template: Template, type: string, props: object = {}): string {
  const found = Object.keys(template.findResources(type, props));
  expect(found).toHaveLength(1);
  return found[0];
}

/** The names of the AWS managed policies attached to the role with logical id `roleId`. */
export function managedPolicyNames(template: Template, roleId: string): string[] {
  const role = template.toJSON().Resources[roleId];
  return (role.Properties.ManagedPolicyArns ?? []).map((arn: any) => {
    const joined = JSON.stringify(arn);
    return /policy\/([A-Za-z0-9_-]+)/.exec(joined)![1];
  });
}

/** The logical id a `{ "Fn::GetAtt": [id, "Arn"] }` or `{ Ref: id }` points at. */
export function refId(value: any): string {
  return value?.['Fn::GetAtt']?.[0] ?? value?.Ref;
}

/** The logical ids of the core add-ons, by construct id (VpcCni, KubeProxy, PodIdentityAgent, CoreDns, MetricsServer). */
export function coreAddonIds(template: Template): Record<string, string> {
  const ids: Record<string, string> = {};
  for (const id of Object.keys(template.findResources('AWS::EKS::Addon'))) {
    const name = /CoreAddons(VpcCni|KubeProxy|PodIdentityAgent|CoreDns|MetricsServer)/.exec(id)?.[1];
    if (name) {
      ids[name] = id;
    }
  }
  return ids;
}

/** The DependsOn list of the resource with logical id `id`. */
export function dependsOn(template: Template, id: string): string[] {
  return template.toJSON().Resources[id].DependsOn ?? [];
}
