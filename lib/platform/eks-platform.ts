import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { CoreAddonsOptions } from '../addons/core-addons';
import { ControlPlaneComponentOptions, ControlPlaneEgressMode, SupportType } from '../cluster/control-plane';
import { EksCluster } from '../cluster/eks-cluster';
import { NodeMode, NodeModeType } from '../compute/node-mode';
import { AlbIngress, AlbIngressOptions } from '../ingress/alb-ingress';
import { CustomerVpc, CustomerVpcProps } from '../network/customer-vpc';
import { IImageCache, ImageCache } from '../network/image-cache';
import { checkKnownKeys, optionKeys } from '../private/known-keys';
import { PropErrors } from '../private/prop-errors';
import { EbsCsiStorage, EbsCsiStorageOptions } from '../storage/ebs-csi-storage';
import { EfsCsiStorage, EfsCsiStorageOptions } from '../storage/efs-csi-storage';
import { ClusterIdentity } from './cluster-identity';

/**
 * The cluster part of {@link EksPlatformProps}: `EksCluster`'s props without the VPC, which comes
 * from `network`. Each is passed to `EksCluster` as is, which validates it.
 */
export interface EksPlatformClusterOptions {
  /**
   * How the cluster gets compute, with its sizes.
   *
   * @default NodeMode.managed()
   */
  readonly nodeMode?: NodeMode;

  /**
   * The Kubernetes version.
   *
   * @default KubernetesVersions.DEFAULT (1.36)
   */
  readonly kubernetesVersion?: eks.KubernetesVersion;

  /**
   * The cluster's name.
   *
   * @default - a name derived from the construct path, stable across deploys
   */
  readonly clusterName?: string;

  /**
   * CIDR blocks allowed to reach the public API endpoint.
   *
   * @default - no public endpoint
   */
  readonly publicAccessCidrs?: string[];

  /**
   * Allow `0.0.0.0/0` in `publicAccessCidrs`.
   *
   * @default false
   */
  readonly allowPublicEndpointFromAnywhere?: boolean;

  /**
   * IAM principals (role or user ARNs) that get an access entry with the cluster admin policy.
   *
   * @default - none
   */
  readonly clusterAdminPrincipalArns?: string[];

  /**
   * The CIDR block Kubernetes Service IPs come from.
   *
   * @default - '172.20.0.0/16', or '10.100.0.0/16' when the VPC's CIDR is in 172.16.0.0/12
   */
  readonly serviceIpv4Cidr?: string;

  /**
   * KMS key that envelope-encrypts Kubernetes secrets and the control-plane log group.
   *
   * @default - a new customer-managed key with yearly rotation
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Retention of the control-plane log group.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * Versions and configuration of the core add-ons.
   *
   * @default - every add-on the node mode needs, at the versions pinned for the Kubernetes version
   */
  readonly coreAddons?: CoreAddonsOptions;

  /**
   * What happens to the cluster, its key, its log group and what it needs at run time when they
   * leave the stack.
   *
   * @default - the platform's `removalPolicy`
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * EKS deletion protection.
   *
   * @default - true, unless `removalPolicy` is `DESTROY`
   */
  readonly deletionProtection?: boolean;

  /**
   * The support policy once the version leaves standard support (see `EksClusterProps.supportType`).
   *
   * @default SupportType.STANDARD
   */
  readonly supportType?: SupportType;

  /**
   * EKS zonal shift (see `EksClusterProps.zonalShift`).
   *
   * @default true
   */
  readonly zonalShift?: boolean;

  /**
   * The provisioned control plane tier (see `EksClusterProps.controlPlaneScalingTier`).
   *
   * @default eks.ControlPlaneScalingTier.STANDARD
   */
  readonly controlPlaneScalingTier?: eks.ControlPlaneScalingTier;

  /**
   * How long a version upgrade can be rolled back (see `EksClusterProps.versionRollbackTimeout`).
   *
   * @default - no rollback window
   */
  readonly versionRollbackTimeout?: Duration;

  /**
   * How the control plane's egress is routed (see `EksClusterProps.controlPlaneEgressMode`).
   *
   * @default - EKS's default, AWS-managed routing
   */
  readonly controlPlaneEgressMode?: ControlPlaneEgressMode;

  /**
   * Settings of the control-plane components (see `EksClusterProps.controlPlaneComponents`).
   *
   * @default - EKS's defaults
   */
  readonly controlPlaneComponents?: ControlPlaneComponentOptions;
}

/**
 * Props of {@link EksPlatform}.
 */
export interface EksPlatformProps {
  /**
   * The customer VPC: the props of a new one (`privateCluster: true` for a private cluster), or
   * `{ vpc }` to use an existing one.
   *
   * @default - a new `CustomerVpc` with its defaults (3 AZs, one NAT gateway per AZ)
   */
  readonly network?: CustomerVpcProps;

  /**
   * The cluster: node mode and sizes, Kubernetes version, endpoint access, admin principals, core
   * add-ons.
   *
   * @default - `EksCluster`'s defaults: managed nodes, private endpoint, retained
   */
  readonly cluster?: EksPlatformClusterOptions;

  /**
   * The kubectl Lambda layer that matches the Kubernetes version (for example `KubectlV36Layer`
   * from `@aws-cdk/lambda-layer-kubectl-v36`), created in the platform's stack. Storage classes,
   * ingress and manifests need it. A platform without it carries no kubectl or AWS CLI layer
   * (about 60 MB of assets per environment): turn `ebs`, `efs` and `ingress` off then.
   *
   * @default - no kubectl provider
   */
  readonly kubectlLayer?: lambda.ILayerVersion;

  /**
   * Add EBS block storage (`EbsCsiStorage`). Fargate pods cannot attach EBS volumes.
   *
   * @default - true, except on Fargate
   */
  readonly ebs?: boolean;

  /**
   * Options of the EBS storage.
   *
   * @default - `EbsCsiStorage`'s defaults
   */
  readonly ebsOptions?: EbsCsiStorageOptions;

  /**
   * Add EFS shared file storage (`EfsCsiStorage`).
   *
   * @default true
   */
  readonly efs?: boolean;

  /**
   * Options of the EFS storage.
   *
   * @default - `EfsCsiStorage`'s defaults
   */
  readonly efsOptions?: EfsCsiStorageOptions;

  /**
   * Add ingress through Application Load Balancers (`AlbIngress`).
   *
   * @default true
   */
  readonly ingress?: boolean;

  /**
   * Options of the ingress.
   *
   * @default - `AlbIngress`'s defaults
   */
  readonly ingressOptions?: AlbIngressOptions;

  /**
   * The platform's name (a DNS-1123 label, unique per account and region). When set, the
   * cluster's identity is published to SSM parameters under
   * `/cdk-eks-architecture/<platformName>/cluster/` (see `ClusterIdentity`), for app teams to
   * import with `ClusterIdentity.importCluster()`.
   *
   * @default - the identity is not published
   */
  readonly platformName?: string;

  /**
   * One removal policy for the platform's stateful parts: the network, the cluster (with what it
   * needs at run time), and the EBS and EFS storage. A part's own `removalPolicy` wins.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * The ECR pull-through cache images come through on a network with no internet path. The
   * platform grants its node roles (or Fargate pod execution roles) pulls through it, and gives it
   * to the ingress controller (unless `ingressOptions` names one).
   *
   * @default - on a private network (`network.privateCluster`), a new `ImageCache`; none otherwise
   */
  readonly imageCache?: IImageCache;
}

const PROPS_KEYS = optionKeys<EksPlatformProps>({
  network: true, cluster: true, kubectlLayer: true, ebs: true, ebsOptions: true, efs: true, efsOptions: true,
  ingress: true, ingressOptions: true, platformName: true, removalPolicy: true, imageCache: true,
});
const CLUSTER_KEYS = optionKeys<EksPlatformClusterOptions>({
  nodeMode: true, kubernetesVersion: true, clusterName: true, publicAccessCidrs: true, allowPublicEndpointFromAnywhere: true,
  clusterAdminPrincipalArns: true, serviceIpv4Cidr: true, encryptionKey: true, logRetention: true, coreAddons: true,
  removalPolicy: true, deletionProtection: true, supportType: true, zonalShift: true, controlPlaneScalingTier: true,
  versionRollbackTimeout: true, controlPlaneEgressMode: true, controlPlaneComponents: true,
});

/**
 * The whole EKS architecture from one props object: the customer VPC (`Network`), the cluster with
 * its node mode and core add-ons (`Cluster`), EBS (`Ebs`) and EFS (`Efs`) storage, ingress
 * (`Ingress`), and optionally the cluster's published identity (`Identity`).
 *
 * A thin composition of the library's constructs, each of which validates its own props. Give it
 * the id `Default` to keep the logical IDs its parts would have directly in the stack (CDK leaves
 * `Default` out of logical IDs): a stack that composed them by hand switches to it without
 * replacing its cluster, keys or file systems.
 */
export class EksPlatform extends Construct {
  /** The customer VPC. */
  public readonly network: CustomerVpc;

  /** The cluster, the handle every capability takes. */
  public readonly cluster: EksCluster;

  /**
   * The EBS storage.
   *
   * @default - none when `ebs` is false or on Fargate
   */
  public readonly ebs?: EbsCsiStorage;

  /**
   * The EFS storage.
   *
   * @default - none when `efs` is false
   */
  public readonly efs?: EfsCsiStorage;

  /**
   * The ingress.
   *
   * @default - none when `ingress` is false
   */
  public readonly ingress?: AlbIngress;

  /**
   * The published cluster identity.
   *
   * @default - none without `platformName`
   */
  public readonly identity?: ClusterIdentity;

  /**
   * The pull-through cache images come through.
   *
   * @default - none on a network with an internet path, unless `imageCache` was given
   */
  public readonly imageCache?: IImageCache;

  public constructor(scope: Construct, id: string, props: EksPlatformProps = {}) {
    super(scope, id);

    // Defaults
    const clusterOptions = props.cluster ?? {};
    const fargate = (clusterOptions.nodeMode ?? NodeMode.managed()).type === NodeModeType.FARGATE;
    const ebs = props.ebs ?? !fargate;

    // Validation: only what is the platform's own; each part validates its props
    const errors = new PropErrors(this, 'EksPlatform');
    checkKnownKeys(errors, props, PROPS_KEYS, 'EksPlatform');
    checkKnownKeys(errors, clusterOptions, CLUSTER_KEYS, 'EksPlatform cluster');
    for (const [flag, optionsProp, given] of [
      ['ebs', 'ebsOptions', ebs], ['efs', 'efsOptions', props.efs ?? true], ['ingress', 'ingressOptions', props.ingress ?? true],
    ] as const) {
      errors.check(given || props[optionsProp] === undefined, optionsProp, 'options', `cannot be given with ${flag}: false; turn ${flag} on or leave them out`);
    }
    errors.throwIfAny();

    // Children
    const removalPolicy = props.removalPolicy;
    this.network = new CustomerVpc(this, 'Network', { removalPolicy, ...props.network });
    const imageCache = props.imageCache ?? (this.network.privateCluster ? new ImageCache(this, 'ImageCache') : undefined);
    this.cluster = new EksCluster(this, 'Cluster', {
      removalPolicy,
      ...clusterOptions,
      vpc: this.network.vpc,
      kubectlLayer: props.kubectlLayer,
    });
    // Whatever pulls images (node roles, Fargate pod execution roles) may pull through the cache.
    if (imageCache) {
      const capacity = this.cluster.capacity;
      for (const role of [capacity.nodeRole, ...(capacity.fargateProfiles ?? []).map((p) => p.podExecutionRole)]) {
        if (role) {
          imageCache.grantPull(role);
        }
      }
    }
    if (ebs) {
      this.ebs = new EbsCsiStorage(this, 'Ebs', { removalPolicy, ...props.ebsOptions, cluster: this.cluster });
    }
    if (props.efs ?? true) {
      this.efs = new EfsCsiStorage(this, 'Efs', { removalPolicy, ...props.efsOptions, cluster: this.cluster });
    }
    if (props.ingress ?? true) {
      // The controller's image comes through the cache (Auto Mode installs no controller).
      const viaCache = imageCache && this.cluster.nodeModeType !== NodeModeType.AUTO_MODE ? { imageCache } : {};
      this.ingress = new AlbIngress(this, 'Ingress', { ...viaCache, ...props.ingressOptions, cluster: this.cluster });
    }
    if (props.platformName !== undefined) {
      this.identity = new ClusterIdentity(this, 'Identity', { cluster: this.cluster, platformName: props.platformName });
    }
    this.imageCache = imageCache;
  }
}
