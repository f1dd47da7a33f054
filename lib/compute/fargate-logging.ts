import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { IEksCluster } from '../cluster/i-eks-cluster';
import { checkKubectlProvider, requireClusterHandle } from '../private/cluster-facts';
import { checkKnownKeys, optionKeys } from '../private/known-keys';
import { warnIfDestroyed } from '../private/lifecycle';
import { checkEncryptionKey } from '../private/kms-rules';
import { logsEncryptionKey } from '../private/logs-key';
import { PropErrors } from '../private/prop-errors';

/** Options of Fargate logging, shared by {@link FargateLogging} and `NodeMode.fargate()`. */
export interface FargateLoggingOptions {
  /**
   * Retention of the Fargate container log group.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * KMS key that encrypts the log group. Its key policy must let CloudWatch Logs use it.
   *
   * @default - a new key with rotation on
   */
  readonly logEncryptionKey?: kms.IKey;

  /**
   * What happens to the log group and its key when they leave the stack.
   *
   * @default RemovalPolicy.RETAIN; under `NodeMode.fargate()`, the cluster's `removalPolicy`
   */
  readonly logRemovalPolicy?: RemovalPolicy;
}

/** Props of {@link FargateLogging}. */
export interface FargateLoggingProps extends FargateLoggingOptions {
  /**
   * The cluster: an `EksCluster`, or any aws-eks-v2 cluster through `EksCluster.fromCluster()`. It
   * needs a kubectl provider (`kubectlLayer` on `EksCluster`, `kubectlProviderOptions` on
   * eks.Cluster): the logging configuration is a Kubernetes ConfigMap.
   */
  readonly cluster: IEksCluster;
}

const PROPS_KEYS = optionKeys<FargateLoggingProps>({ logRetention: true, logEncryptionKey: true, logRemovalPolicy: true, cluster: true });

/**
 * Container logs of Fargate pods to CloudWatch Logs, through the Fluent Bit router built into
 * Fargate: the `aws-observability` namespace and its `aws-logging` ConfigMap, a log group with
 * retention and KMS encryption (retained by default), and {@link grantWrite} for pod execution roles.
 * On an `EksCluster` made with `NodeMode.fargate({ logging: true })`, every Fargate profile of the
 * cluster is granted; elsewhere call `grantWrite` with each profile's `podExecutionRole`.
 */
export class FargateLogging extends Construct {
  /** The log group Fargate pods write to. */
  public readonly logGroup: logs.ILogGroup;

  /** The key that encrypts the log group. */
  public readonly encryptionKey: kms.IKey;

  private readonly grantedRoles: iam.IRole[] = [];
  private writePolicy?: iam.ManagedPolicy;

  public constructor(scope: Construct, id: string, props: FargateLoggingProps) {
    super(scope, id);
    requireClusterHandle(this, 'FargateLogging', props.cluster);

    // Defaults
    const removalPolicy = props.logRemovalPolicy ?? RemovalPolicy.RETAIN;

    // Validation
    const errors = new PropErrors(this, 'FargateLogging');
    checkKnownKeys(errors, props, PROPS_KEYS, 'FargateLogging');
    checkKubectlProvider(errors, props.cluster.kubectlProvider, 'Fargate logging, a Kubernetes ConfigMap,');
    checkEncryptionKey(errors, this, 'logEncryptionKey', props.logEncryptionKey);
    errors.throwIfAny();
    warnIfDestroyed(this, props.logRemovalPolicy, 'the Fargate container log group and its key');

    // Children
    const stack = Stack.of(this);
    const encryptionKey = logsEncryptionKey(this, 'EncryptionKey', props.logEncryptionKey,
      `Encrypts the Fargate container logs of ${this.node.path}`, removalPolicy);
    const logGroup = new logs.LogGroup(this, 'LogGroup', {
      logGroupName: `/aws/eks/${props.cluster.clusterName}/fargate`,
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      encryptionKey,
      removalPolicy,
    });

    new eks.KubernetesManifest(this, 'Manifest', {
      cluster: props.cluster.cluster,
      manifest: [
        {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: 'aws-observability', labels: { 'aws-observability': 'enabled' } },
        },
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'aws-logging', namespace: 'aws-observability' },
          data: {
            'flb_log_cw': 'false',
            'filters.conf': [
              '[FILTER]',
              '    Name parser',
              '    Match *',
              '    Key_name log',
              '    Parser crio',
              '[FILTER]',
              '    Name kubernetes',
              '    Match kube.*',
              '    Merge_Log On',
              '    Keep_Log Off',
              '    Buffer_Size 0',
              '    Kube_Meta_Cache_TTL 300s',
              '',
            ].join('\n'),
            'output.conf': [
              '[OUTPUT]',
              '    Name cloudwatch_logs',
              '    Match kube.*',
              `    region ${stack.region}`,
              `    log_group_name ${logGroup.logGroupName}`,
              '    log_stream_prefix fargate-',
              '    auto_create_group false',
              '',
            ].join('\n'),
            'parsers.conf': [
              '[PARSER]',
              '    Name crio',
              '    Format Regex',
              '    Regex ^(?<time>[^ ]+) (?<stream>stdout|stderr) (?<logtag>P|F) (?<log>.*)$',
              '    Time_Key time',
              '    Time_Format %Y-%m-%dT%H:%M:%S.%L%z',
              '',
            ].join('\n'),
          },
        },
      ],
    });

    // Public fields
    this.logGroup = logGroup;
    this.encryptionKey = encryptionKey;
  }

  /** Lets a Fargate pod execution role write container logs to the log group. */
  public grantWrite(role: iam.IRole): void {
    if (this.grantedRoles.includes(role)) {
      return;
    }
    this.grantedRoles.push(role);
    // One customer managed policy for every role, not inline statements (the NIST, HIPAA and PCI
    // packs' IAMNoInlinePolicy).
    this.writePolicy ??= new iam.ManagedPolicy(this, 'WritePolicy', {
      description: `Lets Fargate pod execution roles write container logs to the log group of ${this.node.path}`,
      statements: [new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      })],
    });
    this.writePolicy.attachToRole(role);
  }
}
