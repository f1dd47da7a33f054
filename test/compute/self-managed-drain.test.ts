/**
 * Self-managed nodes are replaced with a drain: the AWS Node Termination Handler in queue mode
 * (lib/private/node-termination-handler.ts), and an AMI that can be pinned.
 */
import { KubectlV36Layer } from '@aws-cdk/lambda-layer-kubectl-v36';
import { CfnParameter } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { EksCluster } from '../../lib/cluster/eks-cluster';
import { NodeMode } from '../../lib/compute/node-mode';
import { CustomerVpc } from '../../lib/network/customer-vpc';
import { ImageCache } from '../../lib/network/image-cache';
import { NTH_CHART_REPOSITORY, NTH_CHART_VERSION } from '../../lib/private/node-termination-handler';
import { newStack } from '../helpers/synth';
import { clusterStack, dependsOn, onlyId, onlyResource } from './fixtures';

const ASG = 'AWS::AutoScaling::AutoScalingGroup';

describe('self-managed nodes on a cluster with a kubectl provider: drained by default', () => {
  // GIVEN a cluster with self-managed nodes and a kubectl provider
  const { stack, cluster } = clusterStack({ nodeMode: NodeMode.selfManaged() }, { kubectl: true });
  const template = Template.fromStack(stack);
  const asgId = onlyId(template, ASG);
  const queueId = onlyId(template, 'AWS::SQS::Queue');

  test('the nodes say they drain', () => {
    expect(cluster.capacity.selfManagedNodes!.drainOnTermination).toBe(true);
  });

  test('an encrypted queue, reachable only over TLS, keeping events 5 minutes', () => {
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 300 });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  test('EventBridge sends lifecycle actions of this group, Spot interruptions, rebalance recommendations and state changes to it', () => {
    const rules = Object.values(template.findResources('AWS::Events::Rule')).map((r: any) => r.Properties);
    expect(rules.map((r) => r.EventPattern['detail-type']).flat().sort()).toEqual([
      'EC2 Instance Rebalance Recommendation', 'EC2 Instance State-change Notification', 'EC2 Instance-launch Lifecycle Action',
      'EC2 Instance-terminate Lifecycle Action', 'EC2 Spot Instance Interruption Warning',
    ]);
    for (const rule of rules) {
      expect(rule.Targets).toEqual([{ Arn: { 'Fn::GetAtt': [queueId, 'Arn'] }, Id: 'Target0' }]);
    }
    const lifecycle = rules.find((r) => r.EventPattern.source[0] === 'aws.autoscaling');
    expect(lifecycle.EventPattern.detail).toEqual({ AutoScalingGroupName: [{ Ref: asgId }] });
    // Each rule may send to the queue, and only that rule (aws:SourceArn).
    const sends = onlyResource(template, 'AWS::SQS::QueuePolicy').Properties.PolicyDocument.Statement
      .filter((s: any) => s.Principal?.Service === 'events.amazonaws.com');
    expect(sends).toHaveLength(4);
  });

  test('a terminate hook (drain) and a launch hook (Ready) on the group, going on when nobody answers', () => {
    for (const transition of ['autoscaling:EC2_INSTANCE_TERMINATING', 'autoscaling:EC2_INSTANCE_LAUNCHING']) {
      template.hasResourceProperties('AWS::AutoScaling::LifecycleHook', {
        AutoScalingGroupName: { Ref: asgId }, LifecycleTransition: transition, DefaultResult: 'CONTINUE', HeartbeatTimeout: 600,
      });
    }
  });

  test('the group and its instances carry the tag the handler checks before draining', () => {
    expect(onlyResource(template, ASG).Properties.Tags).toContainEqual({ Key: 'aws-node-termination-handler/managed', PropagateAtLaunch: true, Value: 'true' });
  });

  test('least privilege through Pod Identity: read this queue, complete this group\'s actions, describe', () => {
    const roleId = onlyId(template, 'AWS::IAM::Role', { Properties: { Description: Match.stringLikeRegexp('Node Termination Handler') } });
    template.hasResourceProperties('AWS::IAM::Role', { Description: Match.stringLikeRegexp('Node Termination Handler'),
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'pods.eks.amazonaws.com' } })] } });
    template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', {
      Namespace: 'kube-system', ServiceAccount: 'aws-node-termination-handler', RoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] },
    });
    // A managed policy (HIPAA, NIST and PCI ask for no inline policies), and nothing inline on the role.
    expect(Object.values(template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } }))).toEqual([]);
    const policy = onlyResource(template, 'AWS::IAM::ManagedPolicy', { Properties: { Roles: [{ Ref: roleId }] } });
    const statements = policy.Properties.PolicyDocument.Statement;
    expect(statements.find((s: any) => [s.Action].flat().includes('sqs:ReceiveMessage')).Resource).toEqual({ 'Fn::GetAtt': [queueId, 'Arn'] });
    const complete = statements.find((s: any) => s.Action === 'autoscaling:CompleteLifecycleAction');
    expect(JSON.stringify(complete.Resource)).toMatch(new RegExp(`autoScalingGroup:\\*:autoScalingGroupName/".*"Ref":"${asgId}"`));
    const star = statements.filter((s: any) => s.Resource === '*').flatMap((s: any) => [s.Action].flat()).sort();
    expect(star).toEqual(['autoscaling:DescribeAutoScalingInstances', 'autoscaling:DescribeTags', 'ec2:DescribeInstances']);
  });

  test('the pinned chart in queue mode, installed after the nodes and its permissions', () => {
    const chartId = onlyId(template, 'Custom::AWSCDK-EKS-HelmChart', { Properties: { Chart: 'aws-node-termination-handler' } });
    const chart = template.toJSON().Resources[chartId].Properties;
    expect([chart.Repository, chart.Version, chart.Namespace]).toEqual([NTH_CHART_REPOSITORY, NTH_CHART_VERSION, 'kube-system']);
    const values = JSON.stringify(stack.resolve(chart.Values));
    expect(values).toContain('\\"enableSqsTerminationDraining\\":true');
    expect(values).toContain(`\\"queueURL\\":\\"",{"Ref":"${queueId}"}`);
    expect(values).toContain('\\"checkTagBeforeDraining\\":true');
    expect(dependsOn(template, chartId)).toEqual(expect.arrayContaining([asgId]));
  });
});

describe('one handler per cluster', () => {
  test('a second self-managed group joins the same queue, rule, role and chart', () => {
    const { stack, cluster } = clusterStack({ nodeMode: NodeMode.selfManaged() }, { kubectl: true });
    cluster.addSelfManagedNodes('Batch', { instanceTypes: [new ec2.InstanceType('c6i.large')] });
    const template = Template.fromStack(stack);
    expect(Object.keys(template.findResources('AWS::SQS::Queue'))).toHaveLength(1);
    expect(Object.keys(template.findResources('Custom::AWSCDK-EKS-HelmChart', { Properties: { Chart: 'aws-node-termination-handler' } }))).toHaveLength(1);
    expect(Object.keys(template.findResources('AWS::AutoScaling::LifecycleHook'))).toHaveLength(4);
    const groups = Object.keys(template.findResources(ASG)).sort();
    const lifecycle = Object.values(template.findResources('AWS::Events::Rule')).find((r: any) => r.Properties.EventPattern.source[0] === 'aws.autoscaling') as any;
    expect(lifecycle.Properties.EventPattern.detail.AutoScalingGroupName.map((r: any) => r.Ref).sort()).toEqual(groups);
  });
});

describe('combinations that cannot drain', () => {
  test('drainOnTermination: true without a kubectl provider is refused, with the way out', () => {
    expect(() => clusterStack({ nodeMode: NodeMode.selfManaged({ drainOnTermination: true }) }))
      .toThrow(/drainOnTermination: got true; the drain is the AWS Node Termination Handler, a Helm chart, and the cluster has no kubectl provider: set EksCluster's `kubectlLayer`.*or set drainOnTermination: false/);
  });

  test('drainOnTermination: true with a kubectl provider is accepted', () => {
    const { cluster } = clusterStack({ nodeMode: NodeMode.selfManaged({ drainOnTermination: true }) }, { kubectl: true });
    expect(cluster.capacity.selfManagedNodes!.drainOnTermination).toBe(true);
  });

  test('without a kubectl provider the default is no drain, with an acknowledgeable warning', () => {
    const { stack, cluster } = clusterStack({ nodeMode: NodeMode.selfManaged() });
    const template = Template.fromStack(stack);
    expect(cluster.capacity.selfManagedNodes!.drainOnTermination).toBe(false);
    expect(Object.keys(template.findResources('AWS::SQS::Queue'))).toHaveLength(0);
    expect(Object.keys(template.findResources('AWS::AutoScaling::LifecycleHook'))).toHaveLength(0);
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('without a drain'));
    expect(warnings.map((w) => w.id)).toEqual(['/Test/Eks/SelfManagedNodes']);
    expect(String(warnings[0].entry.data)).toContain('[ack: cdk-eks-architecture:self-managed-nodes-without-drain]');
  });

  test('drainOnTermination: false is taken as said: no handler, no warning', () => {
    const { stack } = clusterStack({ nodeMode: NodeMode.selfManaged({ drainOnTermination: false }) }, { kubectl: true });
    const template = Template.fromStack(stack);
    expect(Object.keys(template.findResources('AWS::SQS::Queue'))).toHaveLength(0);
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('without a drain'));
  });
});

describe('pinning the AMI', () => {
  test('machineImage replaces the SSM parameter that rolls nodes on every release', () => {
    const { stack } = clusterStack({
      nodeMode: NodeMode.selfManaged({ machineImage: ec2.MachineImage.genericLinux({ 'us-east-1': 'ami-0123456789abcdef0' }) }),
    });
    const template = Template.fromStack(stack);
    expect(onlyResource(template, 'AWS::EC2::LaunchTemplate').Properties.LaunchTemplateData.ImageId).toEqual({ 'Fn::FindInMap': expect.any(Array) });
    expect(JSON.stringify(template.toJSON())).toContain('ami-0123456789abcdef0');
    expect(JSON.stringify(template.toJSON().Parameters ?? {})).not.toMatch(/optimized-ami/);
  });

  test('by default the AMI is the recommended release of the cluster version, read at deploy time', () => {
    const { stack } = clusterStack({ nodeMode: NodeMode.selfManaged() });
    expect(JSON.stringify(Template.fromStack(stack).toJSON().Parameters)).toContain('/aws/service/eks/optimized-ami/1.36/amazon-linux-2023/x86_64/standard/recommended/image_id');
  });
});

describe('the drain on a VPC with no internet path', () => {
  /** A private-cluster VPC (isolated subnets, endpoints) and a cluster with a kubectl provider. */
  const privateStack = () => {
    const stack = newStack();
    const network = new CustomerVpc(stack, 'Network', { privateCluster: true });
    const cluster = new EksCluster(stack, 'Eks', { vpc: network.vpc, kubectlLayer: new KubectlV36Layer(stack, 'KubectlLayer') });
    return { stack, cluster };
  };
  const PRIVATE_CHART = 'oci://111122223333.dkr.ecr.eu-west-1.amazonaws.com/charts/aws-node-termination-handler';

  test('takes the chart from private ECR and the image through the pull-through cache', () => {
    // GIVEN a private cluster WHEN self-managed nodes are added with a private chart and an image cache
    const { stack, cluster } = privateStack();
    const imageCache = new ImageCache(stack, 'ImageCache');
    cluster.addSelfManagedNodes('Nodes', { drainChartRepository: PRIVATE_CHART, imageCache });
    // THEN the handler's chart and image come from inside the account
    const chart = onlyResource(Template.fromStack(stack), 'Custom::AWSCDK-EKS-HelmChart').Properties;
    expect(chart.Repository).toBe(PRIVATE_CHART);
    expect(JSON.stringify(chart.Values)).toMatch(/ecr-public\/aws-ec2\/aws-node-termination-handler/);
    expect(JSON.stringify(chart.Values)).not.toMatch(/"public\.ecr\.aws/);
  });

  test('refuses the public chart registry, naming the way out', () => {
    const { stack, cluster } = privateStack();
    expect(() => cluster.addSelfManagedNodes('Nodes', { imageCache: new ImageCache(stack, 'ImageCache') }))
      .toThrow(/drainChartRepository: got undefined; the VPC has isolated subnets only .* copy the aws-node-termination-handler chart 0.27.6 into private ECR/);
    const other = privateStack();
    expect(() => other.cluster.addSelfManagedNodes('Nodes', { drainChartRepository: NTH_CHART_REPOSITORY, imageCache: new ImageCache(other.stack, 'ImageCache') }))
      .toThrow(/drainChartRepository: got 'oci:\/\/public.ecr.aws\/aws-ec2\/helm\/aws-node-termination-handler'; the VPC has isolated subnets only/);
  });

  test('refuses the drain without an image cache', () => {
    const { cluster } = privateStack();
    expect(() => cluster.addSelfManagedNodes('Nodes', { drainChartRepository: PRIVATE_CHART }))
      .toThrow(/imageCache: got undefined; the VPC has isolated subnets only, so nodes cannot pull the drain's image from ECR Public/);
  });

  test('a token chart reference is not refused', () => {
    const { stack, cluster } = privateStack();
    const repository = new CfnParameter(stack, 'Chart').valueAsString;
    cluster.addSelfManagedNodes('Nodes', { drainChartRepository: repository, imageCache: new ImageCache(stack, 'ImageCache') });
    expect(onlyResource(Template.fromStack(stack), 'Custom::AWSCDK-EKS-HelmChart').Properties.Repository).toEqual({ Ref: 'Chart' });
  });

  test('with internet egress, a chart reference that is not a URL is refused', () => {
    const { cluster } = clusterStack({}, { kubectl: true });
    expect(() => cluster.addSelfManagedNodes('Nodes', { drainChartRepository: 'public.ecr.aws/aws-ec2/helm' }))
      .toThrow(/drainChartRepository: got 'public.ecr.aws\/aws-ec2\/helm'; must be an https:\/\/ Helm repository or an oci:\/\/ chart reference/);
  });

  test('drain options without the drain are refused', () => {
    const { cluster } = clusterStack({}, { kubectl: true });
    expect(() => cluster.addSelfManagedNodes('Nodes', { drainOnTermination: false, drainChartRepository: PRIVATE_CHART }))
      .toThrow(/drainChartRepository: got 'a value'; configures the drain, which is off/);
  });
});
