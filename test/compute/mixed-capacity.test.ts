import { Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { EksCluster } from '../../lib/cluster/eks-cluster';
import { NodeMode } from '../../lib/compute/node-mode';
import { CustomerVpc } from '../../lib/network/customer-vpc';
import { awsSolutionsFindings, Finding } from '../helpers/synth';
import { clusterStack, managedPolicyNames, onlyResource, privateSubnetIds, refId } from './fixtures';

describe('EksCluster mixes capacity beside its node mode', () => {
  let stack: Stack;
  let network: CustomerVpc;
  let cluster: EksCluster;
  let template: Template;
  let findings: Finding[];
  beforeAll(() => {
    // GIVEN a managed-node cluster WHEN a second managed node group, self-managed nodes and a Fargate profile are added
    ({ stack, network, cluster } = clusterStack({ nodeMode: NodeMode.managed() }));
    cluster.addManagedNodeGroup('Gpu', { instanceTypes: [new ec2.InstanceType('g5.xlarge'), new ec2.InstanceType('g6.xlarge')] });
    cluster.addSelfManagedNodes('Legacy', { minSize: 1, maxSize: 3 });
    cluster.addFargateProfile('Jobs', { selectors: [{ namespace: 'jobs' }] });
    template = Template.fromStack(stack);
    findings = awsSolutionsFindings(stack);
  });

  const gpuGroup = () => {
    const found = Object.entries(template.findResources('AWS::EKS::Nodegroup')).filter(([id]) => id.startsWith('EksGpu'));
    expect(found).toHaveLength(1);
    return found[0][1] as any;
  };

  test('every added capacity goes to the private subnets of every AZ', () => {
    // THEN the node group, the Auto Scaling group and the profile use the node subnets
    const expected = privateSubnetIds(stack, network);
    expect(gpuGroup().Properties.Subnets).toEqual(expected);
    expect(onlyResource(template, 'AWS::AutoScaling::AutoScalingGroup').Properties.VPCZoneIdentifier).toEqual(expected);
    expect(onlyResource(template, 'AWS::EKS::FargateProfile').Properties.Subnets).toEqual(expected);
  });

  test('added nodes follow the cluster version and use the same defaults and checks', () => {
    // THEN the managed group pins 1.36 on AL2023 and the self-managed nodes use the 1.36 AMI
    expect(gpuGroup().Properties).toMatchObject({ Version: '1.36', AmiType: 'AL2023_x86_64_STANDARD', ScalingConfig: { MinSize: 2, DesiredSize: 2, MaxSize: 6 } });
    const params = template.findParameters('*', { Type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>' });
    expect(Object.values(params).map((p: any) => p.Default)).toEqual(['/aws/service/eks/optimized-ami/1.36/amazon-linux-2023/x86_64/standard/recommended/image_id']);
    expect(() => cluster.addManagedNodeGroup('Bad', { minSize: 4, maxSize: 2 })).toThrow(/ManagedNodeGroup at 'Test\/Eks\/Bad'[\s\S]*minSize: got 4/);
  });

  test('added nodes are ordered after the networking add-ons, like the mode\'s own capacity', () => {
    // THEN the added node group and Auto Scaling group wait for vpc-cni, kube-proxy and the Pod Identity agent
    const addonIds = Object.keys(template.findResources('AWS::EKS::Addon'))
      .filter((id) => /VpcCni|KubeProxy|PodIdentityAgent/.test(id));
    expect(addonIds).toHaveLength(3);
    expect(gpuGroup().DependsOn).toEqual(expect.arrayContaining(addonIds));
    expect(onlyResource(template, 'AWS::AutoScaling::AutoScalingGroup').DependsOn).toEqual(expect.arrayContaining(addonIds));
  });

  test('is AwsSolutions clean', () => {
    // THEN nothing is left unacknowledged
    expect(findings).toEqual([]);
  });

  test('each acknowledgement sits on the resource it is about, names one finding, and gives a reason', () => {
    // THEN every acknowledgement under the node constructs is a single id with a reviewable reason, on a role, a security group rule or an Auto Scaling group
    const acks: Array<{ path: string; id: string; reason: string; construct: IConstruct }> = [];
    for (const c of cluster.node.findAll()) {
      for (const entry of c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)) {
        const ids = Object.keys(entry.data);
        expect(ids).toHaveLength(1);
        acks.push({ path: c.node.path, id: ids[0], reason: entry.data[ids[0]], construct: c });
      }
    }
    const mine = acks.filter((a) => /\/(Gpu|Legacy|Jobs)(\/|$)/.test(a.path));
    expect(mine.map((a) => `${a.path.replace('Test/Eks/', '')} ${a.id.replace(/^[A-Za-z]+::/, '')}`).sort()).toEqual([
      'Gpu/NodeRole AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly]',
      'Gpu/NodeRole AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonEKSWorkerNodePolicy]',
      'Jobs/PodExecutionRole AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonEKSFargatePodExecutionRolePolicy]',
      'Legacy/AutoScalingGroup AwsSolutions-AS3',
      'Legacy/AutoScalingGroup cdk-validator-cfnguard::autoscaling_mixed_instances_policy_multiple_instance_types_check',
      ...['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'].map((pack) => `Legacy/ClusterSecurityGroupFromNodes ${pack}-EC2RestrictedCommonPorts`),
      ...['NodesFromClusterSecurityGroup', 'NodesFromNodes'].flatMap((rule) =>
        ['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'].map((pack) => `Legacy/${rule} ${pack}-EC2RestrictedCommonPorts`)),
      'Legacy/NodeRole AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly]',
      'Legacy/NodeRole AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonEKSWorkerNodePolicy]',
    ].sort());
    for (const a of mine) {
      expect(a.reason.length).toBeGreaterThan(60);
      expect(a.construct instanceof iam.Role || a.construct instanceof ec2.CfnSecurityGroupIngress || /AutoScalingGroup$/.test(a.path)).toBe(true);
    }
  });
});

describe.each([
  ['Auto Mode', () => NodeMode.autoMode()],
  ['Fargate', () => NodeMode.fargate()],
])('EksCluster in %s mixes only Fargate profiles beside its mode', (_name, mode) => {
  test('a Fargate profile can be added', () => {
    // GIVEN a cluster of the mode WHEN a Fargate profile is added THEN it is in the template
    const { stack, cluster } = clusterStack({ nodeMode: mode() });
    cluster.addFargateProfile('Jobs', { selectors: [{ namespace: 'jobs' }] });
    Template.fromStack(stack).hasResourceProperties('AWS::EKS::FargateProfile', { Selectors: [{ Namespace: 'jobs' }] });
  });

  test('EC2 nodes are refused: the mode installs no VPC CNI or kube-proxy, so they would never become Ready', () => {
    // GIVEN a cluster of the mode WHEN EC2 nodes are added THEN each node construct refuses the cluster
    const { cluster } = clusterStack({ nodeMode: mode() });
    expect(() => cluster.addManagedNodeGroup('Gpu')).toThrow(
      /ManagedNodeGroup at 'Test\/Eks\/Gpu' has invalid props:\n {2}- cluster: got 'nodeModeType (auto-mode|fargate)'; EC2 nodes need the VPC CNI and kube-proxy/);
    expect(() => cluster.addSelfManagedNodes('Legacy')).toThrow(
      /SelfManagedNodes at 'Test\/Eks\/Legacy'[\s\S]*cluster: got 'nodeModeType (auto-mode|fargate)'; .*choose NodeMode.managed\(\) or NodeMode.selfManaged\(\) and add Fargate profiles beside it/);
  });
});

test('the Auto Mode node role has only the minimal node and ECR pull-only managed policies, each acknowledged', () => {
  // GIVEN an Auto Mode cluster THEN the exposed role is the one Auto Mode launches nodes with
  const { stack, cluster } = clusterStack({ nodeMode: NodeMode.autoMode() });
  const template = Template.fromStack(stack);
  const compute = onlyResource(template, 'AWS::EKS::Cluster').Properties.ComputeConfig;
  const roleId = refId(compute.NodeRoleArn);
  expect(stack.resolve(cluster.capacity.nodeRole!.roleArn)).toEqual(compute.NodeRoleArn);
  expect(managedPolicyNames(template, roleId).sort()).toEqual(['AmazonEC2ContainerRegistryPullOnly', 'AmazonEKSWorkerNodeMinimalPolicy']);
  expect(awsSolutionsFindings(stack)).toEqual([]);
});
