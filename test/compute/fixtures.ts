import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { KubectlV36Layer } from '@aws-cdk/lambda-layer-kubectl-v36';
import { EksCluster, EksClusterProps } from '../../lib/cluster/eks-cluster';
import { CustomerVpc } from '../../lib/network/customer-vpc';
import { newStack } from '../helpers/synth';

/** A stack with a CustomerVpc (3 AZs) and an EksCluster. */
export function clusterStack(props: Partial<EksClusterProps> = {}, options: { kubectl?: boolean } = {}) {
  const stack = newStack();
  const network = new CustomerVpc(stack, 'Network');
  const kubectlLayer = options.kubectl ? new KubectlV36Layer(stack, 'KubectlLayer') : undefined;
  const cluster = new EksCluster(stack, 'Eks', { vpc: network.vpc, kubectlLayer, ...props });
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
