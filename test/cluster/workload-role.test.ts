import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { EksCluster } from '../../lib/cluster/eks-cluster';
import { WorkloadRole } from '../../lib/cluster/workload-role';
import { NodeMode, NodeModeType } from '../../lib/compute/node-mode';
import { CustomerVpc } from '../../lib/network/customer-vpc';
import { awsSolutionsFindings, newStack } from '../helpers/synth';

function roleStack(nodeMode: NodeMode): { stack: Stack; cluster: EksCluster } {
  const stack = newStack();
  const network = new CustomerVpc(stack, 'Network');
  return { stack, cluster: new EksCluster(stack, 'Cluster', { vpc: network.vpc, nodeMode }) };
}

describe('WorkloadRole on nodes', () => {
  let stack: Stack;
  let template: Template;
  let role: WorkloadRole;
  beforeAll(() => {
    // GIVEN a managed-node cluster WHEN a workload role is added for sample/reader
    const built = roleStack(NodeMode.managed());
    stack = built.stack;
    role = new WorkloadRole(stack, 'Reader', { cluster: built.cluster.cluster, namespace: 'sample', serviceAccount: 'reader' });
    template = Template.fromStack(stack);
  });

  test('binds the role to the service account with an EKS Pod Identity association', () => {
    template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', {
      Namespace: 'sample',
      ServiceAccount: 'reader',
      RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ReaderRole'), 'Arn'] },
    });
    expect(role.usesIrsa).toBe(false);
    expect(role.serviceAccountAnnotations).toEqual({});
  });

  test('only Pod Identity may assume it, with session tags', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'] }] },
    });
  });

  test('has no permissions until granted, so cdk-nag finds nothing', () => {
    const roles = template.findResources('AWS::IAM::Role', { Properties: { Description: 'Pods of service account sample/reader' } });
    const [only] = Object.values(roles) as any[];
    expect(only.Properties.ManagedPolicyArns).toBeUndefined();
    expect(only.Properties.Policies).toBeUndefined();
    expect(awsSolutionsFindings(stack)).toEqual([]);
  });
});

describe('WorkloadRole on Fargate', () => {
  test('uses IRSA through the native OIDC provider, since Pod Identity does not work for Fargate pods', () => {
    // GIVEN a Fargate cluster WHEN a workload role is added for Fargate
    const { stack, cluster } = roleStack(NodeMode.fargate());
    const role = new WorkloadRole(stack, 'Reader', { cluster: cluster.cluster, nodeModeType: NodeModeType.FARGATE, namespace: 'sample', serviceAccount: 'reader' });
    const template = Template.fromStack(stack);
    // THEN no association, a web-identity trust for exactly sample/reader, and the annotation to set
    template.resourceCountIs('AWS::EKS::PodIdentityAssociation', 0);
    const providers = Object.keys(template.findResources('AWS::IAM::OIDCProvider'));
    expect(providers).toHaveLength(1);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Action: 'sts:AssumeRoleWithWebIdentity', Principal: { Federated: { Ref: providers[0] } } })] },
    });
    const conditions = Object.values(template.findResources('Custom::AWSCDKCfnJson')).map((r: any) => JSON.stringify(r.Properties.Value));
    expect(conditions.some((c) => c.includes('system:serviceaccount:sample:reader') && c.includes('sts.amazonaws.com'))).toBe(true);
    expect(role.usesIrsa).toBe(true);
    expect(stack.resolve(role.serviceAccountAnnotations)).toEqual({ 'eks.amazonaws.com/role-arn': { 'Fn::GetAtt': [expect.stringMatching(/^ReaderRole/), 'Arn'] } });
  });
});

describe('one IAM OIDC provider per cluster, whoever asks first', () => {
  const providers = (template: Template) => [
    ...Object.keys(template.findResources('AWS::IAM::OIDCProvider')),
    ...Object.keys(template.findResources('Custom::AWSCDKOpenIdConnectProvider')),
  ];

  test("aws-eks-v2's openIdConnectProvider getter returns the native provider IRSA created", () => {
    // GIVEN a Fargate cluster with an IRSA workload role WHEN something later asks aws-eks-v2 for the provider
    const { stack, cluster } = roleStack(NodeMode.fargate());
    new WorkloadRole(stack, 'Reader', { cluster: cluster.cluster, nodeModeType: NodeModeType.FARGATE, namespace: 'sample', serviceAccount: 'reader' });
    const fromGetter = cluster.cluster.openIdConnectProvider;
    // THEN it is the same one: IAM rejects a second provider for the same issuer
    const template = Template.fromStack(stack);
    expect(providers(template)).toHaveLength(1);
    expect(stack.resolve(fromGetter.openIdConnectProviderArn)).toEqual({ Ref: providers(template)[0] });
  });

  test('IRSA reuses a provider the cluster already has', () => {
    // GIVEN a cluster whose provider was asked for first (aws-eks-v2's default, a custom resource)
    const { stack, cluster } = roleStack(NodeMode.fargate());
    const existing = cluster.cluster.openIdConnectProvider;
    // WHEN an IRSA workload role is added THEN it trusts that provider, and no second one exists
    new WorkloadRole(stack, 'Reader', { cluster: cluster.cluster, nodeModeType: NodeModeType.FARGATE, namespace: 'sample', serviceAccount: 'reader' });
    const template = Template.fromStack(stack);
    expect(providers(template)).toHaveLength(1);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Federated: stack.resolve(existing.openIdConnectProviderArn) } })] },
    });
  });
});

describe('WorkloadRole bad input', () => {
  test('a namespace Kubernetes rejects', () => {
    const { stack, cluster } = roleStack(NodeMode.managed());
    expect(() => new WorkloadRole(stack, 'Reader', { cluster: cluster.cluster, namespace: 'Sample_NS', serviceAccount: 'reader' }))
      .toThrow(/WorkloadRole at 'Test\/Reader' has invalid props:\n {2}- namespace: got 'Sample_NS'; must be a Kubernetes namespace name/);
  });

  test('a service account name Kubernetes rejects', () => {
    const { stack, cluster } = roleStack(NodeMode.managed());
    expect(() => new WorkloadRole(stack, 'Reader', { cluster: cluster.cluster, namespace: 'sample', serviceAccount: '-reader' }))
      .toThrow(/serviceAccount: got '-reader'; must be a Kubernetes object name/);
  });
});
