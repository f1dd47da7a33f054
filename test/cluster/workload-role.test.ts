import { CfnParameter, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { EksCluster } from '../../lib/cluster/eks-cluster';
import { IEksCluster } from '../../lib/cluster/i-eks-cluster';
import { WorkloadRole, WorkloadRoleOptions } from '../../lib/cluster/workload-role';
import { AlbIngress } from '../../lib/ingress/alb-ingress';
import { NodeMode, NodeModeType } from '../../lib/compute/node-mode';
import { CustomerVpc } from '../../lib/network/customer-vpc';
import { awsSolutionsFindings, newStack, testApp } from '../helpers/synth';
import { KubectlV36Layer } from '@aws-cdk/lambda-layer-kubectl-v36';

function roleStack(nodeMode: NodeMode): { stack: Stack; cluster: EksCluster } {
  const stack = newStack();
  const network = new CustomerVpc(stack, 'Network');
  return { stack, cluster: new EksCluster(stack, 'Cluster', { vpc: network.vpc, nodeMode }) };
}

/** An imported cluster adapted with EksCluster.fromCluster, with an OIDC provider when given. */
function importedCluster(stack: Stack, nodeModeType: NodeModeType, openIdConnectProvider?: iam.IOpenIdConnectProvider): IEksCluster {
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-1', availabilityZones: ['a', 'b'], privateSubnetIds: ['s-1', 's-2'] });
  const cluster = eks.Cluster.fromClusterAttributes(stack, 'Imported', { clusterName: 'prod', vpc, clusterSecurityGroupId: 'sg-1', openIdConnectProvider });
  const nodeSecurityGroups = [cluster.clusterSecurityGroup, ec2.SecurityGroup.fromSecurityGroupId(stack, 'NodeSg', 'sg-2')];
  return EksCluster.fromCluster(stack, 'Byo', { cluster, nodeModeType, nodeSecurityGroups, kubernetesVersion: eks.KubernetesVersion.V1_36 });
}

/** A user-owned aws-eks-v2 cluster on Fargate, adapted with EksCluster.fromCluster. */
function ownedFargateCluster(stack: Stack): { owned: eks.Cluster; cluster: IEksCluster } {
  const network = new CustomerVpc(stack, 'Network');
  const owned = new eks.Cluster(stack, 'Owned', {
    vpc: network.vpc,
    version: eks.KubernetesVersion.V1_36,
    defaultCapacityType: eks.DefaultCapacityType.NODEGROUP,
    defaultCapacity: 0,
  });
  return { owned, cluster: EksCluster.fromCluster(stack, 'Byo', { cluster: owned, nodeModeType: NodeModeType.FARGATE }) };
}

const READER: WorkloadRoleOptions = { namespace: 'sample', serviceAccount: 'reader' };

/** Every IAM OIDC provider of the template, native or custom resource. */
const providers = (template: Template) => [
  ...Object.keys(template.findResources('AWS::IAM::OIDCProvider')),
  ...Object.keys(template.findResources('Custom::AWSCDKOpenIdConnectProvider')),
];

describe('WorkloadRole on nodes', () => {
  let stack: Stack;
  let template: Template;
  let role: WorkloadRole;
  beforeAll(() => {
    // GIVEN a managed-node cluster WHEN a workload role is added for sample/reader
    const built = roleStack(NodeMode.managed());
    stack = built.stack;
    role = new WorkloadRole(stack, 'Reader', { ...READER, cluster: built.cluster });
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

  test('does not wait for the node group: a role and an association run no pods', () => {
    const [nodegroupId] = Object.keys(template.findResources('AWS::EKS::Nodegroup'));
    const resources = template.toJSON().Resources;
    for (const id of [stack.getLogicalId(role.role.node.defaultChild as iam.CfnRole), stack.getLogicalId(role.podIdentityAssociation!)]) {
      expect(resources[id].DependsOn ?? []).not.toContain(nodegroupId);
    }
  });

  test('has no permissions until granted, so cdk-nag finds nothing', () => {
    const roles = template.findResources('AWS::IAM::Role', { Properties: { Description: 'Pods of service account sample/reader' } });
    const [only] = Object.values(roles) as any[];
    expect(only.Properties.ManagedPolicyArns).toBeUndefined();
    expect(only.Properties.Policies).toBeUndefined();
    expect(awsSolutionsFindings(stack).filter((f) => f.path.includes('/Reader/'))).toEqual([]);
  });
});

describe('how the role is bound is derived from the node mode', () => {
  test.each([
    ['managed', false, () => NodeMode.managed()],
    ['self-managed', false, () => NodeMode.selfManaged()],
    ['fargate', true, () => NodeMode.fargate()],
    ['auto-mode', false, () => NodeMode.autoMode()],
  ])('on an EksCluster with %s capacity (IRSA: %s)', (_, irsa, nodeMode) => {
    // GIVEN an EksCluster of the mode WHEN a workload role is added through it
    const { stack, cluster } = roleStack(nodeMode());
    const role = cluster.addWorkloadRole('Reader', READER);
    const template = Template.fromStack(stack);
    // THEN Fargate binds through IRSA, every other mode through a Pod Identity association
    template.resourceCountIs('AWS::EKS::PodIdentityAssociation', irsa ? 0 : 1);
    expect(Object.keys(template.findResources('AWS::IAM::Role', {
      Properties: { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Action: 'sts:AssumeRoleWithWebIdentity' })] } },
    }))).toHaveLength(irsa ? 1 : 0);
    expect(role.usesIrsa).toBe(irsa);
    expect(role.node.path).toBe('Test/Cluster/Reader');
  });

  test.each([
    [NodeModeType.MANAGED, false],
    [NodeModeType.SELF_MANAGED, false],
    [NodeModeType.FARGATE, true],
    [NodeModeType.AUTO_MODE, false],
  ])('on an imported cluster stated to run on %s capacity (IRSA: %s)', (type, irsa) => {
    // GIVEN an imported cluster with its OIDC provider, adapted with EksCluster.fromCluster
    const stack = newStack();
    const provider = iam.OpenIdConnectProvider.fromOpenIdConnectProviderArn(stack, 'Oidc',
      'arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE');
    const cluster = importedCluster(stack, type, provider);
    // WHEN a workload role is added
    new WorkloadRole(stack, 'Reader', { ...READER, cluster });
    // THEN it is bound for the mode, on the imported cluster, trusting its own provider under IRSA
    const template = Template.fromStack(stack);
    if (irsa) {
      template.resourceCountIs('AWS::EKS::PodIdentityAssociation', 0);
      template.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Action: 'sts:AssumeRoleWithWebIdentity', Principal: { Federated: provider.openIdConnectProviderArn } })] },
      });
      expect(providers(template)).toEqual([]);
    } else {
      template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', { ClusterName: 'prod', Namespace: 'sample', ServiceAccount: 'reader' });
    }
  });
});

describe('WorkloadRole on Fargate', () => {
  test('uses IRSA through the native OIDC provider, since Pod Identity does not work for Fargate pods', () => {
    // GIVEN a Fargate cluster WHEN a workload role is added
    const { stack, cluster } = roleStack(NodeMode.fargate());
    const role = new WorkloadRole(stack, 'Reader', { ...READER, cluster });
    const template = Template.fromStack(stack);
    // THEN no association, a web-identity trust for exactly sample/reader, and the annotation to set
    template.resourceCountIs('AWS::EKS::PodIdentityAssociation', 0);
    const native = Object.keys(template.findResources('AWS::IAM::OIDCProvider'));
    expect(native).toHaveLength(1);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Action: 'sts:AssumeRoleWithWebIdentity', Principal: { Federated: { Ref: native[0] } } })] },
    });
    const conditions = Object.values(template.findResources('Custom::AWSCDKCfnJson')).map((r: any) => JSON.stringify(r.Properties.Value));
    expect(conditions.some((c) => c.includes('system:serviceaccount:sample:reader') && c.includes('sts.amazonaws.com'))).toBe(true);
    expect(role.usesIrsa).toBe(true);
    expect(stack.resolve(role.serviceAccountAnnotations)).toEqual({ 'eks.amazonaws.com/role-arn': { 'Fn::GetAtt': [expect.stringMatching(/^ReaderRole/), 'Arn'] } });
  });
});

describe('one IAM OIDC provider per cluster, whoever asks first', () => {
  test('is a native AWS::IAM::OIDCProvider on an EksCluster, under the id aws-eks-v2 gives it, with no custom resource Lambda', () => {
    // GIVEN a Fargate EksCluster WHEN a workload role needs IRSA
    const { stack, cluster } = roleStack(NodeMode.fargate());
    new WorkloadRole(stack, 'Reader', { ...READER, cluster });
    const template = Template.fromStack(stack);
    // THEN the provider is native, a child of the aws-eks-v2 cluster named OidcProviderNative
    const [native] = Object.keys(template.findResources('AWS::IAM::OIDCProvider'));
    const provider = cluster.cluster.node.findChild('OidcProviderNative');
    expect(native).toBe(stack.getLogicalId(provider.node.defaultChild as any));
    template.resourceCountIs('Custom::AWSCDKOpenIdConnectProvider', 0);
    expect(Object.keys(template.findResources('AWS::Lambda::Function')).filter((id) => /OpenIdConnect/i.test(id))).toEqual([]);
  });

  test('two IRSA users share one provider: a workload role and the load balancer controller', () => {
    // GIVEN a Fargate EksCluster with a kubectl provider
    const stack = newStack();
    const network = new CustomerVpc(stack, 'Network');
    const cluster = new EksCluster(stack, 'Cluster', { vpc: network.vpc, nodeMode: NodeMode.fargate(), kubectlLayer: new KubectlV36Layer(stack, 'KubectlLayer') });
    // WHEN two workload roles and AlbIngress all use IRSA
    new WorkloadRole(stack, 'Reader', { ...READER, cluster });
    new WorkloadRole(stack, 'Writer', { namespace: 'sample', serviceAccount: 'writer', cluster });
    const ingress = new AlbIngress(stack, 'Ingress', { cluster });
    // THEN there is one provider, which every web-identity role trusts
    const template = Template.fromStack(stack);
    expect(providers(template)).toHaveLength(1);
    const trusting = template.findResources('AWS::IAM::Role', {
      Properties: { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Federated: { Ref: providers(template)[0] } } })] } },
    });
    expect(Object.keys(trusting)).toHaveLength(3);
    expect(Object.keys(trusting)).toContain(stack.getLogicalId(ingress.controllerRole!.node.defaultChild as any));
  });

  test("aws-eks-v2's openIdConnectProvider getter returns the provider IRSA uses, asked before or after", () => {
    // GIVEN a Fargate cluster whose provider is asked for before and after an IRSA workload role
    const { stack, cluster } = roleStack(NodeMode.fargate());
    const before = cluster.cluster.openIdConnectProvider;
    new WorkloadRole(stack, 'Reader', { ...READER, cluster });
    const after = cluster.cluster.openIdConnectProvider;
    // THEN it is the same one: IAM rejects a second provider for the same issuer
    const template = Template.fromStack(stack);
    expect(providers(template)).toHaveLength(1);
    expect(stack.resolve(before.openIdConnectProviderArn)).toEqual({ Ref: providers(template)[0] });
    expect(after).toBe(before);
  });

  test("on a user-owned aws-eks-v2 cluster, the user's feature flag decides: the custom resource without it", () => {
    // GIVEN a user-owned eks.Cluster on Fargate, in an app without the native OIDC provider flag
    const stack = newStack();
    const { cluster } = ownedFargateCluster(stack);
    // WHEN a workload role needs IRSA (aws-eks-v2 warns that its custom resource provider is deprecated)
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      new WorkloadRole(stack, 'Reader', { ...READER, cluster });
    } finally {
      warn.mockRestore();
    }
    // THEN aws-eks-v2's own default provider is used, once
    const template = Template.fromStack(stack);
    template.resourceCountIs('Custom::AWSCDKOpenIdConnectProvider', 1);
    template.resourceCountIs('AWS::IAM::OIDCProvider', 0);
  });

  test("on a user-owned aws-eks-v2 cluster, the user's feature flag decides: native with it", () => {
    // GIVEN a user-owned eks.Cluster on Fargate, in an app with @aws-cdk/aws-eks:useNativeOidcProvider on
    const stack = new Stack(testApp({ context: { [cxapi.EKS_USE_NATIVE_OIDC_PROVIDER]: true } }), 'Test');
    const { cluster } = ownedFargateCluster(stack);
    // WHEN a workload role needs IRSA
    new WorkloadRole(stack, 'Reader', { ...READER, cluster });
    // THEN the provider is the native one
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::OIDCProvider', 1);
    template.resourceCountIs('Custom::AWSCDKOpenIdConnectProvider', 0);
  });
});

describe('WorkloadRole takes tokens', () => {
  test.each([
    ['managed', () => NodeMode.managed()],
    ['fargate', () => NodeMode.fargate()],
  ])('a namespace and service account from parameters, on %s capacity', (type, nodeMode) => {
    // GIVEN a namespace and a service account name known only at deploy time
    const { stack, cluster } = roleStack(nodeMode());
    const namespace = new CfnParameter(stack, 'Ns').valueAsString;
    const serviceAccount = new CfnParameter(stack, 'Sa').valueAsString;
    // WHEN a workload role is added for them
    new WorkloadRole(stack, 'Reader', { cluster, namespace, serviceAccount });
    // THEN it synthesizes with the parameters in the binding
    const template = Template.fromStack(stack);
    if (type === 'fargate') {
      const conditions = Object.values(template.findResources('Custom::AWSCDKCfnJson')).map((r: any) => JSON.stringify(r.Properties.Value));
      expect(conditions.some((c) => c.includes('{"Ref":"Ns"}') && c.includes('{"Ref":"Sa"}'))).toBe(true);
    } else {
      template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', { Namespace: { Ref: 'Ns' }, ServiceAccount: { Ref: 'Sa' } });
    }
  });
});

describe('WorkloadRole bad input', () => {
  test('a namespace Kubernetes rejects', () => {
    const { stack, cluster } = roleStack(NodeMode.managed());
    expect(() => new WorkloadRole(stack, 'Reader', { cluster, namespace: 'Sample_NS', serviceAccount: 'reader' }))
      .toThrow(/WorkloadRole at 'Test\/Reader' has invalid props:\n {2}- namespace: got 'Sample_NS'; must be a DNS-1123 label/);
  });

  test('a namespace longer than a DNS label', () => {
    const { stack, cluster } = roleStack(NodeMode.managed());
    expect(() => new WorkloadRole(stack, 'Reader', { cluster, namespace: 'n'.repeat(64), serviceAccount: 'reader' }))
      .toThrow(/namespace: got 'n{64}'; must be a DNS-1123 label: at most 63 characters/);
  });

  test('a service account name Kubernetes rejects', () => {
    const { stack, cluster } = roleStack(NodeMode.managed());
    expect(() => new WorkloadRole(stack, 'Reader', { cluster, namespace: 'sample', serviceAccount: '-reader' }))
      .toThrow(/serviceAccount: got '-reader'; must be a DNS-1123 subdomain/);
  });

  test('an imported Fargate cluster without its OIDC provider', () => {
    // GIVEN an imported cluster on Fargate that was given no openIdConnectProvider
    const stack = newStack();
    const cluster = importedCluster(stack, NodeModeType.FARGATE);
    // WHEN a workload role needs IRSA THEN the missing attribute is named
    expect(() => new WorkloadRole(stack, 'Reader', { ...READER, cluster }))
      .toThrow(/cluster: got 'Test\/Imported'; a WorkloadRole on Fargate uses IRSA[^\n]*needs its `openIdConnectProvider`: pass it to eks.Cluster.fromClusterAttributes/);
  });

  test('the nodeModeType the cluster now states, as an unknown option', () => {
    const { stack, cluster } = roleStack(NodeMode.managed());
    const props = { ...READER, cluster, nodeModeType: NodeModeType.FARGATE };
    expect(() => new WorkloadRole(stack, 'Reader', props))
      .toThrow(/nodeModeType: got 'a value'; is not an option of WorkloadRole; its options are cluster, namespace, serviceAccount, description/);
  });

  test('a misspelt option, naming the real one', () => {
    const { stack, cluster } = roleStack(NodeMode.managed());
    expect(() => new WorkloadRole(stack, 'Reader', { ...READER, cluster, serviceAcount: 'x' } as any))
      .toThrow(/serviceAcount: got 'a value'; is not an option of WorkloadRole \(did you mean 'serviceAccount'\?\)/);
  });
});

describe('WorkloadRole cross-account target, session tags and session policy', () => {
  const target = 'arn:aws:iam::111122223333:role/reader';
  const readPolicy = () => new iam.PolicyDocument({
    statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::bucket/*'] })],
  });
  let stack: Stack;
  let role: WorkloadRole;
  let template: Template;
  beforeAll(() => {
    // GIVEN a cluster on managed nodes WHEN a role chains into another account, without session tags, with a session policy
    const built = roleStack(NodeMode.managed());
    stack = built.stack;
    role = new WorkloadRole(stack, 'Reader', {
      cluster: built.cluster, namespace: 'apps', serviceAccount: 'reader',
      targetRoleArn: target, disableSessionTags: true, sessionPolicy: readPolicy(),
    });
    template = Template.fromStack(stack);
  });

  test('the association carries the target role, session tags off and the session policy', () => {
    template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', {
      Namespace: 'apps', ServiceAccount: 'reader', TargetRoleArn: target, DisableSessionTags: true,
      Policy: JSON.stringify({ Statement: [{ Action: 's3:GetObject', Effect: 'Allow', Resource: 'arn:aws:s3:::bucket/*' }], Version: '2012-10-17' }),
    });
    expect(role.externalId).toBe(role.podIdentityAssociation!.attrExternalId);
  });

  test('the workload role may assume and tag the target role, and nothing else', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: ['sts:AssumeRole', 'sts:TagSession'], Effect: 'Allow', Resource: target }] },
      Roles: [{ Ref: stack.getLogicalId(role.role.node.defaultChild as iam.CfnRole) }],
    });
  });

  const build = (options: Partial<WorkloadRoleOptions>, nodeMode: NodeMode = NodeMode.managed()) => () => {
    const { stack: s, cluster } = roleStack(nodeMode);
    return new WorkloadRole(s, 'Role', { cluster, namespace: 'apps', serviceAccount: 'app', ...options });
  };

  test('targetRoleArn must be an IAM role ARN; a token passes', () => {
    expect(build({ targetRoleArn: 'arn:aws:iam::111122223333:user/reader' }))
      .toThrow(/targetRoleArn: got 'arn:aws:iam::111122223333:user\/reader'; must be an IAM role ARN/);
    const s = newStack();
    const network = new CustomerVpc(s, 'Network');
    const cluster = new EksCluster(s, 'Cluster', { vpc: network.vpc });
    const arn = new CfnParameter(s, 'Target').valueAsString;
    new WorkloadRole(s, 'Role', { cluster, namespace: 'apps', serviceAccount: 'app', targetRoleArn: arn });
    Template.fromStack(s).hasResourceProperties('AWS::EKS::PodIdentityAssociation', { TargetRoleArn: { Ref: 'Target' } });
  });

  test('a session policy is at most 2,048 characters and not empty', () => {
    const big = new iam.PolicyDocument({
      statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: Array.from({ length: 100 }, (_, i) => `arn:aws:s3:::bucket-${i}/*`) })],
    });
    expect(build({ sessionPolicy: big, disableSessionTags: true })).toThrow(/sessionPolicy: got '\d+ characters'; STS takes a session policy of at most 2048 characters/);
    expect(build({ sessionPolicy: new iam.PolicyDocument() })).toThrow(/sessionPolicy: got 'an empty policy document'/);
  });

  test('a session policy with session tags on is allowed, with a warning', () => {
    const roleWithTags = build({ sessionPolicy: readPolicy() })();
    Annotations.fromStack(Stack.of(roleWithTags)).hasWarning('/Test/Role', Match.stringLikeRegexp('STS packs both into one size limit'));
  });

  test('on Fargate (IRSA) the Pod Identity settings are refused', () => {
    expect(build({ targetRoleArn: target, disableSessionTags: true }, NodeMode.fargate()))
      .toThrow(/targetRoleArn: got 'a value'; is a Pod Identity setting, and Fargate pods use IRSA[\s\S]*disableSessionTags: got 'a value'/);
  });
});
