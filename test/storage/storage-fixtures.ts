import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
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

/** A Kubernetes object applied through the kubectl provider, with CloudFormation tokens shown as `<...>`. */
export type K8sObject = Record<string, any>;

/**
 * Every Kubernetes object in the template's `Custom::AWSCDK-EKS-KubernetesResource` resources whose
 * logical ID contains `idPart`. The `Manifest` property is a JSON string, or an `Fn::Join` when it
 * holds tokens; tokens become `<Ref:X>` / `<X.Attr>` strings.
 */
export function manifestObjects(template: Template, idPart = ''): K8sObject[] {
  const resources = template.findResources('Custom::AWSCDK-EKS-KubernetesResource');
  const objects: K8sObject[] = [];
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (!logicalId.includes(idPart)) {
      continue;
    }
    objects.push(...JSON.parse(flatten(resource.Properties.Manifest)));
  }
  return objects;
}

/** The one object of `kind` named `name` among `objects`. */
export function objectOf(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.filter((o) => o.kind === kind && o.metadata?.name === name);
  if (found.length !== 1) {
    throw new Error(`expected one ${kind} ${name}, found ${found.length} among ${objects.map((o) => `${o.kind}/${o.metadata?.name}`).join(', ')}`);
  }
  return found[0];
}

function flatten(value: unknown): string {
  if (typeof value === 'string') {
    return value;
  }
  const join = (value as any)['Fn::Join'];
  if (join) {
    return (join[1] as unknown[]).map((part) => typeof part === 'string' ? part : tokenText(part)).join(join[0]);
  }
  throw new Error(`unexpected Manifest value ${JSON.stringify(value)}`);
}

function tokenText(part: any): string {
  if (part.Ref) {
    return `<Ref:${part.Ref}>`;
  }
  if (part['Fn::GetAtt']) {
    return `<${part['Fn::GetAtt'].join('.')}>`;
  }
  return `<${JSON.stringify(part).replace(/"/g, '')}>`;
}
