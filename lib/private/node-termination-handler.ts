import { CfnElement, Duration, Lazy, Stack } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { IImageCache } from '../network/image-cache';
import type { IEksCluster } from '../cluster/i-eks-cluster';
import { acknowledge, acknowledgeControlTower, findingEnv } from './acknowledge';
import { podIdentityPrincipal } from './pod-identity';

/**
 * The AWS Node Termination Handler's Helm chart, as the project publishes it (public ECR, OCI), and
 * its version: chart 0.27.6 = NTH v1.25.6 (config/helm/aws-node-termination-handler/Chart.yaml of
 * github.com/aws/aws-node-termination-handler). Refresh: docs/LIFECYCLE.md.
 */
export const NTH_CHART_REPOSITORY = 'oci://public.ecr.aws/aws-ec2/helm/aws-node-termination-handler';
export const NTH_CHART_VERSION = '0.27.6';

/** The handler's image (ECR Public) and the tag chart 0.27.6 installs. */
export const NTH_IMAGE = 'public.ecr.aws/aws-ec2/aws-node-termination-handler';
export const NTH_IMAGE_TAG = 'v1.25.6';

/** Where the chart and the image come from, for a cluster with no internet path. */
export interface NthSource {
  /** An OCI chart reference or Helm repository; default the project's public ECR registry. */
  readonly chartRepository?: string;
  /** The pull-through cache the image comes through; default ECR Public directly. */
  readonly imageCache?: IImageCache;
}
const NAMESPACE = 'kube-system';
const SERVICE_ACCOUNT = 'aws-node-termination-handler';
/** The tag NTH checks before it drains a node (`checkTagBeforeDraining`, on by default). */
export const NTH_MANAGED_TAG = 'aws-node-termination-handler/managed';
/** How long an instance waits in a lifecycle hook for NTH: drain (terminating) or Ready (launching). */
export const NTH_HOOK_TIMEOUT = Duration.minutes(10);

const ID = 'NodeTerminationHandler';

/**
 * The AWS Node Termination Handler in queue-processor mode, one per cluster: an encrypted SQS queue
 * fed by EventBridge (Auto Scaling lifecycle actions of the registered groups, Spot interruption
 * warnings, rebalance recommendations, instance state changes), a Pod Identity role that may read
 * that queue and complete the lifecycle actions of those groups only, and the Helm chart. Each
 * Auto Scaling group it serves gets a terminate hook (cordon and drain, respecting
 * PodDisruptionBudgets, before EC2 terminates the instance) and a launch hook (the instance is
 * InService only once its node is Ready, so a rolling update waits for it).
 */
export class _NodeTerminationHandler extends Construct {
  /**
   * The handler of `cluster`, created under the cluster's scope the first time nodes ask for it,
   * with the chart source and image cache of that first caller.
   */
  public static obtain(cluster: IEksCluster, source: NthSource = {}): _NodeTerminationHandler {
    return (cluster.node.tryFindChild(ID) as _NodeTerminationHandler | undefined) ?? new _NodeTerminationHandler(cluster, ID, cluster, source);
  }

  public readonly queue: sqs.Queue;
  public readonly role: iam.Role;
  public readonly policy: iam.ManagedPolicy;
  public readonly chart: eks.HelmChart;
  private readonly groupNames: string[] = [];
  private readonly lifecycleStatement: iam.PolicyStatement;

  private constructor(scope: Construct, id: string, cluster: IEksCluster, source: NthSource) {
    super(scope, id);
    const stack = Stack.of(this);

    this.queue = new sqs.Queue(this, 'Queue', {
      // Events are only worth acting on while the instance is still there.
      retentionPeriod: Duration.minutes(5),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });

    const groupNames = Lazy.list({ produce: () => this.groupNames });
    const rules: Array<[string, events.EventPattern]> = [
      ['AutoScalingLifecycleRule', {
        source: ['aws.autoscaling'],
        detailType: ['EC2 Instance-launch Lifecycle Action', 'EC2 Instance-terminate Lifecycle Action'],
        detail: { AutoScalingGroupName: groupNames },
      }],
      ['SpotInterruptionRule', { source: ['aws.ec2'], detailType: ['EC2 Spot Instance Interruption Warning'] }],
      ['RebalanceRule', { source: ['aws.ec2'], detailType: ['EC2 Instance Rebalance Recommendation'] }],
      ['InstanceStateChangeRule', { source: ['aws.ec2'], detailType: ['EC2 Instance State-change Notification'] }],
    ];
    for (const [ruleId, eventPattern] of rules) {
      // The target adds a queue policy statement per rule, limited to that rule (aws:SourceArn).
      new events.Rule(this, ruleId, { eventPattern, targets: [new targets.SqsQueue(this.queue)] });
    }

    this.role = new iam.Role(this, 'Role', {
      description: `Pod Identity role of the AWS Node Termination Handler (${NAMESPACE}/${SERVICE_ACCOUNT}) of ${cluster.node.path}`,
      assumedBy: podIdentityPrincipal(),
    });
    // A managed policy, not inline statements on the role (HIPAA, NIST and PCI ask for no inline policies).
    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      description: `AWS Node Termination Handler of ${cluster.node.path}: read its queue, complete lifecycle actions of its groups`,
      roles: [this.role],
    });
    this.policy.addStatements(new iam.PolicyStatement({
      actions: ['sqs:ReceiveMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueUrl', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
      resources: [this.queue.queueArn],
    }));
    this.lifecycleStatement = new iam.PolicyStatement({
      actions: ['autoscaling:CompleteLifecycleAction'],
      resources: Lazy.list({
        produce: () => this.groupNames.map((name) =>
          `arn:${stack.partition}:autoscaling:${stack.region}:${stack.account}:autoScalingGroup:*:autoScalingGroupName/${name}`),
      }),
    });
    this.policy.addStatements(this.lifecycleStatement);
    this.policy.addStatements(new iam.PolicyStatement({
      // Reads with no resource-level permissions: which instance is which node, and its tags.
      actions: ['autoscaling:DescribeAutoScalingInstances', 'autoscaling:DescribeTags', 'ec2:DescribeInstances'],
      resources: ['*'],
    }));

    const association = new eks.CfnPodIdentityAssociation(this, 'PodIdentityAssociation', {
      clusterName: cluster.clusterName,
      namespace: NAMESPACE,
      serviceAccount: SERVICE_ACCOUNT,
      roleArn: this.role.roleArn,
    });

    this.chart = new eks.HelmChart(this, 'Chart', {
      cluster: cluster.cluster,
      chart: 'aws-node-termination-handler',
      repository: source.chartRepository ?? NTH_CHART_REPOSITORY,
      version: NTH_CHART_VERSION,
      release: 'aws-node-termination-handler',
      namespace: NAMESPACE,
      wait: true,
      timeout: Duration.minutes(10),
      values: {
        enableSqsTerminationDraining: true,
        queueURL: this.queue.queueUrl,
        awsRegion: stack.region,
        serviceAccount: { create: true, name: SERVICE_ACCOUNT },
        // Drains only nodes of groups tagged for it (the groups this library registers).
        checkTagBeforeDraining: true,
        managedTag: NTH_MANAGED_TAG,
        // Events of instances of other clusters or none: consumed, not retried forever.
        deleteSqsMsgIfNodeNotFound: true,
        // With no internet path, the image comes through the account's pull-through cache.
        ...(source.imageCache ? { image: { repository: source.imageCache.imageUri(NTH_IMAGE), tag: NTH_IMAGE_TAG } } : {}),
      },
    });
    // It starts with its permissions and keeps them until uninstalled; it runs on the nodes.
    this.chart.node.addDependency(this.role, this.policy, association);
    cluster.waitForCapacity(this.chart);

    // Acknowledgements
    acknowledge(this.queue, 'AwsSolutions-SQS3',
      'The termination queue holds EventBridge notifications that are worthless after a few minutes (retention 5 minutes); a message NTH cannot process has nothing to retry from a dead-letter queue.');
    acknowledgeControlTower(this.queue, 'sqs_dlq_check',
      'The termination queue holds EventBridge notifications that are worthless after a few minutes (retention 5 minutes); a message NTH cannot process has nothing to retry from a dead-letter queue.');
    acknowledge(this.policy, 'AwsSolutions-IAM5[Resource::*]',
      'autoscaling:DescribeAutoScalingInstances, autoscaling:DescribeTags and ec2:DescribeInstances support no resource-level permissions; they are read-only. Writes (CompleteLifecycleAction, queue reads) are scoped to the registered groups and the one queue.');
  }

  /**
   * Lets the handler drain `group`'s instances before they terminate and hold new ones until their
   * node is Ready: lifecycle hooks, the managed tag, and CompleteLifecycleAction on the group.
   */
  public serve(group: autoscaling.AutoScalingGroup): void {
    this.groupNames.push(group.autoScalingGroupName);
    const groupId = Stack.of(group).getLogicalId(group.node.defaultChild as CfnElement);
    const { region, account } = findingEnv(this.policy);
    acknowledge(this.policy, `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:autoscaling:${region}:${account}:autoScalingGroup:*:autoScalingGroupName/<${groupId}>]`,
      'An Auto Scaling group ARN contains a UUID unknown until the group exists; CompleteLifecycleAction is scoped to this one group by name.');
    group.addLifecycleHook('DrainHook', {
      lifecycleTransition: autoscaling.LifecycleTransition.INSTANCE_TERMINATING,
      heartbeatTimeout: NTH_HOOK_TIMEOUT,
      // When the handler cannot answer (not installed yet, down), the instance still goes.
      defaultResult: autoscaling.DefaultResult.CONTINUE,
    });
    group.addLifecycleHook('ReadyHook', {
      lifecycleTransition: autoscaling.LifecycleTransition.INSTANCE_LAUNCHING,
      heartbeatTimeout: NTH_HOOK_TIMEOUT,
      // CONTINUE, not ABANDON: a handler that is down must not make the group replace nodes forever.
      defaultResult: autoscaling.DefaultResult.CONTINUE,
    });
  }
}
