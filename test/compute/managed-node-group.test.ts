import { Size, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { EksCluster } from '../../lib/cluster/eks-cluster';
import { ManagedNodeGroup } from '../../lib/compute/managed-node-group';
import { NodeMode } from '../../lib/compute/node-mode';
import { CustomerVpc } from '../../lib/network/customer-vpc';
import { awsSolutionsFindings, newStack } from '../helpers/synth';
import { clusterStack, managedPolicyNames, onlyResource, refId } from './fixtures';

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

  test('node role has only the worker node and ECR read-only managed policies, not the CNI policy', () => {
    // THEN the VPC CNI is left to its own Pod Identity role
    const ng = onlyResource(template, 'AWS::EKS::Nodegroup');
    const roleId = refId(ng.Properties.NodeRole);
    expect(managedPolicyNames(template, roleId).sort()).toEqual(['AmazonEC2ContainerRegistryReadOnly', 'AmazonEKSWorkerNodePolicy']);
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
        labels: { 'example.com/team': 'payments', tier: 'backend' },
        taints: [{ key: 'dedicated', value: 'payments', effect: eks.TaintEffect.NO_SCHEDULE }],
        maxUnavailable: 2,
        enableNodeAutoRepair: false,
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

describe('ManagedNodeGroup on a plain aws-eks-v2 cluster', () => {
  let template: Template;
  let stack: Stack;
  beforeAll(() => {
    // GIVEN a user's own eks.Cluster, and the node group with the CNI policy opted in
    stack = newStack();
    const vpc = new CustomerVpc(stack, 'Network').vpc;
    const cluster = new eks.Cluster(stack, 'Own', {
      vpc,
      version: eks.KubernetesVersion.V1_35,
      defaultCapacity: 0,
      defaultCapacityType: eks.DefaultCapacityType.NODEGROUP,
    });
    new ManagedNodeGroup(stack, 'Nodes', { cluster, attachCniPolicy: true });
    template = Template.fromStack(stack);
  });

  test('follows the cluster version, in its private subnets', () => {
    // THEN the version is read from the cluster
    const ng = onlyResource(template, 'AWS::EKS::Nodegroup');
    expect(ng.Properties.Version).toBe('1.35');
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

test('an imported cluster gets a node group without a pinned version', () => {
  // GIVEN a cluster imported by name WHEN a node group is added without a version
  const stack = newStack();
  const vpc = new CustomerVpc(stack, 'Network').vpc;
  const cluster = eks.Cluster.fromClusterAttributes(stack, 'Imported', { clusterName: 'theirs', vpc });
  new ManagedNodeGroup(stack, 'Nodes', { cluster });
  // THEN EKS uses the cluster's version at creation
  const ng = onlyResource(Template.fromStack(stack), 'AWS::EKS::Nodegroup');
  expect(ng.Properties.ClusterName).toBe('theirs');
  expect(ng.Properties.Version).toBeUndefined();
  expect(ng.Properties.AmiType).toBe('AL2023_x86_64_STANDARD');
});
