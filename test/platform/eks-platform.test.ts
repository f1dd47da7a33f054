import { KubectlV36Layer } from '@aws-cdk/lambda-layer-kubectl-v36';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { EksCluster } from '../../lib/cluster/eks-cluster';
import { NodeMode } from '../../lib/compute/node-mode';
import { AlbIngress } from '../../lib/ingress/alb-ingress';
import { CustomerVpc } from '../../lib/network/customer-vpc';
import { ImageCache } from '../../lib/network/image-cache';
import { EksPlatform, EksPlatformProps } from '../../lib/platform/eks-platform';
import { EbsCsiStorage } from '../../lib/storage/ebs-csi-storage';
import { EfsCsiStorage } from '../../lib/storage/efs-csi-storage';
import { newStack } from '../helpers/synth';

/** A platform with a kubectl layer (storage and ingress need it) at 'Test/<id>'. */
function platform(props: EksPlatformProps = {}, id = 'Platform') {
  const stack = newStack();
  const p = new EksPlatform(stack, id, { kubectlLayer: new KubectlV36Layer(stack, 'KubectlLayer'), ...props });
  return { stack, platform: p, template: Template.fromStack(stack) };
}

const count = (t: Template, type: string) => Object.keys(t.findResources(type)).length;
const ids = (t: Template, type: string) => Object.keys(t.findResources(type)).sort();

describe('EksPlatform composes', () => {
  test('by default: the VPC, the cluster, EBS, EFS and ingress; no published identity', () => {
    const { platform: p, template } = platform();
    expect([p.network, p.cluster, p.ebs, p.efs, p.ingress].map((c) => c?.node.path)).toEqual(['Network', 'Cluster', 'Ebs', 'Efs', 'Ingress'].map((id) => `Test/Platform/${id}`));
    expect(p.identity).toBeUndefined();
    expect(count(template, 'AWS::EC2::VPC')).toBe(1);
    expect(count(template, 'AWS::EKS::Cluster')).toBe(1);
    expect(count(template, 'AWS::EFS::FileSystem')).toBe(1);
    template.hasResourceProperties('AWS::EKS::Addon', { AddonName: 'aws-ebs-csi-driver' });
    template.hasResourceProperties('Custom::AWSCDK-EKS-HelmChart', { Chart: 'aws-load-balancer-controller' });
    expect(count(template, 'AWS::SSM::Parameter')).toBe(1); // only aws-eks-v2's kubectl-ready barrier
  });

  test('with the id Default, its parts keep the logical IDs they have directly in the stack', () => {
    // GIVEN the same parts composed by hand in a stack, and through EksPlatform with the id Default
    const byHand = newStack();
    const layer = new KubectlV36Layer(byHand, 'KubectlLayer');
    const network = new CustomerVpc(byHand, 'Network');
    const cluster = new EksCluster(byHand, 'Cluster', { vpc: network.vpc, kubectlLayer: layer });
    new EbsCsiStorage(byHand, 'Ebs', { cluster });
    new EfsCsiStorage(byHand, 'Efs', { cluster });
    new AlbIngress(byHand, 'Ingress', { cluster });
    const { template } = platform({}, 'Default');
    // THEN every resource has the same logical ID
    expect(Object.keys(template.toJSON().Resources).sort()).toEqual(Object.keys(Template.fromStack(byHand).toJSON().Resources).sort());
    expect(ids(template, 'AWS::EKS::Cluster')).toEqual(['ClusterC2E21B66']);
  });

  test('Fargate: no EBS (pods cannot attach volumes), EFS and ingress still', () => {
    const { platform: p, template } = platform({ cluster: { nodeMode: NodeMode.fargate() } });
    expect(p.ebs).toBeUndefined();
    expect(count(template, 'AWS::EFS::FileSystem')).toBe(1);
    template.resourcePropertiesCountIs('AWS::EKS::Addon', { AddonName: 'aws-ebs-csi-driver' }, 0);
  });

  test('each part can be turned off', () => {
    const { platform: p, template } = platform({ ebs: false, efs: false, ingress: false });
    expect([p.ebs, p.efs, p.ingress]).toEqual([undefined, undefined, undefined]);
    expect(count(template, 'AWS::EFS::FileSystem')).toBe(0);
    expect(count(template, 'Custom::AWSCDK-EKS-HelmChart')).toBe(0);
    template.resourcePropertiesCountIs('AWS::EKS::Addon', { AddonName: 'aws-ebs-csi-driver' }, 0);
  });

  test('a platform that needs no manifests carries no kubectl or AWS CLI layer', () => {
    const stack = newStack();
    new EksPlatform(stack, 'Platform', { ebs: false, efs: false, ingress: false });
    const template = Template.fromStack(stack);
    expect(count(template, 'AWS::Lambda::LayerVersion')).toBe(0);
    expect(count(template, 'AWS::EKS::Cluster')).toBe(1);
    expect(Object.values(template.toJSON().Resources).filter((r: any) => r.Type.startsWith('Custom::AWSCDK-EKS'))).toEqual([]);
  });

  test('options reach their part: network, cluster, storage, ingress', () => {
    // GIVEN a private platform, whose controller chart and image must come from inside the account
    const stack = newStack();
    const imageCache = new ImageCache(stack, 'ImageCache');
    new EksPlatform(stack, 'Platform', {
      kubectlLayer: new KubectlV36Layer(stack, 'KubectlLayer'),
      network: { privateCluster: true },
      cluster: { kubernetesVersion: eks.KubernetesVersion.V1_35, clusterAdminPrincipalArns: ['arn:aws:iam::111111111111:role/PlatformAdmin'] },
      ebsOptions: { storageClassName: 'fast' },
      efsOptions: { dynamicProvisioning: false },
      ingressOptions: { ingressClassName: 'internal-alb', chartRepository: 'oci://111111111111.dkr.ecr.eu-west-1.amazonaws.com/charts/aws-load-balancer-controller', imageCache },
    });
    const template = Template.fromStack(stack);
    expect(count(template, 'AWS::EC2::NatGateway')).toBe(0);
    template.hasResourceProperties('AWS::EKS::Cluster', { Version: '1.35', ResourcesVpcConfig: Match.objectLike({ EndpointPublicAccess: false }) });
    template.hasResourceProperties('AWS::EKS::AccessEntry', { PrincipalArn: 'arn:aws:iam::111111111111:role/PlatformAdmin' });
    const manifests = JSON.stringify(template.findResources('Custom::AWSCDK-EKS-KubernetesResource'));
    expect(manifests).toContain('\\"name\\":\\"fast\\"');
    expect(JSON.stringify(template.findResources('Custom::AWSCDK-EKS-HelmChart'))).toContain('internal-alb');
    expect(manifests).not.toContain('efs.csi.aws.com');
  });

  test('platformName publishes the identity under that name', () => {
    const { platform: p, template } = platform({ platformName: 'dev' });
    expect(p.identity?.parameterPrefix).toBe('/cdk-eks-architecture/dev/cluster/');
    template.hasResourceProperties('AWS::SSM::Parameter', { Name: '/cdk-eks-architecture/dev/cluster/node-mode', Value: 'managed' });
  });
});

describe('EksPlatform refuses at synth', () => {
  const build = (props: any) => () => new EksPlatform(newStack(), 'Platform', props);

  test('options of a part that is turned off; the part on takes them', () => {
    expect(build({ efs: false, efsOptions: { dynamicProvisioning: false } })).toThrow(/EksPlatform at 'Test\/Platform'[\s\S]*efsOptions: got 'options'; cannot be given with efs: false/);
    expect(build({ ebs: false, ebsOptions: {}, ingress: false, ingressOptions: {} })).toThrow(/ebsOptions[\s\S]*ingressOptions/);
    expect(() => platform({ efsOptions: { dynamicProvisioning: false } })).not.toThrow();
    expect(platform({ efsOptions: { dynamicProvisioning: false } }).platform.efs?.storageClass).toBeUndefined();
  });

  test('unknown props, at both levels, with the nearest name', () => {
    expect(build({ clusterr: {} })).toThrow(/clusterr: got 'a value'; is not an option of EksPlatform \(did you mean 'cluster'\?\)/);
    expect(build({ cluster: { version: eks.KubernetesVersion.V1_35 } })).toThrow(/version: got 'a value'; is not an option of EksPlatform cluster \(did you mean 'kubernetesVersion'\?\)/);
  });

  test('what a part refuses, the part says: storage without a kubectl layer', () => {
    expect(build({})).toThrow(/EbsCsiStorage at 'Test\/Platform\/Ebs'[\s\S]*kubectlLayer/);
  });

  test('a bad platform name, said by ClusterIdentity', () => {
    expect(() => platform({ platformName: 'Dev' })).toThrow(/ClusterIdentity at 'Test\/Platform\/Identity'[\s\S]*platformName: got 'Dev'/);
  });

  test('a bad cluster option, said by EksCluster', () => {
    expect(() => platform({ cluster: { kubernetesVersion: eks.KubernetesVersion.of('1.20') } })).toThrow(/EksCluster at 'Test\/Platform\/Cluster'[\s\S]*kubernetesVersion: got '1.20'/);
  });
});


describe('EksPlatform on a network with no internet path', () => {
  const CHART = 'oci://111111111111.dkr.ecr.eu-west-1.amazonaws.com/charts/aws-load-balancer-controller';

  test('creates the pull-through cache, grants the node role pulls through it, and gives it to the controller', () => {
    // GIVEN a private platform that names only its chart source
    const { platform: p, template } = platform({ network: { privateCluster: true }, ingressOptions: { chartRepository: CHART } });
    // THEN a cache exists, its managed pull policy is attached to the node role, and the controller image comes through it
    expect(p.imageCache).toBeInstanceOf(ImageCache);
    template.resourceCountIs('AWS::ECR::PullThroughCacheRule', 1);
    const pull = Object.values(template.findResources('AWS::IAM::ManagedPolicy'))
      .filter((r: any) => JSON.stringify(r.Properties.PolicyDocument).includes('ecr:BatchImportUpstreamImage')) as any[];
    expect(pull).toHaveLength(1);
    expect(pull[0].Properties.Roles).toEqual([{ Ref: expect.stringMatching(/^PlatformClusterNodeGroupNodeRole/) }]);
    const chart = Object.values(template.findResources('Custom::AWSCDK-EKS-HelmChart'))[0] as any;
    expect(JSON.stringify(chart.Properties.Values)).toMatch(/ecr-public\/eks\/aws-load-balancer-controller/);
  });

  test('on Fargate, the pod execution roles get the pulls', () => {
    const { template } = platform({ network: { privateCluster: true }, cluster: { nodeMode: NodeMode.fargate() }, ebs: false, ingressOptions: { chartRepository: CHART } });
    const pull = Object.values(template.findResources('AWS::IAM::ManagedPolicy'))
      .filter((r: any) => JSON.stringify(r.Properties.PolicyDocument).includes('ecr:BatchImportUpstreamImage')) as any[];
    expect(pull[0].Properties.Roles.map((r: any) => r.Ref)).toEqual([
      expect.stringMatching(/SystemFargateProfilePodExecutionRole/), expect.stringMatching(/WorkloadFargateProfilePodExecutionRole/),
    ]);
  });

  test('a given cache is used, and none is created', () => {
    const stack = newStack();
    const cache = new ImageCache(stack, 'Mine');
    const p = new EksPlatform(stack, 'Platform', {
      kubectlLayer: new KubectlV36Layer(stack, 'KubectlLayer'), network: { privateCluster: true }, imageCache: cache, ingressOptions: { chartRepository: CHART },
    });
    expect(p.imageCache).toBe(cache);
    Template.fromStack(stack).resourceCountIs('AWS::ECR::PullThroughCacheRule', 1);
    expect(p.node.tryFindChild('ImageCache')).toBeUndefined();
  });

  test('with an internet path there is no cache', () => {
    const { platform: p, template } = platform();
    expect(p.imageCache).toBeUndefined();
    template.resourceCountIs('AWS::ECR::PullThroughCacheRule', 0);
  });
});
