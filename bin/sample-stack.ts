import { KubectlV36Layer } from '@aws-cdk/lambda-layer-kubectl-v36';
import { Aws, Duration, RemovalPolicy, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';
// From the defining files, not the package index: the app loads only the constructs it uses.
import { EksCluster } from '../lib/cluster/eks-cluster';
import { WorkloadRole } from '../lib/cluster/workload-role';
import { NodeMode, NodeModeType } from '../lib/compute/node-mode';
import { AlbIngress } from '../lib/ingress/alb-ingress';
import { CustomerVpc } from '../lib/network/customer-vpc';
import { EksPlatform } from '../lib/platform/eks-platform';
import { ImageCache } from '../lib/network/image-cache';
import { EbsCsiStorage } from '../lib/storage/ebs-csi-storage';
import { EfsCsiStorage } from '../lib/storage/efs-csi-storage';
import { EFS_CLAIM, sampleWorkloads } from './workloads';

/** The namespace of the sample workloads. */
export const SAMPLE_NAMESPACE = 'sample';
/** The service account of the content loader Job. */
export const CONTENT_LOADER = 'content-loader';

/** The node modes the sample app can be synthesized with, by their context value. */
export const NODE_MODES: Record<string, () => NodeMode> = {
  'managed': () => NodeMode.managed(),
  'self-managed': () => NodeMode.selfManaged(),
  // The sample namespace runs on Fargate too; kube-system is covered by the mode itself.
  'fargate': () => NodeMode.fargate({ selectors: [{ namespace: 'default' }, { namespace: SAMPLE_NAMESPACE }], logging: true }),
  'auto-mode': () => NodeMode.autoMode(),
};

/** Props of {@link SampleStack}. */
export interface SampleStackProps extends StackProps {
  /** The node mode. */
  readonly nodeMode: NodeMode;

  /**
   * The platform's name: publishes the cluster's identity to SSM parameters for app teams.
   *
   * @default - not published
   */
  readonly platformName?: string;

  /**
   * IAM principals that get cluster admin access.
   *
   * @default - none
   */
  readonly clusterAdminPrincipalArns?: string[];

  /**
   * Build the private variant: a VPC with no internet path (isolated subnets and VPC endpoints),
   * images pulled through an ECR pull-through cache, the controller chart from private ECR.
   *
   * @default false
   */
  readonly privateCluster?: boolean;

  /**
   * The OCI reference of the AWS Load Balancer Controller chart in private ECR, for the private
   * variant (docs/PRIVATE-CLUSTERS.md says how to copy it there).
   *
   * @default - `oci://<this account>.dkr.ecr.<this region>.<url suffix>/charts/aws-load-balancer-controller`
   */
  readonly albChartRepository?: string;

  /**
   * The OCI reference of the AWS Node Termination Handler chart in private ECR, for the private
   * variant with self-managed nodes (their drain).
   *
   * @default - `oci://<this account>.dkr.ecr.<this region>.<url suffix>/charts/aws-node-termination-handler`
   */
  readonly drainChartRepository?: string;

  /**
   * The Kubernetes version (`-c kubernetesVersion=1.35`); upgrade one minor version per deploy.
   *
   * @default - the library's default, KubernetesVersions.DEFAULT
   */
  readonly kubernetesVersion?: eks.KubernetesVersion;

  /**
   * What `cdk destroy` does with the stateful parts (`-c removalPolicy=destroy` for a throw-away
   * stack). See docs/LIFECYCLE.md.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The documented EKS architecture in one stack: the customer VPC, a private, encrypted cluster
 * with the chosen node mode and its core add-ons, EBS and EFS storage, ingress, and workloads.
 */
export class SampleStack extends Stack {
  public readonly network: CustomerVpc;
  /** The pull-through cache images come through in the private variant. */
  public readonly imageCache?: ImageCache;
  public readonly cluster: EksCluster;
  public readonly ingress: AlbIngress;
  public readonly ebs?: EbsCsiStorage;
  public readonly efs: EfsCsiStorage;
  public readonly platform: EksPlatform;
  public readonly contentBucket: s3.Bucket;
  public readonly contentKey: kms.Key;
  public readonly accessLogsBucket: s3.Bucket;
  public readonly contentLoaderRole: WorkloadRole;
  public readonly workloads: eks.KubernetesManifest;

  public constructor(scope: Construct, id: string, props: SampleStackProps) {
    super(scope, id, props);
    // Server access logs are delivered under a bucket policy, not ACLs (the log bucket keeps ACLs
    // disabled, BucketOwnerEnforced); set here, before any child, so it holds in every app.
    this.node.setContext(cxapi.S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, true);

    const privateCluster = props.privateCluster ?? false;
    const autoMode = props.nodeMode.type === NodeModeType.AUTO_MODE;
    // With no internet path, every image comes through an ECR pull-through cache of ECR Public,
    // and the controller chart from private ECR (Auto Mode needs no chart).
    const imageCache = privateCluster ? new ImageCache(this, 'ImageCache') : undefined;
    const privateEcr = (chart: string) => `oci://${Aws.ACCOUNT_ID}.dkr.ecr.${Aws.REGION}.${Aws.URL_SUFFIX}/charts/${chart}`;
    // Self-managed nodes drain through the AWS Node Termination Handler, whose chart and image must
    // come from inside the account too (the sample's self-managed mode has no other options).
    const nodeMode = privateCluster && props.nodeMode.type === NodeModeType.SELF_MANAGED
      ? NodeMode.selfManaged({ drainChartRepository: props.drainChartRepository ?? privateEcr('aws-node-termination-handler'), imageCache })
      : props.nodeMode;

    // The platform, built the one way the library offers: VPC, cluster, storage and ingress. Its
    // id `Default` is left out of logical IDs, so its parts keep the IDs they had in this stack.
    // One removal policy for the whole platform: what is kept keeps working (docs/LIFECYCLE.md).
    const removalPolicy = props.removalPolicy;
    this.platform = new EksPlatform(this, 'Default', {
      removalPolicy,
      network: { privateCluster },
      cluster: {
        nodeMode,
        kubernetesVersion: props.kubernetesVersion,
        clusterAdminPrincipalArns: props.clusterAdminPrincipalArns,
      },
      // The platform grants the node roles pulls through the cache and gives it to the controller.
      imageCache,
      ingressOptions: privateCluster && !autoMode ? { chartRepository: props.albChartRepository ?? privateEcr('aws-load-balancer-controller') } : undefined,
      // kubectl 1.36 talks to 1.35 and 1.37 too (one minor either way).
      kubectlLayer: new KubectlV36Layer(this, 'KubectlLayer'),
      platformName: props.platformName,
    });
    this.network = this.platform.network;
    this.cluster = this.platform.cluster;
    this.ebs = this.platform.ebs;
    this.efs = this.platform.efs!;
    this.ingress = this.platform.ingress!;
    this.imageCache = imageCache;
    const fargate = this.cluster.nodeModeType === NodeModeType.FARGATE;

    // What the content loader really does: read the site content from one bucket, encrypted with
    // its own key, its server access logs kept in a second bucket.
    this.contentKey = new kms.Key(this, 'ContentKey', {
      description: 'Encrypts the sample content bucket',
      enableKeyRotation: true,
      removalPolicy: removalPolicy ?? RemovalPolicy.RETAIN,
    });
    // Grants only for AWS resources (S3 uses none; the AWS Control Tower proactive control CT.KMS.PR.3 asks for this statement).
    this.contentKey.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'DenyGrantsExceptForAwsResources',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:CreateGrant'],
      resources: ['*'],
      conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
    }));
    this.accessLogsBucket = new s3.Bucket(this, 'AccessLogsBucket', {
      // Server access logs can be delivered only to a bucket encrypted with S3 managed keys.
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: Duration.days(365), noncurrentVersionExpiration: Duration.days(30), abortIncompleteMultipartUploadAfter: Duration.days(7) }],
      // Deleted only when empty: empty it (every version) before destroying a DESTROY stack.
      removalPolicy: removalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.contentBucket = new s3.Bucket(this, 'ContentBucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.contentKey,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'content-bucket/',
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(90), abortIncompleteMultipartUploadAfter: Duration.days(7) }],
      // Deleted only when empty: empty it (every version) before destroying a DESTROY stack.
      removalPolicy: removalPolicy ?? RemovalPolicy.RETAIN,
    });
    // Object events to EventBridge, set on the bucket itself (no notifications custom resource).
    for (const bucket of [this.contentBucket, this.accessLogsBucket]) {
      (bucket.node.defaultChild as s3.CfnBucket).notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };
    }
    this.contentLoaderRole = new WorkloadRole(this, 'ContentLoaderRole', {
      cluster: this.cluster, namespace: SAMPLE_NAMESPACE, serviceAccount: CONTENT_LOADER,
    });
    // A customer managed policy, not an inline one (the NIST, HIPAA and PCI packs' IAMNoInlinePolicy).
    const contentReadPolicy = new iam.ManagedPolicy(this, 'ContentReadPolicy', {
      description: 'Lets the sample content loader read site/ of the content bucket',
      roles: [this.contentLoaderRole.role],
      statements: [
        new iam.PolicyStatement({
          actions: ['s3:ListBucket'],
          resources: [this.contentBucket.bucketArn],
          conditions: { StringLike: { 's3:prefix': ['site/*'] } },
        }),
        new iam.PolicyStatement({
          actions: ['s3:GetObject'],
          resources: [this.contentBucket.arnForObjects('site/*')],
        }),
        new iam.PolicyStatement({
          actions: ['kms:Decrypt'],
          resources: [this.contentKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `s3.${this.region}.amazonaws.com` } },
        }),
      ],
    });

    // On Fargate the EFS driver is built in but static only: one pre-provisioned volume, bound to the claim.
    const objects = sampleWorkloads({
      namespace: SAMPLE_NAMESPACE,
      ebsStorageClass: this.ebs?.storageClassName,
      efsStorageClass: fargate ? undefined : this.efs.storageClassName,
      contentBucketName: this.contentBucket.bucketName,
      contentLoaderServiceAccount: CONTENT_LOADER,
      contentLoaderServiceAccountAnnotations: this.contentLoaderRole.usesIrsa ? this.contentLoaderRole.serviceAccountAnnotations : undefined,
      ingressScheme: this.network.privateCluster ? 'internal' : 'internet-facing',
      image: (ref) => this.imageCache?.imageUri(ref) ?? ref,
    });
    const [namespace, ...rest] = objects;
    const cluster = this.cluster.cluster;
    const namespaceManifest = new eks.KubernetesManifest(this, 'SampleNamespace', { cluster, manifest: [namespace] });
    if (fargate) {
      this.efs.addStaticVolume('SharedContent', { name: EFS_CLAIM, namespace: SAMPLE_NAMESPACE, path: '/sample/shared-content', uid: 10001, gid: 10001 });
      this.efs.node.findChild('SharedContent').node.addDependency(namespaceManifest);
    }
    this.workloads = new eks.KubernetesManifest(this, 'SampleWorkloads', { cluster, manifest: rest });
    // The pods need capacity, their volumes' classes and the IngressClass; on delete they go first,
    // so the controller removes the ALB before it is uninstalled.
    this.cluster.waitForCapacity(this.workloads);
    this.workloads.node.addDependency(namespaceManifest, this.efs, this.ingress);
    if (this.ebs) {
      this.workloads.node.addDependency(this.ebs);
    }

    // Acknowledgements
    Validations.of(contentReadPolicy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${this.getLogicalId(this.contentBucket.node.defaultChild as s3.CfnBucket)}.Arn>/site/*]`,
      reason: 'The content loader reads every object under site/ of the one content bucket, and nothing else.',
    });
    Validations.of(this.accessLogsBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'The bucket that receives the content bucket\'s server access logs; logging it into itself would loop, and a third bucket would only move the finding.',
    });
    for (const pack of ['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321']) {
      Validations.of(this.accessLogsBucket).acknowledge({
        id: `${pack}-S3BucketLoggingEnabled`,
        reason: 'The bucket that receives the content bucket\'s server access logs; logging it into itself would loop, and a third bucket would only move the finding.',
      });
      Validations.of(this.accessLogsBucket).acknowledge({
        id: `${pack}-S3DefaultEncryptionKMS`,
        reason: 'S3 delivers server access logs only to a bucket encrypted with S3 managed keys (SSE-S3), not SSE-KMS.',
      });
      for (const bucket of [this.contentBucket, this.accessLogsBucket]) {
        Validations.of(bucket).acknowledge({
          id: `${pack}-S3BucketReplicationEnabled`,
          reason: 'A sample in one region: its content is redeployable from source and versioned; cross-region replication would need a second region\'s bucket and key.',
        });
      }
    }
    Validations.of(this.contentBucket).acknowledge({
      id: 'cdk-validator-cfnguard::s3_bucket_object_lock_enabled_check',
      reason: 'The site content is replaced by each content release; versioning and the retained bucket keep earlier versions for 90 days, and Object Lock would forbid removing them.',
    });
    Validations.of(this.accessLogsBucket).acknowledge({
      id: 'cdk-validator-cfnguard::s3_bucket_logging_enabled_check',
      reason: 'The bucket that receives the content bucket\'s server access logs; logging it into itself would loop, and a third bucket would only move the finding.',
    });
    Validations.of(this.accessLogsBucket).acknowledge({
      id: 'cdk-validator-cfnguard::s3_bucket_default_encryption_kms_check',
      reason: 'S3 delivers server access logs only to a bucket encrypted with S3 managed keys (SSE-S3), not SSE-KMS.',
    });
    Validations.of(this.accessLogsBucket).acknowledge({
      id: 'cdk-validator-cfnguard::s3_bucket_object_lock_enabled_check',
      reason: 'S3 does not deliver server access logs to a bucket with an Object Lock default retention period.',
    });
  }
}
