import { CfnParameter, Fn, Size, Stack, Tags, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as kms from 'aws-cdk-lib/aws-kms';
import { KubectlV36Layer } from '@aws-cdk/lambda-layer-kubectl-v36';
import { IConstruct } from 'constructs';
import {
  AlbIngress, CoreAddons, CustomerVpc, EbsCsiStorage, EfsCsiStorage, EksCluster, FargateProfile, FsxLustreCsiStorage, ManagedNodeGroup,
  NodeMode, SelfManagedNodes, WorkloadRole,
} from '../../lib';
import { ImageCache } from '../../lib/network/image-cache';
import { newStack, testApp } from '../helpers/synth';

// Bad input where two values meet (two props, two constructs, a construct and its cluster, a value
// and an EKS quota), refused or warned about at synth through the public constructs. The bounds of
// each rule are tested directly in test/private/rules.test.ts.

const ENV = { account: '111122223333', region: 'us-east-1' };
const AZS = ['us-east-1a', 'us-east-1b', 'us-east-1c'];
const FSX_VERSION = 'v1.5.0-eksbuild.1';
const ADMIN = 'arn:aws:iam::111122223333:role/Admin';

function clusterStack(props: Partial<ConstructorParameters<typeof EksCluster>[2]> = {}, vpcProps: ConstructorParameters<typeof CustomerVpc>[2] = {}) {
  const stack = newStack({ env: ENV });
  const network = new CustomerVpc(stack, 'Network', { availabilityZones: AZS, ...vpcProps });
  const cluster = new EksCluster(stack, 'Cluster', { vpc: network.vpc, clusterAdminPrincipalArns: [ADMIN], ...props });
  return { stack, network, cluster };
}

/** The warnings on `scope` and below, without synthesis. */
function warnings(scope: IConstruct): string[] {
  return scope.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === 'aws:cdk:warning').map((m) => String(m.data)));
}

const param = (stack: Stack, id: string) => new CfnParameter(stack, id).valueAsString;
const numberParam = (stack: Stack, id: string) => new CfnParameter(stack, id, { type: 'Number' }).valueAsNumber;

describe('EksCluster', () => {
  test('an STS session ARN among the admins names the role ARN; a bare name and a duplicate are refused; role and user ARNs pass', () => {
    expect(() => clusterStack({ clusterAdminPrincipalArns: ['arn:aws:sts::111122223333:assumed-role/Admin/alice'] }))
      .toThrow(/clusterAdminPrincipalArns: got 'arn:aws:sts::111122223333:assumed-role\/Admin\/alice'; is an STS session ARN .* use the role's ARN, arn:aws:iam::111122223333:role\/Admin/);
    expect(() => clusterStack({ clusterAdminPrincipalArns: ['Admin'] })).toThrow(/clusterAdminPrincipalArns: got 'Admin'; must be the ARN of an IAM role or user/);
    expect(() => clusterStack({ clusterAdminPrincipalArns: [ADMIN, ADMIN] })).toThrow(/clusterAdminPrincipalArns: got '.*'; is listed twice; EKS refuses a second access entry/);
    const { stack } = clusterStack({ clusterAdminPrincipalArns: [ADMIN, 'arn:aws:iam::111122223333:user/alice'] });
    Template.fromStack(stack).resourceCountIs('AWS::EKS::AccessEntry', 2);
  });

  test('41 public access CIDRs and private ranges are refused; 40 public ones pass', () => {
    const cidrs = (n: number) => Array.from({ length: n }, (_, i) => `198.51.${i}.0/24`);
    expect(() => clusterStack({ publicAccessCidrs: cidrs(41) })).toThrow(/publicAccessCidrs: got '41 CIDR blocks'; EKS takes at most 40/);
    expect(() => clusterStack({ publicAccessCidrs: ['10.20.0.0/16'] })).toThrow(/publicAccessCidrs: got '10.20.0.0\/16'; lies in 10.0.0.0\/8, which is not on the internet/);
    const { stack } = clusterStack({ publicAccessCidrs: cidrs(40) });
    const cluster = Object.values(Template.fromStack(stack).findResources('AWS::EKS::Cluster'))[0] as any;
    expect(cluster.Properties.ResourcesVpcConfig.PublicAccessCidrs).toHaveLength(40);
  });

  test('the same cluster name twice in one account and Region is refused; another Region, or a stack of unknown environment, is not', () => {
    const app = testApp();
    const stack = new Stack(app, 'A', { env: ENV });
    const vpc = new CustomerVpc(stack, 'Network', { availabilityZones: AZS }).vpc;
    new EksCluster(stack, 'One', { vpc, clusterName: 'prod', clusterAdminPrincipalArns: [ADMIN] });
    expect(() => new EksCluster(stack, 'Two', { vpc, clusterName: 'prod', clusterAdminPrincipalArns: [ADMIN] }))
      .toThrow(/EksCluster at 'A\/Two' has invalid props:\n {2}- clusterName: got 'prod'; is already the cluster name of 'A\/One' in the same account and Region/);
    const same = new Stack(app, 'B', { env: ENV });
    expect(() => new EksCluster(same, 'Prod', { vpc: new CustomerVpc(same, 'Network', { availabilityZones: AZS }).vpc, clusterName: 'prod' }))
      .toThrow(/clusterName: got 'prod'; is already the cluster name of 'A\/One'/);
    const west = new Stack(app, 'West', { env: { ...ENV, region: 'us-west-2' } });
    const agnostic = new Stack(app, 'Agnostic');
    for (const s of [west, agnostic]) {
      const c = new EksCluster(s, 'Prod', { vpc: new CustomerVpc(s, 'Network').vpc, clusterName: 'prod', clusterAdminPrincipalArns: [ADMIN] });
      expect(s.resolve((c.cluster.node.defaultChild as eks.CfnCluster).name)).toBe('prod');
    }
  });

  test('the cluster name takes 1 to 100 characters', () => {
    const name = (n: number) => `c${'x'.repeat(n - 1)}`;
    expect(() => clusterStack({ clusterName: name(101) })).toThrow(/clusterName: got 'cx+'; must be 1 to 100 characters/);
    const { cluster } = clusterStack({ clusterName: name(100) });
    expect(cluster.cluster.node.defaultChild).toBeInstanceOf(eks.CfnCluster);
    expect((cluster.cluster.node.defaultChild as eks.CfnCluster).name).toHaveLength(100);
  });

  test('an asymmetric key, or a key of another Region, is refused as the encryption key', () => {
    const stack = newStack({ env: ENV });
    const vpc = new CustomerVpc(stack, 'Network', { availabilityZones: AZS }).vpc;
    const rsa = new kms.Key(stack, 'Rsa', { keySpec: kms.KeySpec.RSA_2048 });
    expect(() => new EksCluster(stack, 'A', { vpc, encryptionKey: rsa }))
      .toThrow(/encryptionKey: got 'a key with keySpec RSA_2048 and keyUsage ENCRYPT_DECRYPT'; must be a symmetric encryption key/);
    const west = kms.Key.fromKeyArn(stack, 'West', 'arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    expect(() => new EksCluster(stack, 'B', { vpc, encryptionKey: west }))
      .toThrow(/encryptionKey: got 'a key in us-west-2'; the stack deploys to us-east-1 and KMS keys are regional/);
    const east = kms.Key.fromKeyArn(stack, 'East', 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    const cluster = new EksCluster(stack, 'C', { vpc, encryptionKey: east, clusterAdminPrincipalArns: [ADMIN] });
    expect(cluster.encryptionKey).toBe(east);
  });

  test('warns when nobody is cluster admin, when a name is explicit, and when the kubectl layer is two minors off', () => {
    const none = clusterStack({ clusterAdminPrincipalArns: [] });
    expect(warnings(none.cluster)).toEqual([expect.stringContaining('[ack: cdk-eks-architecture:no-cluster-admin]')]);
    const named = clusterStack({ clusterName: 'prod' });
    expect(warnings(named.cluster)).toEqual([expect.stringContaining('[ack: cdk-eks-architecture:explicit-name]')]);
    const stack = newStack({ env: ENV });
    const vpc = new CustomerVpc(stack, 'Network', { availabilityZones: AZS }).vpc;
    const skewed = new EksCluster(stack, 'Old', {
      vpc, clusterAdminPrincipalArns: [ADMIN], kubernetesVersion: eks.KubernetesVersion.V1_34, kubectlLayer: new KubectlV36Layer(stack, 'Layer'),
    });
    expect(warnings(skewed)).toEqual([expect.stringMatching(/^kubectlLayer is kubectl 1\.36 but the cluster runs Kubernetes 1\.34.*kubectl-version-skew\]$/)]);
    const current = new EksCluster(stack, 'Current', { vpc, clusterAdminPrincipalArns: [ADMIN], kubectlLayer: new KubectlV36Layer(stack, 'Layer2') });
    expect(warnings(current)).toEqual([]);
  });

  test('an isolated VPC of this app without the endpoints nodes need warns at synth; CustomerVpc privateCluster has them', () => {
    const stack = newStack({ env: ENV });
    const vpc = new ec2.Vpc(stack, 'Bare', {
      availabilityZones: AZS.slice(0, 2), natGateways: 0,
      subnetConfiguration: [{ name: 'Private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
    });
    vpc.addInterfaceEndpoint('Ecr', { service: ec2.InterfaceVpcEndpointAwsService.ECR });
    new EksCluster(stack, 'Cluster', { vpc, clusterAdminPrincipalArns: [ADMIN] });
    Annotations.fromStack(stack).hasWarning('/Test/Cluster', Match.stringLikeRegexp(
      '^the VPC Test/Bare has no internet route and no VPC endpoint for ec2, ecr.dkr, s3, eks-auth, which nodes need to join.*private-cluster-endpoints'));
    const ok = clusterStack({}, { privateCluster: true });
    Annotations.fromStack(ok.stack).hasNoWarning('/Test/Cluster', Match.stringLikeRegexp('private-cluster-endpoints'));
  });

  test('tags break the AWS tag rules: an aws: key is refused at synth; an ordinary tag passes', () => {
    const bad = clusterStack();
    Tags.of(bad.cluster).add('aws:team', 'platform');
    expect(() => Template.fromStack(bad.stack)).toThrow(/'Test\/Cluster\/[^']*' tag key 'aws:team' begins with 'aws:', which is reserved for AWS/);
    const good = clusterStack();
    Tags.of(good.cluster).add('team', 'platform');
    Template.fromStack(good.stack).hasResourceProperties('AWS::EKS::Cluster', { Tags: Match.arrayWith([{ Key: 'team', Value: 'platform' }]) });
  });
});

describe('CustomerVpc', () => {
  test('AZ IDs and AZs of another Region are refused; names of the stack Region pass', () => {
    expect(() => new CustomerVpc(newStack({ env: ENV }), 'Network', { availabilityZones: ['use1-az1', 'use1-az2'] }))
      .toThrow(/availabilityZones: got 'use1-az1'; is an Availability Zone ID; give AZ names such as 'us-east-1a'/);
    expect(() => new CustomerVpc(newStack({ env: ENV }), 'Network', { availabilityZones: ['us-west-2a', 'us-west-2b'] }))
      .toThrow(/availabilityZones: got 'us-west-2a'; is not an Availability Zone of the stack's Region us-east-1/);
    const network = new CustomerVpc(newStack({ env: ENV }), 'Network', { availabilityZones: ['us-east-1a', 'us-east-1b'] });
    expect(network.vpc.availabilityZones).toEqual(['us-east-1a', 'us-east-1b']);
  });

  test.each([
    ['maxAzs', (s: Stack) => ({ maxAzs: numberParam(s, 'P') })],
    ['natGateways', (s: Stack) => ({ natGateways: numberParam(s, 'P') })],
    ['cidr', (s: Stack) => ({ cidr: param(s, 'P') })],
    ['availabilityZones', (_s: Stack) => ({ availabilityZones: Fn.getAzs() })],
  ])('%s must be literal: it lays out the subnets at synth', (prop, props) => {
    const stack = newStack();
    expect(() => new CustomerVpc(stack, 'Network', props(stack))).toThrow(new RegExp(`${prop}: got 'a token'; lays out the subnets at synth, so it must be a literal value`));
  });

  test('token AZ names pass', () => {
    const network = new CustomerVpc(newStack(), 'Network', { availabilityZones: [Fn.select(0, Fn.getAzs()), Fn.select(1, Fn.getAzs())] });
    expect(network.vpc.privateSubnets).toHaveLength(2);
  });

  test.each([['10.0.0.0/15', true], ['10.0.0.0/16', false], ['10.0.0.0/20', false], ['10.0.0.0/21', true]])('cidr %s refused: %s', (cidr, refused) => {
    const build = () => new CustomerVpc(newStack(), 'Network', { cidr });
    if (refused) {
      expect(build).toThrow(new RegExp(`cidr: got '${cidr.replace(/[./]/g, '\\$&')}'; must be an IPv4 CIDR block from /16 to /20`));
    } else {
      expect((build().vpc.node.defaultChild as ec2.CfnVPC).cidrBlock).toBe(cidr);
    }
  });

  test('an asymmetric flow log key is refused', () => {
    const stack = newStack();
    expect(() => new CustomerVpc(stack, 'Network', { flowLogEncryptionKey: new kms.Key(stack, 'Key', { keySpec: kms.KeySpec.ECC_NIST_P256, keyUsage: kms.KeyUsage.SIGN_VERIFY }) }))
      .toThrow(/flowLogEncryptionKey: got 'a key with keySpec ECC_NIST_P256 and keyUsage SIGN_VERIFY'; must be a symmetric encryption key/);
  });
});

describe('nodes', () => {
  const types = (...names: string[]) => names.map((n) => new ec2.InstanceType(n));
  const many = (n: number) => Array.from({ length: n }, (_, i) => new ec2.InstanceType(`m${5 + (i % 4)}.${['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge', 'metal', 'medium'][Math.floor(i / 4)]}`));

  test('a managed node group takes at most 20 instance types, self-managed nodes 40', () => {
    const { cluster } = clusterStack();
    expect(() => cluster.addManagedNodeGroup('TooMany', { instanceTypes: many(21) })).toThrow(/instanceTypes: got '21 instance types'; a node group of this kind takes at most 20/);
    expect(cluster.addManagedNodeGroup('Twenty', { instanceTypes: many(20) }).amiType).toBe(eks.NodegroupAmiType.AL2023_X86_64_STANDARD);
    const self = clusterStack({ nodeMode: NodeMode.selfManaged() });
    expect(() => self.cluster.addSelfManagedNodes('TooMany', { instanceTypes: many(41) })).toThrow(/instanceTypes: got '41 instance types'; a node group of this kind takes at most 40/);
    self.cluster.addSelfManagedNodes('Forty', { instanceTypes: many(40) });
    const groups = Object.values(Template.fromStack(self.stack).findResources('AWS::AutoScaling::AutoScalingGroup')) as any[];
    expect(groups.map((g) => g.Properties.MixedInstancesPolicy?.LaunchTemplate.Overrides?.length)).toContain(40);
  });

  test('token instance types need an amiType', () => {
    const { stack, cluster } = clusterStack();
    const type = new ec2.InstanceType(param(stack, 'Type'));
    expect(() => cluster.addManagedNodeGroup('Token', { instanceTypes: [type] })).toThrow(/instanceTypes: got 'a token'; the instance types pick the AMI architecture at synth/);
    cluster.addManagedNodeGroup('Given', { instanceTypes: [type], amiType: eks.NodegroupAmiType.AL2023_ARM_64_STANDARD });
    Template.fromStack(stack).hasResourceProperties('AWS::EKS::Nodegroup', { InstanceTypes: [{ Ref: 'Type' }], AmiType: 'AL2023_ARM_64_STANDARD' });
  });

  test('spot with one instance type listed twice is refused; a duplicate beside another type warns', () => {
    const { cluster } = clusterStack();
    expect(() => cluster.addManagedNodeGroup('Twice', { capacityType: eks.CapacityType.SPOT, instanceTypes: types('m5.large', 'm5.large') }))
      .toThrow(/instanceTypes: got \["m5.large","m5.large"\]; spot capacity needs at least 2 instance types \(different ones/);
    const group = cluster.addManagedNodeGroup('Dup', { capacityType: eks.CapacityType.SPOT, instanceTypes: types('m5.large', 'm5.large', 'm5a.large') });
    expect(warnings(group)).toEqual([expect.stringMatching(/^instanceTypes lists m5\.large more than once.*duplicate-instance-types\]$/)]);
    expect(warnings(cluster.addManagedNodeGroup('Distinct', { capacityType: eks.CapacityType.SPOT, instanceTypes: types('m5.large', 'm5a.large') }))).toEqual([]);
  });

  test('maxUnavailable above maxSize is refused; equal passes; a token passes', () => {
    const { stack, cluster } = clusterStack();
    expect(() => cluster.addManagedNodeGroup('Over', { maxSize: 3, maxUnavailable: 4 })).toThrow(/maxUnavailable: got 4; must not exceed maxSize \(3\)/);
    cluster.addManagedNodeGroup('Equal', { maxSize: 3, maxUnavailable: 3 });
    cluster.addManagedNodeGroup('Token', { maxSize: 3, maxUnavailable: numberParam(stack, 'MaxUnavailable') });
    Template.fromStack(stack).hasResourceProperties('AWS::EKS::Nodegroup', { UpdateConfig: { MaxUnavailable: 3 } });
    Template.fromStack(stack).hasResourceProperties('AWS::EKS::Nodegroup', { UpdateConfig: { MaxUnavailable: { Ref: 'MaxUnavailable' } } });
  });

  test('the same node group name twice on one cluster is refused; on another cluster it passes', () => {
    const { stack, cluster } = clusterStack();
    cluster.addManagedNodeGroup('A', { nodegroupName: 'workers' });
    expect(() => cluster.addManagedNodeGroup('B', { nodegroupName: 'workers' }))
      .toThrow(/ManagedNodeGroup at 'Test\/Cluster\/B' has invalid props:\n {2}- nodegroupName: got 'workers'; is already the node group name of 'Test\/Cluster\/A' on this cluster/);
    const other = new EksCluster(stack, 'Other', { vpc: cluster.vpc, clusterAdminPrincipalArns: [ADMIN] });
    expect(warnings(new ManagedNodeGroup(stack, 'C', { cluster: other, nodegroupName: 'workers' }))).toEqual([expect.stringContaining('explicit-nodegroup-name')]);
  });

  test('node subnets too small for the pod IPs of maxSize nodes warn', () => {
    // A /20 VPC has /23 private subnets: 507 addresses each, 16 m5.large nodes (30 addresses each).
    const { cluster } = clusterStack({}, { cidr: '10.0.0.0/20' });
    const big = new ManagedNodeGroup(cluster, 'Big', { cluster, instanceTypes: types('m5.large'), maxSize: 51 });
    expect(warnings(big)).toEqual([expect.stringMatching(/^maxSize 51 nodes over 3 subnets is up to 17 nodes per subnet.*about 510 addresses.*has 507.*pod-ips-exceed-subnets\]$/)]);
    const fits = new ManagedNodeGroup(cluster, 'Fits', { cluster, instanceTypes: types('m5.large'), maxSize: 48 });
    expect(warnings(fits)).toEqual([]);
  });

  test('an unknown key in a taint or a Fargate selector names the nearest one', () => {
    const { cluster } = clusterStack();
    expect(() => cluster.addManagedNodeGroup('Taint', { taints: [{ key: 'gpu', efect: eks.TaintEffect.NO_SCHEDULE } as any] }))
      .toThrow(/efect: got 'a value'; is not an option of taints\[0\] \(did you mean 'effect'\?\)/);
    const fargate = clusterStack({ nodeMode: NodeMode.fargate() });
    expect(() => fargate.cluster.addFargateProfile('Sel', { selectors: [{ namespace: 'apps', label: { a: 'b' } } as any] }))
      .toThrow(/label: got 'a value'; is not an option of selectors\[0\] \(did you mean 'labels'\?\)/);
  });

  test('the same Fargate profile name twice on one cluster is refused', () => {
    const { cluster } = clusterStack({ nodeMode: NodeMode.fargate() });
    cluster.addFargateProfile('A', { fargateProfileName: 'apps', selectors: [{ namespace: 'apps' }] });
    expect(() => new FargateProfile(cluster, 'B', { cluster, fargateProfileName: 'apps', selectors: [{ namespace: 'more' }] }))
      .toThrow(/fargateProfileName: got 'apps'; is already the Fargate profile name of 'Test\/Cluster\/A' on this cluster/);
  });
});

describe('capabilities on one cluster', () => {
  function kubectlCluster(props: Partial<ConstructorParameters<typeof EksCluster>[2]> = {}) {
    const stack = newStack({ env: ENV });
    const vpc = new CustomerVpc(stack, 'Network', { availabilityZones: AZS }).vpc;
    const cluster = new EksCluster(stack, 'Cluster', { vpc, clusterAdminPrincipalArns: [ADMIN], kubectlLayer: new KubectlV36Layer(stack, 'Layer'), ...props });
    return { stack, cluster };
  }

  test('a second CoreAddons, EBS, EFS or FSx driver, or load balancer controller on one cluster is refused', () => {
    const { stack, cluster } = kubectlCluster();
    expect(() => new CoreAddons(stack, 'Again', { cluster }))
      .toThrow(/cluster: got 'eks-pod-identity-agent'; is already the eks-pod-identity-agent installation of 'Test\/Cluster\/CoreAddons' on this cluster/);
    new EbsCsiStorage(stack, 'Ebs', { cluster });
    expect(() => new EbsCsiStorage(stack, 'Ebs2', { cluster, storageClassName: 'other' })).toThrow(/cluster: got 'aws-ebs-csi-driver'; is already the aws-ebs-csi-driver installation of 'Test\/Ebs'/);
    new EfsCsiStorage(stack, 'Efs', { cluster });
    expect(() => new EfsCsiStorage(stack, 'Efs2', { cluster, storageClassName: 'other' })).toThrow(/cluster: got 'aws-efs-csi-driver'; is already the aws-efs-csi-driver installation of 'Test\/Efs'/);
    new FsxLustreCsiStorage(stack, 'Fsx', { cluster, addonVersion: FSX_VERSION });
    expect(() => new FsxLustreCsiStorage(stack, 'Fsx2', { cluster, addonVersion: FSX_VERSION })).toThrow(/cluster: got 'aws-fsx-csi-driver'; is already the aws-fsx-csi-driver installation of 'Test\/Fsx'/);
    new AlbIngress(stack, 'Ingress', { cluster });
    expect(() => new AlbIngress(stack, 'Ingress2', { cluster, ingressClassName: 'other' }))
      .toThrow(/cluster: got 'aws-load-balancer-controller'; is already the aws-load-balancer-controller installation of 'Test\/Ingress'/);
    // The six core add-ons (with the node monitoring agent), and one EBS, EFS and FSx driver each.
    Template.fromStack(stack).resourceCountIs('AWS::EKS::Addon', 9);
  });

  test('the same PersistentVolume name for an EFS and an FSx static volume is refused', () => {
    const { stack, cluster } = kubectlCluster();
    const efs = new EfsCsiStorage(stack, 'Efs', { cluster });
    const fsx = new FsxLustreCsiStorage(stack, 'Fsx', { cluster, addonVersion: FSX_VERSION });
    efs.addStaticVolume('Shared', { name: 'shared', path: '/shared' });
    expect(() => fsx.addStaticVolume('Shared', { name: 'shared' })).toThrow(/name: got 'shared'; is already the PersistentVolume name of 'Test\/Efs\/Shared' on this cluster/);
    fsx.addStaticVolume('Scratch', { name: 'scratch' });
  });

  test('an internet-facing ALB scheme on a VPC without public subnets is refused; internal passes', () => {
    const { stack, cluster } = kubectlCluster();
    expect(cluster.vpc.publicSubnets.length).toBeGreaterThan(0);
    new AlbIngress(stack, 'Public', { cluster, scheme: eks.AlbScheme.INTERNET_FACING });
    const isolated = newStack({ env: ENV });
    const vpc = new CustomerVpc(isolated, 'Network', { availabilityZones: AZS, privateCluster: true }).vpc;
    const privateCluster = new EksCluster(isolated, 'Cluster', { vpc, clusterAdminPrincipalArns: [ADMIN], kubectlLayer: new KubectlV36Layer(isolated, 'Layer') });
    expect(() => new AlbIngress(isolated, 'Ingress', { cluster: privateCluster, scheme: eks.AlbScheme.INTERNET_FACING }))
      .toThrow(/scheme: got 'internet-facing'; the VPC Test\/Network\/Vpc has no public subnets for an internet-facing load balancer/);
    expect(new AlbIngress(isolated, 'Internal', {
      cluster: privateCluster,
      scheme: eks.AlbScheme.INTERNAL,
      chartRepository: 'oci://111122223333.dkr.ecr.eu-west-1.amazonaws.com/charts/aws-load-balancer-controller',
      imageCache: new ImageCache(isolated, 'ImageCache'),
    }).controllerInstalled).toBe(true);
  });

  test('an asymmetric key is refused for EBS volumes', () => {
    const { stack, cluster } = kubectlCluster();
    expect(() => new EbsCsiStorage(stack, 'Ebs', { cluster, encryptionKey: new kms.Key(stack, 'Key', { keySpec: kms.KeySpec.RSA_4096 }) }))
      .toThrow(/encryptionKey: got 'a key with keySpec RSA_4096 and keyUsage ENCRYPT_DECRYPT'; must be a symmetric encryption key/);
  });
});

describe('tokens are never refused where a literal check has nothing to check', () => {
  test('every string and number prop that accepts a token synthesizes with one', () => {
    // GIVEN a stack whose values come from CloudFormation parameters
    const stack = new Stack(testApp(), 'Tokens', { env: ENV });
    const s = (id: string) => param(stack, id);
    const n = (id: string) => numberParam(stack, id);
    const network = new CustomerVpc(stack, 'Network', { availabilityZones: [Fn.select(0, Fn.getAzs()), Fn.select(1, Fn.getAzs())] });
    const cluster = new EksCluster(stack, 'Cluster', {
      vpc: network.vpc, clusterName: s('ClusterName'), serviceIpv4Cidr: s('ServiceCidr'), publicAccessCidrs: [s('PublicCidr')],
      clusterAdminPrincipalArns: [s('AdminArn')], kubectlLayer: new KubectlV36Layer(stack, 'Layer'),
      nodeMode: NodeMode.managed({
        nodegroupName: s('NodegroupName'), minSize: n('Min'), desiredSize: n('Desired'), maxSize: n('Max'), maxUnavailable: n('MaxUnavailable'),
        diskSize: Size.gibibytes(n('Disk')), labels: { team: s('Team') }, taints: [{ key: 'dedicated', value: s('Dedicated'), effect: eks.TaintEffect.NO_SCHEDULE }],
        instanceTypes: [new ec2.InstanceType(s('InstanceType'))], amiType: eks.NodegroupAmiType.AL2023_X86_64_STANDARD,
      }),
      coreAddons: { coreDns: { replicas: n('Replicas'), addonVersion: s('CoreDnsVersion') } },
    });
    new SelfManagedNodes(stack, 'Self', {
      cluster, instanceTypes: [new ec2.InstanceType(s('SelfType'))], amiType: eks.NodegroupAmiType.BOTTLEROCKET_X86_64,
      minSize: n('SelfMin'), maxSize: n('SelfMax'), maxBatchSize: n('Batch'),
    });
    new WorkloadRole(stack, 'Role', { cluster, namespace: s('Namespace'), serviceAccount: s('ServiceAccount') });
    const ebs = new EbsCsiStorage(stack, 'Ebs', { cluster, storageClassName: s('EbsClass'), iops: n('Iops'), throughputMiBps: n('Throughput'), addonVersion: s('EbsVersion') });
    ebs.addVolumeClaim('Claim', { name: s('ClaimName'), namespace: s('ClaimNamespace'), size: Size.gibibytes(n('ClaimSize')) });
    const efs = new EfsCsiStorage(stack, 'Efs', {
      cluster, storageClassName: s('EfsClass'), directoryPerms: s('Perms'), gidRangeStart: n('GidStart'), gidRangeEnd: n('GidEnd'), basePath: s('BasePath'),
    });
    efs.addStaticVolume('Static', { name: s('PvName'), namespace: s('PvNamespace'), path: s('PvPath'), uid: n('Uid'), gid: n('Gid'), permissions: s('PvPerms') });
    new AlbIngress(stack, 'Ingress', { cluster, ingressClassName: s('IngressClass') });
    // WHEN synthesized THEN each token reaches the template
    const template = JSON.stringify(Template.fromStack(stack).toJSON().Resources);
    for (const ref of ['ClusterName', 'ServiceCidr', 'PublicCidr', 'NodegroupName', 'Max', 'MaxUnavailable', 'InstanceType', 'SelfType', 'Namespace', 'ServiceAccount', 'Iops', 'CoreDnsVersion', 'EbsVersion']) {
      expect(template).toContain(`{"Ref":"${ref}"}`);
    }
    expect(Token.isUnresolved(cluster.clusterName)).toBe(true);
  });
});
