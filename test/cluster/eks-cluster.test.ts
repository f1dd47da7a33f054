import { CfnParameter, CfnResource, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as kms from 'aws-cdk-lib/aws-kms';
import { KubectlV36Layer } from '@aws-cdk/lambda-layer-kubectl-v36';
import { EksCluster, EksClusterProps } from '../../lib/cluster/eks-cluster';
import { DEFAULT_KUBERNETES_VERSION } from '../../lib/private/kubernetes-versions';
import { CustomerVpc } from '../../lib/network/customer-vpc';
import { isolatedVpc } from '../helpers/isolated-vpc';
import { awsSolutionsFindings, logicalIdOf, newStack } from '../helpers/synth';

/** A stack with a CustomerVpc and an EksCluster built from `props`. */
function clusterStack(props: Partial<EksClusterProps> = {}, vpcProps: ConstructorParameters<typeof CustomerVpc>[2] = {}) {
  const stack = newStack();
  const network = new CustomerVpc(stack, 'Network', vpcProps);
  const cluster = new EksCluster(stack, 'Cluster', { vpc: network.vpc, ...props });
  return { stack, network, cluster };
}

const clusterAdminPolicyArn = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy']] };

function clusterResource(template: Template): any {
  const clusters = Object.values(template.findResources('AWS::EKS::Cluster'));
  expect(clusters).toHaveLength(1);
  return clusters[0];
}

describe('EksCluster defaults', () => {
  let stack: Stack;
  let template: Template;
  let cluster: EksCluster;
  beforeAll(() => {
    // GIVEN a customer VPC WHEN an EksCluster is added with only the VPC
    ({ stack, cluster } = clusterStack());
    template = Template.fromStack(stack);
  });

  test('is one native AWS::EKS::Cluster with the pinned default Kubernetes version', () => {
    const resource = clusterResource(template);
    expect(resource.Properties.Version).toBe(DEFAULT_KUBERNETES_VERSION.version);
    expect(DEFAULT_KUBERNETES_VERSION.version).toBe('1.36');
  });

  test('puts the control plane ENIs in the three private subnets of the customer VPC, with a security group of that VPC', () => {
    const { SubnetIds, SecurityGroupIds } = clusterResource(template).Properties.ResourcesVpcConfig;
    const privateSubnetIds = Object.entries(template.findResources('AWS::EC2::Subnet'))
      .filter(([, s]: any) => s.Properties.Tags.some((t: any) => t.Key === 'aws-cdk:subnet-type' && t.Value === 'Private'))
      .map(([id]) => ({ Ref: id }));
    expect(SubnetIds).toHaveLength(3);
    expect(SubnetIds).toEqual(expect.arrayContaining(privateSubnetIds));
    expect(SecurityGroupIds).toHaveLength(1);
    const sgId = SecurityGroupIds[0]['Fn::GetAtt'][0];
    const vpcId = Object.keys(template.findResources('AWS::EC2::VPC'))[0];
    expect(template.toJSON().Resources[sgId].Properties.VpcId).toEqual({ Ref: vpcId });
  });

  test('has a private API endpoint only', () => {
    expect(clusterResource(template).Properties.ResourcesVpcConfig).toMatchObject({ EndpointPrivateAccess: true, EndpointPublicAccess: false });
    expect(clusterResource(template).Properties.ResourcesVpcConfig.PublicAccessCidrs).toBeUndefined();
    expect(cluster.endpointPrivateOnly).toBe(true);
  });

  test('envelope-encrypts secrets with a customer-managed key that rotates and is retained', () => {
    const encryption = clusterResource(template).Properties.EncryptionConfig;
    expect(encryption).toHaveLength(1);
    expect(encryption[0].Resources).toEqual(['secrets']);
    const keyId = encryption[0].Provider.KeyArn['Fn::GetAtt'][0];
    expect(keyId).toMatch(/^ClusterEncryptionKey/);
    template.hasResource('AWS::KMS::Key', { Properties: { EnableKeyRotation: true }, DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  test('the cluster role may use the key before the cluster exists (a customer managed policy the role is created with, no inline policy)', () => {
    const policyId = logicalIdOf(template, 'AWS::IAM::ManagedPolicy', {
      Properties: { PolicyDocument: { Statement: [Match.objectLike({
        Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:DescribeKey', 'kms:CreateGrant'],
        Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ClusterEncryptionKey'), 'Arn'] },
      })] } },
    });
    const [, role] = Object.entries(template.findResources('AWS::IAM::Role', {
      Properties: { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'eks.amazonaws.com' } })] } },
    }))[0] as [string, any];
    expect(role.Properties.ManagedPolicyArns).toEqual(expect.arrayContaining([{ Ref: policyId }]));
    expect(role.Properties.Policies).toBeUndefined();
  });

  test('every key it creates denies kms:CreateGrant unless the grant is for an AWS resource (Control Tower CT.KMS.PR.3)', () => {
    const keys = Object.values(template.findResources('AWS::KMS::Key')) as any[];
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      expect(key.Properties.KeyPolicy.Statement).toContainEqual({
        Sid: 'DenyGrantsExceptForAwsResources',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 'kms:CreateGrant',
        Resource: '*',
        Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
      });
    }
  });

  test('turns on all five control-plane log types', () => {
    const types = clusterResource(template).Properties.Logging.ClusterLogging.EnabledTypes.map((t: any) => t.Type);
    expect(types.sort()).toEqual(['api', 'audit', 'authenticator', 'controllerManager', 'scheduler']);
  });

  test('owns the control-plane log group: exact EKS name, retention, KMS, retained, created before the cluster', () => {
    const [logGroupId, logGroup] = Object.entries(template.findResources('AWS::Logs::LogGroup', { Properties: { LogGroupName: Match.anyValue() } }))[0] as [string, any];
    expect(logGroup.Properties.LogGroupName).toMatch(/^\/aws\/eks\/Test-Cluster-[A-Za-z0-9]+\/cluster$/);
    expect(logGroup.Properties.LogGroupName).toBe(`/aws/eks/${clusterResource(template).Properties.Name}/cluster`);
    expect(logGroup.Properties.RetentionInDays).toBe(365);
    expect(logGroup.Properties.KmsKeyId['Fn::GetAtt'][0]).toMatch(/^ClusterEncryptionKey/);
    expect(logGroup.DeletionPolicy).toBe('Retain');
    expect(clusterResource(template).DependsOn).toEqual(expect.arrayContaining([logGroupId]));
  });

  test('uses authentication mode API (access entries) with no implicit admin for the deployer', () => {
    expect(clusterResource(template).Properties.AccessConfig).toEqual({ AuthenticationMode: 'API', BootstrapClusterCreatorAdminPermissions: false });
  });

  test('is retained with deletion protection on', () => {
    const resource = clusterResource(template);
    expect(resource.DeletionPolicy).toBe('Retain');
    expect(resource.UpdateReplacePolicy).toBe('Retain');
    expect(resource.Properties.DeletionProtection).toBe(true);
  });

  test('is not in Auto Mode unless asked', () => {
    const props = clusterResource(template).Properties;
    expect(props.ComputeConfig.Enabled).toBe(false);
    expect(props.StorageConfig.BlockStorage.Enabled).toBe(false);
  });

  test('has no kubectl Lambda and no public cluster admin when no kubectl layer is given', () => {
    template.resourceCountIs('AWS::EKS::AccessEntry', 0);
    const functions = Object.keys(template.findResources('AWS::Lambda::Function'));
    expect(functions.filter((id) => !/CustomVpcRestrictDefaultSG/.test(id))).toEqual([]);
  });

  test('installs the core add-ons as EKS managed add-ons, with no unmanaged copies bootstrapped beside them', () => {
    expect(clusterResource(template).Properties.BootstrapSelfManagedAddons).toBe(false);
    const names = Object.values(template.findResources('AWS::EKS::Addon')).map((a: any) => a.Properties.AddonName);
    expect(names.sort()).toEqual(['coredns', 'eks-node-monitoring-agent', 'eks-pod-identity-agent', 'kube-proxy', 'metrics-server', 'vpc-cni']);
    expect(cluster.coreAddons.nodeModeType).toBe(cluster.nodeModeType);
  });

  test('exposes the aws-eks-v2 cluster, the VPC and the key', () => {
    expect(cluster.cluster).toBeInstanceOf(eks.Cluster);
    expect(cluster.vpc).toBe(cluster.cluster.vpc);
    expect(stack.resolve(cluster.encryptionKey.keyArn)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^ClusterEncryptionKey/), 'Arn'] });
  });

  test('cdk-nag AwsSolutions finds nothing unacknowledged', () => {
    expect(awsSolutionsFindings(stack)).toEqual([]);
  });
});

describe('EksCluster options', () => {
  test('public endpoint for listed CIDRs only', () => {
    const { stack } = clusterStack({ publicAccessCidrs: ['203.0.113.0/24', '198.51.100.7/32'] });
    expect(clusterResource(Template.fromStack(stack)).Properties.ResourcesVpcConfig).toMatchObject({
      EndpointPrivateAccess: true, EndpointPublicAccess: true, PublicAccessCidrs: ['203.0.113.0/24', '198.51.100.7/32'],
    });
  });

  test('0.0.0.0/0 with the explicit opt-in', () => {
    const { stack } = clusterStack({ publicAccessCidrs: ['0.0.0.0/0'], allowPublicEndpointFromAnywhere: true });
    expect(clusterResource(Template.fromStack(stack)).Properties.ResourcesVpcConfig.PublicAccessCidrs).toEqual(['0.0.0.0/0']);
  });

  test('a private-cluster VPC forces the endpoint private and puts the control plane in isolated subnets', () => {
    const { stack, network } = clusterStack({}, { privateCluster: true });
    const config = clusterResource(Template.fromStack(stack)).Properties.ResourcesVpcConfig;
    expect(config).toMatchObject({ EndpointPrivateAccess: true, EndpointPublicAccess: false });
    expect(config.SubnetIds).toEqual(network.vpc.isolatedSubnets.map((s) => stack.resolve(s.subnetId)));
  });

  test('version, name, log retention and admin principals', () => {
    const { stack } = clusterStack({
      kubernetesVersion: eks.KubernetesVersion.V1_34,
      clusterName: 'platform-prod',
      clusterAdminPrincipalArns: ['arn:aws:iam::111122223333:role/PlatformAdmin'],
    });
    const template = Template.fromStack(stack);
    expect(clusterResource(template).Properties).toMatchObject({ Version: '1.34', Name: 'platform-prod' });
    template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/aws/eks/platform-prod/cluster' });
    template.hasResourceProperties('AWS::EKS::AccessEntry', {
      PrincipalArn: 'arn:aws:iam::111122223333:role/PlatformAdmin',
      AccessPolicies: [{ PolicyArn: clusterAdminPolicyArn, AccessScope: { Type: 'cluster' } }],
    });
  });

  test('a key the user brings encrypts secrets and logs; no key is created', () => {
    const stack = newStack();
    const network = new CustomerVpc(stack, 'Network');
    const key = new kms.Key(stack, 'MyKey', { enableKeyRotation: true });
    new EksCluster(stack, 'Cluster', { vpc: network.vpc, encryptionKey: key });
    const template = Template.fromStack(stack);
    expect(clusterResource(template).Properties.EncryptionConfig[0].Provider.KeyArn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^MyKey/), 'Arn'] });
    expect(Object.keys(template.findResources('AWS::KMS::Key')).filter((id) => id.startsWith('Cluster'))).toEqual([]);
  });

  test('a throw-away dev stack: DESTROY turns deletion protection off and deletes cluster, key and logs', () => {
    const { stack } = clusterStack({ removalPolicy: RemovalPolicy.DESTROY });
    const template = Template.fromStack(stack);
    const resource = clusterResource(template);
    expect(resource.DeletionPolicy).toBe('Delete');
    expect(resource.Properties.DeletionProtection).toBe(false);
    template.hasResource('AWS::Logs::LogGroup', { Properties: { LogGroupName: Match.stringLikeRegexp('^/aws/eks/') }, DeletionPolicy: 'Delete' });
  });

  test('a kubectl layer adds the kubectl provider and its admin access entry', () => {
    const stack = newStack();
    const network = new CustomerVpc(stack, 'Network');
    new EksCluster(stack, 'Cluster', { vpc: network.vpc, kubectlLayer: new KubectlV36Layer(stack, 'KubectlLayer') });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::EKS::AccessEntry', {
      AccessPolicies: [{ PolicyArn: clusterAdminPolicyArn, AccessScope: { Type: 'cluster' } }],
    });
    expect(Object.keys(template.findResources('AWS::Lambda::Function')).some((id) => /KubectlProvider/.test(id))).toBe(true);
    // Every finding on the kubectl provider is acknowledged on it, with a reason.
    expect(awsSolutionsFindings(stack)).toEqual([]);
  });

  test('the kubectl provider Lambdas run in the node subnets with their own security group, which may reach the API endpoint on 443 (Control Tower CT.LAMBDA.PR.3)', () => {
    // GIVEN
    const stack = newStack();
    const network = new CustomerVpc(stack, 'Network');
    // WHEN
    new EksCluster(stack, 'Cluster', { vpc: network.vpc, kubectlLayer: new KubectlV36Layer(stack, 'KubectlLayer') });
    // THEN both Lambdas of the provider (handler and framework) use the group, a resource of this template
    const template = Template.fromStack(stack);
    const groupId = logicalIdOf(template, 'AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('^kubectl provider Lambdas') } });
    const functions = Object.entries(template.findResources('AWS::Lambda::Function')).filter(([id]) => /KubectlProvider/.test(id));
    expect(functions).toHaveLength(2);
    for (const [, fn] of functions) {
      expect((fn as any).Properties.VpcConfig.SecurityGroupIds).toEqual([{ 'Fn::GetAtt': [groupId, 'GroupId'] }]);
      expect((fn as any).Properties.VpcConfig.SubnetIds).toHaveLength(3);
    }
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Cluster'), 'ClusterSecurityGroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [groupId, 'GroupId'] },
      IpProtocol: 'tcp', FromPort: 443, ToPort: 443,
    });
  });

  test('an imported VPC with token subnets and AZs is not falsely rejected', () => {
    const stack = newStack();
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Imported', {
      vpcId: Token.asString({ Ref: 'VpcIdParam' }),
      availabilityZones: ['a', 'b'],
      privateSubnetIds: [Token.asString({ Ref: 'S1' }), Token.asString({ Ref: 'S2' })],
    });
    new EksCluster(stack, 'Cluster', { vpc, clusterName: Token.asString({ Ref: 'NameParam' }) });
    expect(clusterResource(Template.fromStack(stack)).Properties.ResourcesVpcConfig.SubnetIds).toEqual([{ Ref: 'S1' }, { Ref: 'S2' }]);
  });
});

describe('EksCluster bad input', () => {
  const build = (props: Partial<EksClusterProps>) => () => clusterStack(props);

  test('cluster subnets in one AZ only', () => {
    expect(build({ vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, availabilityZones: [] as string[], onePerAz: true, subnetFilters: [ec2.SubnetFilter.byIds([])] } }))
      .toThrow(/EksCluster at 'Test\/Cluster'[\s\S]*vpcSubnets: got 'no subnets'/);
  });

  test('cluster subnets in a single pinned AZ', () => {
    const stack = newStack();
    const network = new CustomerVpc(stack, 'Network', { availabilityZones: ['eu-west-1a', 'eu-west-1b'] });
    expect(() => new EksCluster(stack, 'Cluster', { vpc: network.vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, availabilityZones: ['eu-west-1a'] } }))
      .toThrow(/vpcSubnets: got 'subnets in eu-west-1a'; the control plane and nodes need subnets in at least 2 Availability Zones/);
  });

  test('public subnets for the control plane', () => {
    expect(build({ vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } }))
      .toThrow(/vpcSubnets: got 'public subnets'; the control plane ENIs and nodes belong in private subnets/);
  });

  test('an imported VPC with no private subnets', () => {
    const stack = newStack();
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Imported', { vpcId: 'vpc-1', availabilityZones: ['a', 'b'], publicSubnetIds: ['s-1', 's-2'] });
    expect(() => new EksCluster(stack, 'Cluster', { vpc })).toThrow(/vpc: got 'no subnets'; the control plane and nodes need private subnets/);
  });

  test('a malformed CIDR in the public access list', () => {
    expect(build({ publicAccessCidrs: ['203.0.113.0/24', '10.0.0.300/8', 'office'] }))
      .toThrow(/publicAccessCidrs: got '10.0.0.300\/8'; each entry must be an IPv4 CIDR block[\s\S]*publicAccessCidrs: got 'office'/);
  });

  test('0.0.0.0/0 without the opt-in', () => {
    expect(build({ publicAccessCidrs: ['0.0.0.0/0'] }))
      .toThrow(/publicAccessCidrs: got '0.0.0.0\/0'; opens the API endpoint to the whole internet; list your own CIDRs, or set allowPublicEndpointFromAnywhere: true/);
  });

  test('a public endpoint on a private cluster', () => {
    expect(() => clusterStack({ publicAccessCidrs: ['203.0.113.0/24'] }, { privateCluster: true }))
      .toThrow(/publicAccessCidrs: got \["203.0.113.0\/24"\]; a private cluster/);
  });

  test.each([
    ['', 'empty'],
    ['a'.repeat(101), 'over 100 characters'],
    ['-starts-with-hyphen', 'bad first character'],
    ['has.dots', 'bad characters'],
  ])('cluster name %j (%s)', (name) => {
    expect(build({ clusterName: name })).toThrow(/clusterName: got '.*'; must be 1 to 100 characters, start with a letter or digit/);
  });

  test('a malformed Kubernetes version', () => {
    expect(build({ kubernetesVersion: eks.KubernetesVersion.of('1.36.2') })).toThrow(/kubernetesVersion: got '1.36.2'; must look like '1.36'; supported: 1.33, 1.34, 1.35, 1.36/);
  });

  test('an unsupported Kubernetes version', () => {
    expect(build({ kubernetesVersion: eks.KubernetesVersion.V1_29 })).toThrow(/kubernetesVersion: got '1.29'; is not supported; supported: 1.33, 1.34, 1.35, 1.36/);
  });

  test('deletion protection on a cluster meant to be destroyed', () => {
    expect(build({ removalPolicy: RemovalPolicy.DESTROY, deletionProtection: true }))
      .toThrow(/deletionProtection: got true; cannot be true with removalPolicy DESTROY/);
  });

  test('every problem is reported at once', () => {
    expect(build({ clusterName: '', publicAccessCidrs: ['0.0.0.0/0'], kubernetesVersion: eks.KubernetesVersion.V1_29 })).toThrow(/clusterName[\s\S]*kubernetesVersion[\s\S]*publicAccessCidrs/);
  });
});

describe('EksCluster service CIDR', () => {
  const serviceCidrOf = (template: Template) => clusterResource(template).Properties.KubernetesNetworkConfig?.ServiceIpv4Cidr;

  test('defaults to 172.20.0.0/16, set on the cluster', () => {
    // GIVEN the default customer VPC (10.0.0.0/16) WHEN a cluster is added
    const { stack, cluster } = clusterStack();
    // THEN the block EKS would choose is written to the template, and the handle states it
    expect(serviceCidrOf(Template.fromStack(stack))).toBe('172.20.0.0/16');
    expect(cluster.serviceIpv4Cidr).toBe('172.20.0.0/16');
  });

  test('defaults to 10.100.0.0/16 when the VPC lies in 172.16.0.0/12', () => {
    // GIVEN a VPC in 172.20.0.0/16 WHEN a cluster is added
    const { stack } = clusterStack({}, { cidr: '172.20.0.0/16' });
    // THEN the default does not collide with it
    expect(serviceCidrOf(Template.fromStack(stack))).toBe('10.100.0.0/16');
  });

  test('a given block is set on the cluster', () => {
    const { stack, cluster } = clusterStack({ serviceIpv4Cidr: '192.168.0.0/16' });
    expect(serviceCidrOf(Template.fromStack(stack))).toBe('192.168.0.0/16');
    expect(cluster.serviceIpv4Cidr).toBe('192.168.0.0/16');
  });

  test.each(['172.16.0.0/12', '10.96.0.0/24'])('accepts %s, at the edges of /12 to /24', (cidr) => {
    const { stack } = clusterStack({ serviceIpv4Cidr: cidr });
    expect(serviceCidrOf(Template.fromStack(stack))).toBe(cidr);
  });

  test('a token is passed through unchecked', () => {
    const stack = newStack();
    const network = new CustomerVpc(stack, 'Network');
    const cidr = new CfnParameter(stack, 'ServiceCidr').valueAsString;
    new EksCluster(stack, 'Cluster', { vpc: network.vpc, serviceIpv4Cidr: cidr });
    expect(serviceCidrOf(Template.fromStack(stack))).toEqual({ Ref: 'ServiceCidr' });
  });

  const build = (serviceIpv4Cidr: string) => () => clusterStack({ serviceIpv4Cidr });
  test('a malformed block', () => {
    expect(build('172.20.0.0')).toThrow(/serviceIpv4Cidr: got '172.20.0.0'; must be an IPv4 CIDR block/);
  });
  test.each(['10.0.0.0/11', '10.100.0.0/25'])('a block outside /12 to /24: %s', (cidr) => {
    expect(build(cidr)).toThrow(/serviceIpv4Cidr: got '.*'; EKS takes a block from \/12 to \/24/);
  });
  test('a block outside RFC 1918', () => {
    expect(build('100.64.0.0/16')).toThrow(/serviceIpv4Cidr: got '100.64.0.0\/16'; must lie within an RFC 1918 range/);
  });
  test('a block that overlaps the VPC', () => {
    expect(build('10.0.128.0/20')).toThrow(/serviceIpv4Cidr: got '10.0.128.0\/20'; overlaps the VPC's CIDR 10.0.0.0\/16/);
  });
});

describe('EksCluster as the cluster handle', () => {
  test('states its facts: node mode, version, subnets, security groups, role, kubectl provider', () => {
    // GIVEN a cluster with a kubectl layer
    const stack = newStack();
    const network = new CustomerVpc(stack, 'Network');
    const cluster = new EksCluster(stack, 'Cluster', { vpc: network.vpc, kubernetesVersion: eks.KubernetesVersion.V1_35, kubectlLayer: new KubectlV36Layer(stack, 'Kubectl') });
    // THEN the handle answers from what it built
    expect(cluster.nodeModeType).toBe('managed');
    expect(cluster.kubernetesVersion.version).toBe('1.35');
    expect(cluster.vpcSubnets).toEqual({ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS });
    expect(cluster.nodeSecurityGroups).toEqual([cluster.cluster.clusterSecurityGroup]);
    expect(cluster.clusterRole).toBe((cluster.cluster as eks.Cluster).role);
    expect(cluster.kubectlProvider).toBe(cluster.cluster.kubectlProvider);
    expect(cluster.kubectlProvider).toBeInstanceOf(eks.KubectlProvider);
    expect(stack.resolve(cluster.clusterName)).toEqual({ Ref: expect.stringMatching(/^Cluster[0-9A-F]{8}$/) });
  });

  test('waitForCapacity orders a dependent after the node group and the Pod Identity agent, and after capacity added later', () => {
    // GIVEN a managed cluster and a construct that runs pods
    const stack = newStack();
    const network = new CustomerVpc(stack, 'Network');
    const cluster = new EksCluster(stack, 'Cluster', { vpc: network.vpc });
    const dependent = new CfnResource(stack, 'RunsPods', { type: 'Custom::RunsPods' });
    // WHEN it waits for capacity, and a node group is added afterwards
    cluster.waitForCapacity(dependent);
    cluster.addManagedNodeGroup('Late');
    // THEN it depends on both node groups and the agent, and not on CoreDNS
    const template = Template.fromStack(stack).toJSON();
    const dependsOn: string[] = template.Resources.RunsPods.DependsOn;
    const idOf = (type: string, pattern: RegExp) => Object.keys(template.Resources).filter((id) => template.Resources[id].Type === type && pattern.test(id));
    expect(dependsOn).toEqual(expect.arrayContaining([
      ...idOf('AWS::EKS::Nodegroup', /NodeGroup/), ...idOf('AWS::EKS::Nodegroup', /Late/), ...idOf('AWS::EKS::Addon', /PodIdentityAgent/),
    ]));
    expect(idOf('AWS::EKS::Nodegroup', /./)).toHaveLength(2);
    expect(dependsOn).not.toEqual(expect.arrayContaining(idOf('AWS::EKS::Addon', /CoreDns/)));
  });

  test('an unknown prop names the nearest real one', () => {
    const stack = newStack();
    const network = new CustomerVpc(stack, 'Network');
    expect(() => new EksCluster(stack, 'Cluster', { vpc: network.vpc, version: eks.KubernetesVersion.V1_35 } as any))
      .toThrow(/version: got 'a value'; is not an option of EksCluster \(did you mean 'kubernetesVersion'\?\)/);
  });

  test('a NodeMode subclassed outside the library (as from another jsii language) is refused with the way out', () => {
    const stack = newStack();
    const network = new CustomerVpc(stack, 'Network');
    const foreign = { type: 'managed' } as any;
    expect(() => new EksCluster(stack, 'Cluster', { vpc: network.vpc, nodeMode: foreign }))
      .toThrow(/nodeMode: got .*; must come from a NodeMode factory \(NodeMode.managed\(\), selfManaged\(\), fargate\(\) or autoMode\(\)\); NodeMode cannot be subclassed/);
  });

  test('IRSA uses the native AWS::IAM::OIDCProvider through the public getter', () => {
    // GIVEN a cluster WHEN the aws-eks-v2 getter is asked for the provider
    const { stack, cluster } = clusterStack();
    const provider = cluster.cluster.openIdConnectProvider;
    // THEN it is the native resource, not a custom resource
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::OIDCProvider', 1);
    template.resourceCountIs('Custom::AWSCDKOpenIdConnectProvider', 0);
    expect(provider).toBeInstanceOf(eks.OidcProviderNative);
  });

  test('endpointPrivateOnly follows the public access CIDRs', () => {
    expect(clusterStack().cluster.endpointPrivateOnly).toBe(true);
    expect(clusterStack({ publicAccessCidrs: ['203.0.113.0/24'] }).cluster.endpointPrivateOnly).toBe(false);
  });
});

test('one subnet whose AZ is a token is one AZ: refused', () => {
  // GIVEN an imported VPC with a single private subnet in an AZ known only at deploy time
  const stack = newStack();
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Imported', {
    vpcId: 'vpc-12345678', availabilityZones: [Token.asString({ 'Fn::Select': [0, { 'Fn::GetAZs': '' }] })], privateSubnetIds: ['subnet-1'],
  });
  // THEN the cluster is refused: the control plane needs two AZs
  expect(() => new EksCluster(stack, 'Cluster', { vpc })).toThrow(/vpc: got 'one subnet'; the control plane and nodes need subnets in at least 2 Availability Zones/);
});

describe('EksCluster with no internet path', () => {
  test('the kubectl provider in an isolated VPC without the lambda endpoint fails at synth, naming it', () => {
    // GIVEN an isolated VPC of this app without the Lambda endpoint, and a kubectl provider
    const stack = newStack();
    new EksCluster(stack, 'Cluster', { vpc: isolatedVpc(stack, 'Byo', ['lambda']), kubectlLayer: new KubectlV36Layer(stack, 'KubectlLayer') });
    // WHEN synthesized THEN the endpoint the provider framework calls is named
    expect(() => Template.fromStack(stack)).toThrow(/EksCluster at 'Test\/Cluster' has invalid props:\s+- kubectlLayer: got 'VPC Test\/Byo with isolated subnets only and no 'lambda' endpoint'; the kubectl provider[^\n]*calls lambda \(the kubectl provider framework/);
  });

  test("with every endpoint it calls, it synthesizes and aws-eks-v2's isolated-subnet warning is acknowledged", () => {
    // GIVEN the private cluster VPC (every endpoint) WHEN a cluster with a kubectl provider synthesizes
    const stack = newStack();
    const network = new CustomerVpc(stack, 'Network', { privateCluster: true });
    new EksCluster(stack, 'Cluster', { vpc: network.vpc, kubectlLayer: new KubectlV36Layer(stack, 'KubectlLayer') });
    // THEN there is no error, and the warning that asks to check those endpoints is acknowledged (they were checked)
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('Isolated subnets are being used for kubectl'));
    expect(warnings).toEqual([]);
    // AND without a kubectl provider, nothing of it is checked: a VPC lacking Lambda is fine
    const bare = newStack();
    new EksCluster(bare, 'Cluster', { vpc: isolatedVpc(bare, 'Byo', ['lambda']) });
    expect(Template.fromStack(bare).resourceCountIs('AWS::EKS::Cluster', 1)).toBeUndefined();
  });
});
