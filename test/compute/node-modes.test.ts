import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { EksCluster } from '../../lib/cluster/eks-cluster';
import { AutoModeNodePool, NodeMode, NodeModeType } from '../../lib/compute/node-mode';
import { CustomerVpc } from '../../lib/network/customer-vpc';
import { awsSolutionsFindings, Finding } from '../helpers/synth';
import { clusterStack, onlyResource, privateSubnetIds, refId } from './fixtures';

interface Built {
  stack: Stack;
  network: CustomerVpc;
  cluster: EksCluster;
  template: Template;
  findings: Finding[];
}

const MODES: Array<[NodeModeType, () => NodeMode]> = [
  [NodeModeType.MANAGED, () => NodeMode.managed()],
  [NodeModeType.SELF_MANAGED, () => NodeMode.selfManaged()],
  [NodeModeType.FARGATE, () => NodeMode.fargate()],
  [NodeModeType.AUTO_MODE, () => NodeMode.autoMode()],
];

const built = new Map<NodeModeType, Built>();

beforeAll(() => {
  // GIVEN a customer VPC with 3 AZs WHEN an EksCluster is built in each node mode
  for (const [type, mode] of MODES) {
    const { stack, network, cluster } = clusterStack({ nodeMode: mode() });
    // cdk-nag runs during the app's first synth; the template reads the same assembly.
    const findings = awsSolutionsFindings(stack);
    built.set(type, { stack, network, cluster, template: Template.fromStack(stack), findings });
  }
});

/** Where each mode's capacity goes. */
function capacitySubnets(type: NodeModeType, template: Template): unknown[][] {
  switch (type) {
    case NodeModeType.MANAGED:
      return [onlyResource(template, 'AWS::EKS::Nodegroup').Properties.Subnets];
    case NodeModeType.SELF_MANAGED:
      return [onlyResource(template, 'AWS::AutoScaling::AutoScalingGroup').Properties.VPCZoneIdentifier];
    case NodeModeType.FARGATE:
      return Object.values(template.findResources('AWS::EKS::FargateProfile')).map((p: any) => p.Properties.Subnets);
    default:
      // Auto Mode launches nodes in the cluster's subnets.
      return [onlyResource(template, 'AWS::EKS::Cluster').Properties.ResourcesVpcConfig.SubnetIds];
  }
}

describe.each(MODES.map(([t]) => [t]))('node mode %s', (type) => {
  test('reports its type on the cluster and the capacity', () => {
    // THEN the chosen mode is visible to other constructs
    const { cluster } = built.get(type)!;
    expect(cluster.nodeModeType).toBe(type);
    expect(cluster.capacity.type).toBe(type);
  });

  test('puts capacity in the private subnet of every AZ and nowhere else', () => {
    // THEN every capacity resource lists exactly the 3 private subnets
    const { stack, network, template } = built.get(type)!;
    const expected = privateSubnetIds(stack, network);
    expect(expected).toHaveLength(3);
    const lists = capacitySubnets(type, template);
    expect(lists.length).toBeGreaterThan(0);
    for (const subnets of lists) {
      expect(subnets).toEqual(expect.arrayContaining(expected));
      expect(subnets).toHaveLength(3);
    }
  });

  test('lets its nodes join the cluster', () => {
    // THEN the node (or pod execution) role is wired to the cluster the way the mode joins
    const { template } = built.get(type)!;
    const clusterId = Object.keys(template.findResources('AWS::EKS::Cluster'))[0];
    switch (type) {
      case NodeModeType.MANAGED: {
        const ng = onlyResource(template, 'AWS::EKS::Nodegroup');
        expect(ng.Properties.ClusterName).toEqual({ Ref: clusterId });
        expect(template.toJSON().Resources[refId(ng.Properties.NodeRole)].Type).toBe('AWS::IAM::Role');
        break;
      }
      case NodeModeType.SELF_MANAGED: {
        const entry = onlyResource(template, 'AWS::EKS::AccessEntry', { Properties: { Type: 'EC2_LINUX' } });
        expect(entry.Properties.ClusterName).toEqual({ Ref: clusterId });
        const profile = onlyResource(template, 'AWS::IAM::InstanceProfile');
        expect(refId(entry.Properties.PrincipalArn)).toBe(refId(profile.Properties.Roles[0]));
        break;
      }
      case NodeModeType.FARGATE: {
        const profiles = Object.values(template.findResources('AWS::EKS::FargateProfile')) as any[];
        expect(profiles.map((p) => p.Properties.Selectors[0].Namespace).sort()).toEqual(['default', 'kube-system']);
        for (const p of profiles) {
          expect(template.toJSON().Resources[refId(p.Properties.PodExecutionRoleArn)].Type).toBe('AWS::IAM::Role');
        }
        break;
      }
      default: {
        const compute = onlyResource(template, 'AWS::EKS::Cluster').Properties.ComputeConfig;
        expect(compute.Enabled).toBe(true);
        expect(template.toJSON().Resources[refId(compute.NodeRoleArn)].Type).toBe('AWS::IAM::Role');
      }
    }
  });

  test('gives nodes no public IP, and instances it launches require IMDSv2 with hop limit 1', () => {
    // THEN no capacity resource is in a public subnet, and every launch template enforces IMDSv2
    const { stack, network, template } = built.get(type)!;
    const publicIds = network.vpc.publicSubnets.map((s) => JSON.stringify(stack.resolve(s.subnetId)));
    for (const subnets of capacitySubnets(type, template)) {
      for (const s of subnets) {
        expect(publicIds).not.toContain(JSON.stringify(s));
      }
    }
    const templates = Object.values(template.findResources('AWS::EC2::LaunchTemplate')) as any[];
    expect(templates).toHaveLength(type === NodeModeType.MANAGED || type === NodeModeType.SELF_MANAGED ? 1 : 0);
    for (const lt of templates) {
      expect(lt.Properties.LaunchTemplateData.MetadataOptions).toEqual(expect.objectContaining({ HttpTokens: 'required', HttpPutResponseHopLimit: 1 }));
      expect(lt.Properties.LaunchTemplateData.KeyName).toBeUndefined();
      for (const ni of lt.Properties.LaunchTemplateData.NetworkInterfaces ?? []) {
        expect(ni.AssociatePublicIpAddress).toBe(false);
      }
    }
  });

  test('adds no aws-eks-v2 default capacity and never Amazon Linux 2', () => {
    // THEN the only node group (if any) is the mode's own, on AL2023
    const { template } = built.get(type)!;
    for (const ng of Object.values(template.findResources('AWS::EKS::Nodegroup')) as any[]) {
      expect(ng.Properties.AmiType).toMatch(/^AL2023_|^BOTTLEROCKET_/);
    }
    expect(Object.keys(template.findResources('AWS::EKS::Nodegroup')).length).toBe(type === NodeModeType.MANAGED ? 1 : 0);
    template.resourcePropertiesCountIs('AWS::EKS::Cluster', {
      ComputeConfig: { Enabled: type === NodeModeType.AUTO_MODE },
    }, 1);
  });

  test('is AwsSolutions clean: no unacknowledged cdk-nag finding', () => {
    // THEN cdk-nag reports nothing (the VPC's own findings included)
    const { findings } = built.get(type)!;
    expect(findings).toEqual([]);
  });
});

test('Auto Mode turns on the built-in node pools, block storage and load balancing', () => {
  // GIVEN the Auto Mode cluster THEN EKS runs compute, EBS and load balancers
  const { template } = built.get(NodeModeType.AUTO_MODE)!;
  template.hasResourceProperties('AWS::EKS::Cluster', {
    ComputeConfig: { Enabled: true, NodePools: ['system', 'general-purpose'], NodeRoleArn: Match.anyValue() },
    StorageConfig: { BlockStorage: { Enabled: true } },
    KubernetesNetworkConfig: Match.objectLike({ ElasticLoadBalancing: { Enabled: true } }),
    BootstrapSelfManagedAddons: false,
  });
});

test('non-Auto Mode clusters leave Auto Mode, its storage and load balancing off', () => {
  // GIVEN the managed cluster THEN Auto Mode capabilities are off
  const { template } = built.get(NodeModeType.MANAGED)!;
  template.hasResourceProperties('AWS::EKS::Cluster', {
    ComputeConfig: { Enabled: false },
    StorageConfig: { BlockStorage: { Enabled: false } },
  });
});

test('Auto Mode can keep only the general-purpose node pool', () => {
  // GIVEN an Auto Mode cluster with one node pool THEN only that pool is on, still with the node role
  const { stack } = clusterStack({ nodeMode: NodeMode.autoMode({ nodePools: [AutoModeNodePool.GENERAL_PURPOSE] }) });
  Template.fromStack(stack).hasResourceProperties('AWS::EKS::Cluster', {
    ComputeConfig: { Enabled: true, NodePools: ['general-purpose'], NodeRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('AutoModeNodeRole'), 'Arn'] } },
  });
});
