import { KubectlV36Layer } from '@aws-cdk/lambda-layer-kubectl-v36';
import { Fn, Lazy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { EksCluster } from '../../lib/cluster/eks-cluster';
import { WorkloadRole } from '../../lib/cluster/workload-role';
import { NodeMode, NodeModeType } from '../../lib/compute/node-mode';
import { CustomerVpc } from '../../lib/network/customer-vpc';
import { ClusterIdentity, ClusterIdentityImportProps } from '../../lib/platform/cluster-identity';
import { newStack } from '../helpers/synth';

const MODES: Array<[NodeModeType, () => NodeMode]> = [
  [NodeModeType.MANAGED, () => NodeMode.managed()],
  [NodeModeType.SELF_MANAGED, () => NodeMode.selfManaged()],
  [NodeModeType.FARGATE, () => NodeMode.fargate()],
  [NodeModeType.AUTO_MODE, () => NodeMode.autoMode()],
];

/** A platform's stack: a cluster of `mode` that publishes its identity as `platformName`. */
function publisher(mode: () => NodeMode, options: { kubectl?: boolean; platformName?: string } = {}) {
  const stack = newStack();
  const network = new CustomerVpc(stack, 'Network');
  const cluster = new EksCluster(stack, 'Cluster', {
    vpc: network.vpc, nodeMode: mode(), kubectlLayer: options.kubectl ? new KubectlV36Layer(stack, 'KubectlLayer') : undefined,
  });
  const identity = new ClusterIdentity(stack, 'Identity', { cluster, platformName: options.platformName ?? 'prod-eu-west-1' });
  return { stack, cluster, identity, template: Template.fromStack(stack) };
}

/** The published parameters of a template, by name. */
function published(template: Template): Record<string, any> {
  return Object.fromEntries(Object.values(template.findResources('AWS::SSM::Parameter'))
    .filter((p: any) => String(p.Properties.Name).startsWith('/cdk-eks-architecture/'))
    .map((p: any) => [p.Properties.Name, p.Properties.Value]));
}

/** An app team's stack in a second app, importing the platform. */
function consumer(props: Partial<ClusterIdentityImportProps> = {}) {
  const stack = newStack();
  const cluster = ClusterIdentity.importCluster(stack, 'Platform', {
    platformName: 'prod-eu-west-1', nodeModeType: NodeModeType.MANAGED, kubernetesVersion: eks.KubernetesVersion.V1_36, ...props,
  });
  return { stack, cluster };
}

/** The SSM parameter names a template reads at deploy time (its SSM-typed parameters' defaults). */
function readNames(stack: Stack): string[] {
  return Object.values(Template.fromStack(stack).toJSON().Parameters ?? {})
    .filter((p: any) => p.Type === 'AWS::SSM::Parameter::Value<String>' && String(p.Default).startsWith('/cdk-eks-architecture/'))
    .map((p: any) => p.Default).sort();
}

const p = (key: string) => `/cdk-eks-architecture/prod-eu-west-1/cluster/${key}`;

describe('ClusterIdentity publishes', () => {
  test.each(MODES)('%s: the cluster identity under /cdk-eks-architecture/<platform>/cluster/', (type, mode) => {
    // GIVEN a cluster with a kubectl provider WHEN its identity is published
    const { template, cluster } = publisher(mode, { kubectl: true });
    const params = published(template);
    // THEN every key is a parameter; the OIDC provider only on Fargate, where workload roles use IRSA
    const expected = ClusterIdentity.KEYS.filter((k) => k !== 'oidc-provider-arn' || type === NodeModeType.FARGATE).map(p).sort();
    expect(Object.keys(params).sort()).toEqual(expected);
    expect(params[p('node-mode')]).toBe(type);
    expect(params[p('kubernetes-version')]).toBe('1.36');
    const eksCluster = cluster.cluster as eks.Cluster;
    const stack = Stack.of(cluster);
    expect(stack.resolve(params[p('name')])).toEqual(stack.resolve(eksCluster.clusterName));
    expect(stack.resolve(params[p('endpoint')])).toEqual(stack.resolve(eksCluster.clusterEndpoint));
    expect(stack.resolve(params[p('kubectl-service-token')])).toEqual(stack.resolve(cluster.kubectlProvider!.serviceToken));
    expect(stack.resolve(params[p('kubectl-role-arn')])).toEqual(stack.resolve(cluster.kubectlProvider!.role!.roleArn));
    // Node security groups: the cluster's, plus the self-managed nodes' own.
    expect(cluster.nodeSecurityGroups).toHaveLength(type === NodeModeType.SELF_MANAGED ? 2 : 1);
    expect(stack.resolve(params[p('node-security-group-ids')])).toEqual(stack.resolve(Fn.join(',', cluster.nodeSecurityGroups.map((g) => g.securityGroupId))));
    // One subnet and AZ per AZ of the VPC.
    expect(stack.resolve(params[p('private-subnet-ids')])['Fn::Join'][1]).toHaveLength(3);
    expect(stack.resolve(params[p('availability-zones')])['Fn::Join'][1]).toHaveLength(3);
  });

  test('no kubectl provider: no kubectl parameters', () => {
    const params = published(publisher(() => NodeMode.managed()).template);
    expect(Object.keys(params)).not.toContain(p('kubectl-service-token'));
    expect(Object.keys(params)).not.toContain(p('kubectl-role-arn'));
    expect(Object.keys(params)).toContain(p('name'));
  });

  test('the platform name must be one path segment, a DNS-1123 label', () => {
    expect(() => publisher(() => NodeMode.managed(), { platformName: 'Prod_EU' })).toThrow(/ClusterIdentity at 'Test\/Identity'[\s\S]*platformName: got 'Prod_EU'; must be a DNS-1123 label/);
    expect(() => publisher(() => NodeMode.managed(), { platformName: 'prod/eu' })).toThrow(/platformName: got 'prod\/eu'; must be the platform's name, not a parameter name or path/);
    expect(Object.keys(published(publisher(() => NodeMode.managed(), { platformName: 'prod-eu-1' }).template))).toContain('/cdk-eks-architecture/prod-eu-1/cluster/name');
  });

  test('ClusterIdentity.parameterName is the scheme, and refuses a key outside it', () => {
    expect(ClusterIdentity.parameterName('dev', 'endpoint')).toBe('/cdk-eks-architecture/dev/cluster/endpoint');
    expect(() => ClusterIdentity.parameterName('dev', 'cluster-endpoint')).toThrow(/key got 'cluster-endpoint'; must be one of name, arn, endpoint/);
  });
});

describe('ClusterIdentity.importCluster, in an app team\'s stack of a second app', () => {
  test.each(MODES)('%s: reads only parameters the publisher writes', (type, mode) => {
    // GIVEN the platform's published names WHEN a consumer imports it (kubectl too) THEN it reads a subset of them
    const names = Object.keys(published(publisher(mode, { kubectl: true }).template));
    const { stack } = consumer({ nodeModeType: type, importKubectlProvider: true });
    const read = readNames(stack);
    expect(read.length).toBeGreaterThanOrEqual(9);
    expect(names).toEqual(expect.arrayContaining(read));
  });

  test('a workload role with Pod Identity on the imported cluster, named at deploy time', () => {
    // GIVEN an imported managed-node platform WHEN the app team adds a workload role
    const { stack, cluster } = consumer();
    new WorkloadRole(stack, 'OrdersRole', { cluster, namespace: 'orders', serviceAccount: 'orders-api' });
    // THEN the Pod Identity association names the cluster through the SSM-typed parameter
    const template = Template.fromStack(stack);
    const association = Object.values(template.findResources('AWS::EKS::PodIdentityAssociation'))[0] as any;
    const nameParam = association.Properties.ClusterName.Ref;
    expect(template.toJSON().Parameters[nameParam]).toEqual(expect.objectContaining({ Type: 'AWS::SSM::Parameter::Value<String>', Default: p('name') }));
    expect(association.Properties).toMatchObject({ Namespace: 'orders', ServiceAccount: 'orders-api' });
    // No lookup and no kubectl Lambda of its own: nothing but the role and the association.
    expect(Object.values(template.toJSON().Resources).map((r: any) => r.Type).sort()).toEqual(['AWS::EKS::PodIdentityAssociation', 'AWS::IAM::Role']);
  });

  test('a manifest through the platform\'s published kubectl provider', () => {
    const { stack, cluster } = consumer({ importKubectlProvider: true });
    new eks.KubernetesManifest(stack, 'Namespace', { cluster: cluster.cluster, manifest: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'orders' } }] });
    const template = Template.fromStack(stack);
    const [manifest] = Object.values(template.findResources('Custom::AWSCDK-EKS-KubernetesResource')) as any[];
    const tokenParam = manifest.Properties.ServiceToken.Ref;
    expect(template.toJSON().Parameters[tokenParam].Default).toBe(p('kubectl-service-token'));
    expect(template.toJSON().Parameters[manifest.Properties.ClusterName.Ref].Default).toBe(p('name'));
    expect(Object.values(template.toJSON().Resources).filter((r: any) => r.Type === 'AWS::Lambda::Function')).toEqual([]);
  });

  test('without importKubectlProvider, manifests are refused at synth', () => {
    const { cluster } = consumer();
    expect(cluster.kubectlProvider).toBeUndefined();
    expect(readNames(Stack.of(cluster))).not.toContain(p('kubectl-service-token'));
  });

  test('fargate: the workload role uses IRSA through the published OIDC provider', () => {
    const { stack, cluster } = consumer({ nodeModeType: NodeModeType.FARGATE });
    const role = new WorkloadRole(stack, 'OrdersRole', { cluster, namespace: 'orders', serviceAccount: 'orders-api' });
    expect(role.usesIrsa).toBe(true);
    const template = Template.fromStack(stack);
    const roleResource = Object.values(template.findResources('AWS::IAM::Role'))[0] as any;
    const federated = roleResource.Properties.AssumeRolePolicyDocument.Statement[0].Principal.Federated;
    expect(template.toJSON().Parameters[federated.Ref].Default).toBe(p('oidc-provider-arn'));
  });

  test('the list sizes follow availabilityZoneCount and the node mode', () => {
    const { cluster } = consumer({ nodeModeType: NodeModeType.SELF_MANAGED, availabilityZoneCount: 2 });
    expect(cluster.nodeSecurityGroups).toHaveLength(2);
    expect(cluster.vpc.privateSubnets).toHaveLength(2);
    expect(consumer().cluster.nodeSecurityGroups).toHaveLength(1);
    expect(consumer({ nodeSecurityGroupCount: 3 }).cluster.nodeSecurityGroups).toHaveLength(3);
  });
});

describe('ClusterIdentity.importCluster refuses at synth', () => {
  test('parameter names that do not follow the publisher\'s scheme: a full parameter name as the platform name', () => {
    expect(() => consumer({ platformName: '/cdk-eks-architecture/prod-eu-west-1/cluster/name' }))
      .toThrow(/ClusterIdentity.importCluster at 'Test\/Platform'[\s\S]*platformName: got '\/cdk-eks-architecture\/prod-eu-west-1\/cluster\/name'; must be the platform's name, not a parameter name or path: the parameters are \/cdk-eks-architecture\/<platformName>\/cluster\/<key>/);
  });

  test('a platform name that is not a DNS-1123 label; a valid one and a token are read as is', () => {
    expect(() => consumer({ platformName: 'Prod-EU' })).toThrow(/platformName: got 'Prod-EU'; must be a DNS-1123 label/);
    expect(() => consumer({ platformName: `a${'b'.repeat(63)}` })).toThrow(/must be a DNS-1123 label/);
    expect(readNames(consumer({ platformName: `a${'b'.repeat(62)}` }).stack)).toContain(`/cdk-eks-architecture/a${'b'.repeat(62)}/cluster/name`);
    expect(readNames(consumer({ platformName: Lazy.string({ produce: () => 'dev' }) }).stack)).toContain('/cdk-eks-architecture/dev/cluster/name');
  });

  test('counts outside their range', () => {
    expect(() => consumer({ availabilityZoneCount: 1 })).toThrow(/availabilityZoneCount: got 1; must be a whole number from 2 to 6/);
    expect(() => consumer({ availabilityZoneCount: 7 })).toThrow(/availabilityZoneCount: got 7/);
    expect(() => consumer({ nodeSecurityGroupCount: 0 })).toThrow(/nodeSecurityGroupCount: got 0; must be a whole number from 1 to 5/);
  });

  test('a missing node mode, checked by EksCluster.fromCluster', () => {
    expect(() => consumer({ nodeModeType: undefined })).toThrow(/nodeModeType: got undefined; is required/);
  });

  test('an unknown prop, with the nearest one', () => {
    expect(() => consumer({ version: eks.KubernetesVersion.V1_36 } as any)).toThrow(/version: got 'a value'; is not an option of ClusterIdentity.importCluster\(\) \(did you mean 'kubernetesVersion'\?\)/);
  });
});
