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
    // GIVEN an Auto Mode cluster WHEN a managed node group, self-managed nodes and a Fargate profile are added
    ({ stack, network, cluster } = clusterStack({ nodeMode: NodeMode.autoMode() }));
    cluster.addManagedNodeGroup('Gpu', { instanceTypes: [new ec2.InstanceType('g5.xlarge'), new ec2.InstanceType('g6.xlarge')] });
    cluster.addSelfManagedNodes('Legacy', { minSize: 1, maxSize: 3 });
    cluster.addFargateProfile('Jobs', { selectors: [{ namespace: 'jobs' }] });
    template = Template.fromStack(stack);
    findings = awsSolutionsFindings(stack);
  });

  test('every added capacity goes to the private subnets of every AZ', () => {
    // THEN the node group, the Auto Scaling group and the profile use the node subnets
    const expected = privateSubnetIds(stack, network);
    expect(onlyResource(template, 'AWS::EKS::Nodegroup').Properties.Subnets).toEqual(expected);
    expect(onlyResource(template, 'AWS::AutoScaling::AutoScalingGroup').Properties.VPCZoneIdentifier).toEqual(expected);
    expect(onlyResource(template, 'AWS::EKS::FargateProfile').Properties.Subnets).toEqual(expected);
  });

  test('added nodes follow the cluster version and use the same defaults and checks', () => {
    // THEN the managed group pins 1.36 on AL2023 and the self-managed nodes use the 1.36 AMI
    template.hasResourceProperties('AWS::EKS::Nodegroup', { Version: '1.36', AmiType: 'AL2023_x86_64_STANDARD', ScalingConfig: { MinSize: 2, DesiredSize: 2, MaxSize: 6 } });
    const params = template.findParameters('*', { Type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>' });
    expect(Object.values(params).map((p: any) => p.Default)).toEqual(['/aws/service/eks/optimized-ami/1.36/amazon-linux-2023/x86_64/standard/recommended/image_id']);
    expect(() => cluster.addManagedNodeGroup('Bad', { minSize: 4, maxSize: 2 })).toThrow(/ManagedNodeGroup at 'Test\/Eks\/Bad'[\s\S]*minSize: got 4/);
  });

  test('the Auto Mode node role has only the minimal node and ECR pull-only managed policies', () => {
    // THEN the exposed role is the one Auto Mode launches nodes with
    const compute = onlyResource(template, 'AWS::EKS::Cluster').Properties.ComputeConfig;
    const roleId = refId(compute.NodeRoleArn);
    expect(stack.resolve(cluster.capacity.nodeRole!.roleArn)).toEqual(compute.NodeRoleArn);
    expect(managedPolicyNames(template, roleId).sort()).toEqual(['AmazonEC2ContainerRegistryPullOnly', 'AmazonEKSWorkerNodeMinimalPolicy']);
  });

  test('is AwsSolutions clean', () => {
    // THEN nothing is left unacknowledged
    expect(findings).toEqual([]);
  });

  test('each acknowledgement sits on the resource it is about, names one finding, and gives a reason', () => {
    // THEN every acknowledgement under the node constructs is a single id with a reviewable reason, on a role or an Auto Scaling group
    const acks: Array<{ path: string; id: string; reason: string; construct: IConstruct }> = [];
    for (const c of cluster.node.findAll()) {
      for (const entry of c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)) {
        const ids = Object.keys(entry.data);
        expect(ids).toHaveLength(1);
        acks.push({ path: c.node.path, id: ids[0], reason: entry.data[ids[0]], construct: c });
      }
    }
    const mine = acks.filter((a) => /\/(Gpu|Legacy|Jobs|AutoModeNodeRole)(\/|$)/.test(a.path));
    expect(mine.map((a) => `${a.path.replace('Test/Eks/', '')} ${a.id.replace(/^[A-Za-z]+::/, '')}`).sort()).toEqual([
      'AutoModeNodeRole AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly]',
      'AutoModeNodeRole AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonEKSWorkerNodeMinimalPolicy]',
      'Gpu/NodeRole AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly]',
      'Gpu/NodeRole AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonEKSWorkerNodePolicy]',
      'Jobs/PodExecutionRole AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonEKSFargatePodExecutionRolePolicy]',
      'Legacy/AutoScalingGroup AwsSolutions-AS3',
      'Legacy/NodeRole AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly]',
      'Legacy/NodeRole AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonEKSWorkerNodePolicy]',
    ]);
    for (const a of mine) {
      expect(a.reason.length).toBeGreaterThan(60);
      expect(a.construct instanceof iam.Role || /AutoScalingGroup$/.test(a.path)).toBe(true);
    }
  });
});
