import { Size, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { EksCluster } from '../../lib/cluster/eks-cluster';
import { ManagedNodeGroup } from '../../lib/compute/managed-node-group';
import { NodeMode, NodeModeType } from '../../lib/compute/node-mode';
import { awsSolutionsFindings } from '../helpers/synth';
import {
  clusterStack, coreAddonIds, dependsOn, importedClusterStack, managedPolicyNames, onlyId, onlyResource, ownClusterStack,
  privateSubnetIds, refId,
} from './fixtures';

describe('managed node group defaults', () => {
  let template: Template;
  let cluster: EksCluster;
  beforeAll(() => {
    // GIVEN a cluster in the default node mode (managed) with no options
    ({ cluster } = clusterStack());
    template = Template.fromStack(Stack.of(cluster));
  });

  test('is an AWS::EKS::Nodegroup on AL2023 x86_64, on demand, 2 to 6 nodes starting at 2, following the cluster version', () => {
    // THEN the node group has explicit, current defaults
    const ng = onlyResource(template, 'AWS::EKS::Nodegroup');
    expect(ng.Properties).toEqual(expect.objectContaining({
      AmiType: 'AL2023_x86_64_STANDARD',
      CapacityType: 'ON_DEMAND',
      InstanceTypes: ['m6i.large'],
      ScalingConfig: { MinSize: 2, DesiredSize: 2, MaxSize: 6 },
      UpdateConfig: { MaxUnavailable: 1 },
      Version: '1.36',
      NodeRepairConfig: { Enabled: true },
    }));
    expect(ng.Properties.RemoteAccess).toBeUndefined();
    expect(ng.Properties.DiskSize).toBeUndefined();
  });

  test('keeps its logical id under the cluster: <cluster>/NodeGroup', () => {
    // THEN the node group of NodeMode.managed() is where it always was
    expect(onlyId(template, 'AWS::EKS::Nodegroup')).toMatch(/^EksNodeGroup[0-9A-F]{8}$/);
    expect(cluster.capacity.managedNodeGroup!.node.path).toBe('Test/Eks/NodeGroup');
  });

  test('uses its own launch template: IMDSv2 with hop limit 1, encrypted 50 GiB gp3 root volume, no key, no instance profile', () => {
    // THEN the node group points at the latest version of a launch template with secure settings
    const ng = onlyResource(template, 'AWS::EKS::Nodegroup');
    const ltId = refId(ng.Properties.LaunchTemplate.Id);
    expect(ng.Properties.LaunchTemplate.Version).toEqual({ 'Fn::GetAtt': [ltId, 'LatestVersionNumber'] });
    const data = template.toJSON().Resources[ltId].Properties.LaunchTemplateData;
    expect(data.MetadataOptions).toEqual(expect.objectContaining({ HttpTokens: 'required', HttpPutResponseHopLimit: 1, HttpEndpoint: 'enabled' }));
    expect(data.BlockDeviceMappings).toEqual([
      { DeviceName: '/dev/xvda', Ebs: { VolumeSize: 50, VolumeType: 'gp3', Encrypted: true, DeleteOnTermination: true } },
    ]);
    expect(data.KeyName).toBeUndefined();
    expect(data.IamInstanceProfile).toBeUndefined();
    expect(data.NetworkInterfaces).toBeUndefined();
  });

  test('turns detailed monitoring on in the launch template (Control Tower CT.EC2.PR.10)', () => {
    // THEN
    const ng = onlyResource(template, 'AWS::EKS::Nodegroup');
    const data = template.toJSON().Resources[refId(ng.Properties.LaunchTemplate.Id)].Properties.LaunchTemplateData;
    expect(data.Monitoring).toEqual({ Enabled: true });
  });

  test('node role has only the worker node and ECR read-only managed policies, not the CNI policy', () => {
    // THEN the VPC CNI is left to its own Pod Identity role
    const ng = onlyResource(template, 'AWS::EKS::Nodegroup');
    const roleId = refId(ng.Properties.NodeRole);
    expect(managedPolicyNames(template, roleId).sort()).toEqual(['AmazonEC2ContainerRegistryPullOnly', 'AmazonEKSWorkerNodePolicy']);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'ec2.amazonaws.com' } })] },
    });
    expect(cluster.capacity.nodeRole).toBe(cluster.capacity.managedNodeGroup!.role);
  });
});

describe('managed node group options', () => {
  let template: Template;
  beforeAll(() => {
    // GIVEN Graviton spot nodes with labels and taints, and a Bottlerocket group added beside them
    const { cluster } = clusterStack({
      nodeMode: NodeMode.managed({
        instanceTypes: [new ec2.InstanceType('m7g.large'), new ec2.InstanceType('c7g.large'), new ec2.InstanceType('t4g.large')],
        capacityType: eks.CapacityType.SPOT,
        minSize: 1,
        desiredSize: 3,
        maxSize: 10,
        diskSize: Size.gibibytes(100),
        labels: { 'example.com/team': 'payments', 'tier': 'backend' },
        taints: [{ key: 'dedicated', value: 'payments', effect: eks.TaintEffect.NO_SCHEDULE }],
        maxUnavailable: 2,
        enableNodeAutoRepair: false,
        detailedMonitoring: false,
      }),
    });
    cluster.addManagedNodeGroup('Bottlerocket', {
      amiType: eks.NodegroupAmiType.BOTTLEROCKET_X86_64,
      diskSize: Size.gibibytes(80),
    });
    template = Template.fromStack(Stack.of(cluster));
  });

  test('picks the ARM64 AL2023 AMI for Graviton instance types', () => {
    // THEN the AMI follows the architecture
    template.hasResourceProperties('AWS::EKS::Nodegroup', {
      AmiType: 'AL2023_ARM_64_STANDARD',
      InstanceTypes: ['m7g.large', 'c7g.large', 't4g.large'],
      CapacityType: 'SPOT',
    });
  });

  test('detailedMonitoring: false turns detailed monitoring off for that group only', () => {
    // THEN the spot group's template has basic monitoring, the Bottlerocket group's keeps the default
    const monitoring = Object.values(template.findResources('AWS::EC2::LaunchTemplate')).map((lt: any) => lt.Properties.LaunchTemplateData.Monitoring);
    expect(monitoring.sort((a, b) => Number(a.Enabled) - Number(b.Enabled))).toEqual([{ Enabled: false }, { Enabled: true }]);
  });

  test('renders sizes, labels, taints, update config and repair', () => {
    // THEN every option lands on the node group
    template.hasResourceProperties('AWS::EKS::Nodegroup', {
      AmiType: 'AL2023_ARM_64_STANDARD',
      ScalingConfig: { MinSize: 1, DesiredSize: 3, MaxSize: 10 },
      Labels: { 'example.com/team': 'payments', 'tier': 'backend' },
      Taints: [{ Key: 'dedicated', Value: 'payments', Effect: 'NO_SCHEDULE' }],
      UpdateConfig: { MaxUnavailable: 2 },
      NodeRepairConfig: { Enabled: false },
    });
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({ BlockDeviceMappings: [Match.objectLike({ DeviceName: '/dev/xvda', Ebs: Match.objectLike({ VolumeSize: 100 }) })] }),
    });
  });

  test('Bottlerocket keeps an encrypted OS volume and puts the disk size on the data volume', () => {
    // THEN the added group runs Bottlerocket with two encrypted gp3 volumes
    const ng = onlyResource(template, 'AWS::EKS::Nodegroup', { Properties: { AmiType: 'BOTTLEROCKET_x86_64' } });
    expect(ng.Properties.Version).toBe('1.36');
    const data = template.toJSON().Resources[refId(ng.Properties.LaunchTemplate.Id)].Properties.LaunchTemplateData;
    expect(data.BlockDeviceMappings).toEqual([
      { DeviceName: '/dev/xvda', Ebs: expect.objectContaining({ VolumeSize: 4, VolumeType: 'gp3', Encrypted: true }) },
      { DeviceName: '/dev/xvdb', Ebs: expect.objectContaining({ VolumeSize: 80, VolumeType: 'gp3', Encrypted: true }) },
    ]);
  });
});

describe.each([
  ['1.35', eks.KubernetesVersion.V1_35],
  ['1.36', eks.KubernetesVersion.V1_36],
])('Kubernetes %s comes from the cluster', (expected, version) => {
  test('NodeMode.managed(), addManagedNodeGroup and new ManagedNodeGroup all pin the cluster\'s kubernetesVersion', () => {
    // GIVEN an EksCluster of that version WHEN node groups are added the three ways
    const { stack, cluster } = clusterStack({ kubernetesVersion: version });
    cluster.addManagedNodeGroup('Added');
    new ManagedNodeGroup(stack, 'Standalone', { cluster });
    // THEN every node group's Version is the cluster's
    const template = Template.fromStack(stack);
    const groups = Object.values(template.findResources('AWS::EKS::Nodegroup')) as any[];
    expect(groups).toHaveLength(3);
    expect(groups.map((g) => g.Properties.Version)).toEqual([expected, expected, expected]);
    template.hasResourceProperties('AWS::EKS::Cluster', { Version: expected });
  });

  test('on a bring-your-own eks.Cluster the version is read off the cluster', () => {
    // GIVEN a plain aws-eks-v2 cluster of that version, adapted WHEN a node group is added THEN it pins that version
    const { stack, cluster } = ownClusterStack({}, { version });
    new ManagedNodeGroup(stack, 'Nodes', { cluster });
    expect(onlyResource(Template.fromStack(stack), 'AWS::EKS::Nodegroup').Properties.Version).toBe(expected);
  });
});

describe('ManagedNodeGroup on a bring-your-own aws-eks-v2 cluster', () => {
  let template: Template;
  let stack: Stack;
  beforeAll(() => {
    // GIVEN a user's own eks.Cluster adapted with EksCluster.fromCluster, and the node group with the CNI policy opted in
    ({ stack } = (() => {
      const built = ownClusterStack({}, { version: eks.KubernetesVersion.V1_35 });
      new ManagedNodeGroup(built.stack, 'Nodes', { cluster: built.cluster, attachCniPolicy: true });
      return built;
    })());
    template = Template.fromStack(stack);
  });

  test('joins that cluster in the cluster\'s private subnets', () => {
    // THEN the node group names the own cluster and its vpcSubnets (the VPC's private subnets)
    const ng = onlyResource(template, 'AWS::EKS::Nodegroup');
    expect(ng.Properties.ClusterName).toEqual({ Ref: onlyId(template, 'AWS::EKS::Cluster') });
    expect(ng.Properties.Subnets).toHaveLength(3);
  });

  test('attachCniPolicy adds AmazonEKS_CNI_Policy to the node role, acknowledged for cdk-nag', () => {
    // THEN the opt-in policy is there, and cdk-nag has nothing to say about the node group
    const ng = onlyResource(template, 'AWS::EKS::Nodegroup');
    expect(managedPolicyNames(template, refId(ng.Properties.NodeRole))).toContain('AmazonEKS_CNI_Policy');
    const findings = awsSolutionsFindings(stack).filter((f) => f.path.startsWith('Test/Nodes/'));
    expect(findings).toEqual([]);
  });
});

test('vpcSubnets picks the subnets of one node group', () => {
  // GIVEN an EksCluster WHEN a node group is put in two of the three private subnets
  const { stack, network, cluster } = clusterStack();
  new ManagedNodeGroup(stack, 'Pinned', { cluster, vpcSubnets: { subnets: network.vpc.privateSubnets.slice(0, 2) } });
  // THEN that group lists those two, and the mode's group all three
  const template = Template.fromStack(stack);
  const subnetsOf = (idPattern: RegExp) => (Object.entries(template.findResources('AWS::EKS::Nodegroup')) as Array<[string, any]>)
    .find(([id]) => idPattern.test(id))![1].Properties.Subnets;
  expect(subnetsOf(/^Pinned/)).toEqual(privateSubnetIds(stack, network).slice(0, 2));
  expect(subnetsOf(/^EksNodeGroup/)).toEqual(privateSubnetIds(stack, network));
});

test('an imported cluster gets a node group pinned to the stated Kubernetes version', () => {
  // GIVEN a cluster imported by name and adapted with its version stated WHEN a node group is added
  const { stack, cluster } = importedClusterStack({ kubernetesVersion: eks.KubernetesVersion.V1_35 });
  new ManagedNodeGroup(stack, 'Nodes', { cluster });
  // THEN the node group joins it by name and follows the stated version
  const ng = onlyResource(Template.fromStack(stack), 'AWS::EKS::Nodegroup');
  expect(ng.Properties.ClusterName).toBe('theirs');
  expect(ng.Properties.Version).toBe('1.35');
  expect(ng.Properties.AmiType).toBe('AL2023_x86_64_STANDARD');
});

describe('core add-on ordering around managed node groups', () => {
  let template: Template;
  beforeAll(() => {
    // GIVEN a managed-mode EksCluster WHEN node groups are added with addManagedNodeGroup and with new ManagedNodeGroup
    const { stack, cluster } = clusterStack();
    cluster.addManagedNodeGroup('Added');
    new ManagedNodeGroup(stack, 'Standalone', { cluster });
    template = Template.fromStack(stack);
  });

  test.each([
    ['NodeMode.managed()', /^EksNodeGroup[0-9A-F]{8}$/],
    ['addManagedNodeGroup', /^EksAdded[0-9A-F]{8}$/],
    ['new ManagedNodeGroup', /^Standalone[0-9A-F]{8}$/],
  ])('the node group of %s waits for vpc-cni, kube-proxy and the Pod Identity agent, and CoreDNS waits for it', (_how, idPattern) => {
    // THEN the networking add-ons go first and CoreDNS after
    const addons = coreAddonIds(template);
    const groupId = Object.keys(template.findResources('AWS::EKS::Nodegroup')).find((id) => idPattern.test(id))!;
    expect(groupId).toBeDefined();
    expect(dependsOn(template, groupId)).toEqual(expect.arrayContaining([addons.VpcCni, addons.KubeProxy, addons.PodIdentityAgent]));
    expect(dependsOn(template, addons.CoreDns)).toContain(groupId);
    expect(dependsOn(template, groupId)).not.toContain(addons.CoreDns);
  });
});

describe.each([
  [NodeModeType.FARGATE, () => NodeMode.fargate()],
  [NodeModeType.AUTO_MODE, () => NodeMode.autoMode()],
])('a managed node group on a %s cluster', (type, mode) => {
  const refusal = new RegExp(`cluster: got 'nodeModeType ${type}'; EC2 nodes need the VPC CNI and kube-proxy, which a ${type} cluster does not install; ` +
    'choose NodeMode.managed\\(\\) or NodeMode.selfManaged\\(\\) and add Fargate profiles beside it');

  test('is refused on an EksCluster, added either way', () => {
    // GIVEN a cluster of the mode WHEN a node group is added THEN synth fails naming why nodes would never be Ready
    const { stack, cluster } = clusterStack({ nodeMode: mode() });
    expect(() => cluster.addManagedNodeGroup('Gpu')).toThrow(/ManagedNodeGroup at 'Test\/Eks\/Gpu' has invalid props/);
    expect(() => new ManagedNodeGroup(stack, 'Nodes', { cluster })).toThrow(refusal);
  });

  test('is refused on a bring-your-own cluster stated to be of that mode', () => {
    // GIVEN an imported cluster adapted as that mode WHEN a node group is added THEN it is refused the same way
    const { stack, cluster } = importedClusterStack({ nodeModeType: type });
    expect(() => new ManagedNodeGroup(stack, 'Nodes', { cluster })).toThrow(refusal);
  });
});

describe('ManagedNodeGroup props', () => {
  test('props of the old API are named as unknown', () => {
    // GIVEN an EksCluster WHEN a JavaScript caller passes subnets and version THEN each is named with the real props
    const { stack, cluster } = clusterStack();
    expect(() => new ManagedNodeGroup(stack, 'Nodes', { cluster, subnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }, version: eks.KubernetesVersion.V1_35 } as any))
      .toThrow(/ManagedNodeGroup at 'Test\/Nodes'[\s\S]*subnets: got 'a value'; is not an option of ManagedNodeGroup \(did you mean 'vpcSubnets'\?\); its options are [\s\S]*version: got 'a value'; is not an option of ManagedNodeGroup/);
  });

  test('a misspelt prop is named with the nearest real one', () => {
    // WHEN minSize is spelt minSzie THEN the error suggests minSize
    const { stack, cluster } = clusterStack();
    expect(() => new ManagedNodeGroup(stack, 'Nodes', { cluster, minSzie: 3 } as any))
      .toThrow(/minSzie: got 'a value'; is not an option of ManagedNodeGroup \(did you mean 'minSize'\?\)/);
  });

  test('nodes in public subnets are refused', () => {
    // GIVEN a bring-your-own cluster WHEN a node group is put in the public subnets THEN it is refused
    const { stack, cluster } = ownClusterStack();
    expect(() => new ManagedNodeGroup(stack, 'Nodes', { cluster, vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } }))
      .toThrow(/ManagedNodeGroup at 'Test\/Nodes'[\s\S]*vpcSubnets: got 'public subnets'; managed nodes must run in private subnets/);
  });
});
