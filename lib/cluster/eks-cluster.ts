import { Annotations, CfnElement, CfnResource, Duration, Names, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cxapi from 'aws-cdk-lib/cx-api';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, DependencyGroup, IConstruct } from 'constructs';
import { CoreAddons, CoreAddonsOptions } from '../addons/core-addons';
import { FargateLogging } from '../compute/fargate-logging';
import { FargateProfile, FargateProfileOptions } from '../compute/fargate-profile';
import { ManagedNodeGroup, ManagedNodeGroupOptions } from '../compute/managed-node-group';
import { NodeCapacity, NodeMode, NodeModeType } from '../compute/node-mode';
import { SelfManagedNodes, SelfManagedNodesOptions } from '../compute/self-managed-nodes';
import { AlbIngress, AlbIngressOptions } from '../ingress/alb-ingress';
import { acknowledge, acknowledgeInPacks, HIPAA, NIST, PCI } from '../private/acknowledge';
import { checkEgressMode, checkSupportType, componentConfigs, rollbackConfig } from '../private/control-plane';
import { accountRegionKey, claim } from '../private/app-registry';
import { checkPrincipalArns, checkPublicAccessCidrs, warnExplicitName, warnKubectlSkew, warnNoClusterAdmin } from '../private/cluster-rules';
import { cidrsOverlap, cidrWithin, isIpv4Cidr, literalVpcCidr } from '../private/cidr';
import { checkVpcEndpoints, KUBECTL_PROVIDER_ENDPOINTS } from '../private/endpoints';
import { _ImportedEksCluster } from '../private/imported-eks-cluster';
import { checkKnownKeys, optionKeys } from '../private/known-keys';
import { dropDependenciesOn, warnIfDestroyed } from '../private/lifecycle';
import { checkEncryptionKey } from '../private/kms-rules';
import { logsEncryptionKey } from '../private/logs-key';
import { endpointsNodesNeed, warnMissingPrivateEndpoints } from '../private/network-rules';
import { PropErrors } from '../private/prop-errors';
import { checkSpansTwoAzs, isIsolatedOnly, privateSubnetSelection, selectSubnetsOrNone } from '../private/subnets';
import { checkTagsAtSynth } from '../private/tag-rules';
import { EbsCsiStorage, EbsCsiStorageOptions } from '../storage/ebs-csi-storage';
import { EfsCsiStorage, EfsCsiStorageOptions } from '../storage/efs-csi-storage';
import { FsxLustreCsiStorage, FsxLustreCsiStorageOptions } from '../storage/fsx-lustre-csi-storage';
import { ControlPlaneComponentOptions, ControlPlaneEgressMode, SupportType } from './control-plane';
import { IEksCluster } from './i-eks-cluster';
import {
  DEFAULT_KUBERNETES_VERSION, standardSupportEndedBeforeTable, SUPPORTED_KUBERNETES_VERSIONS, VERSION_TABLE_AS_OF,
} from '../private/kubernetes-versions';
import { warn } from '../private/warnings';
import { WorkloadRole, WorkloadRoleOptions } from './workload-role';

/** All five control-plane log types. */
const ALL_LOG_TYPES = [
  eks.ClusterLoggingTypes.API,
  eks.ClusterLoggingTypes.AUDIT,
  eks.ClusterLoggingTypes.AUTHENTICATOR,
  eks.ClusterLoggingTypes.CONTROLLER_MANAGER,
  eks.ClusterLoggingTypes.SCHEDULER,
];

/** The resource types that start nodes or pods: they need the networking add-ons and egress first. */
const LAUNCHES_NODES = ['AWS::EKS::Nodegroup', 'AWS::AutoScaling::AutoScalingGroup', 'AWS::EKS::FargateProfile'];

const CLUSTER_NAME_PATTERN = /^[0-9A-Za-z][A-Za-z0-9_-]*$/;

/**
 * Props of {@link EksCluster}.
 */
export interface EksClusterProps {
  /**
   * The customer VPC. The control plane's network interfaces go into its private subnets (isolated
   * subnets for a private cluster), which must span at least 2 Availability Zones.
   */
  readonly vpc: ec2.IVpc;

  /**
   * Where the control plane's network interfaces go.
   *
   * @default - the VPC's private subnets in every AZ (isolated ones when it has no private subnets)
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * How the cluster gets compute: managed node groups, self-managed nodes, Fargate or Auto Mode.
   *
   * @default NodeMode.managed()
   */
  readonly nodeMode?: NodeMode;

  /**
   * The Kubernetes version. Must be one of `KubernetesVersions.SUPPORTED`.
   *
   * @default KubernetesVersions.DEFAULT (1.36)
   */
  readonly kubernetesVersion?: eks.KubernetesVersion;

  /**
   * The CIDR block Kubernetes Service IPs come from: an RFC 1918 block from /12 to /24 that does
   * not overlap the VPC. Set on the cluster (and so fixed at creation) and told to self-managed
   * nodes from there. Changing it replaces the cluster.
   *
   * @default '172.20.0.0/16', or '10.100.0.0/16' when the VPC's CIDR is in 172.16.0.0/12 (the
   * blocks EKS itself chooses between)
   */
  readonly serviceIpv4Cidr?: string;

  /**
   * The cluster's name: 1 to 100 characters, a letter or digit first, then letters, digits,
   * hyphens and underscores. Changing it replaces the cluster.
   *
   * @default - a name derived from the construct path, stable across deploys
   */
  readonly clusterName?: string;

  /**
   * CIDR blocks allowed to reach the public API endpoint. When empty, the endpoint is private
   * only and is reachable from inside the VPC (and networks connected to it).
   *
   * @default - no public endpoint
   */
  readonly publicAccessCidrs?: string[];

  /**
   * Allow `0.0.0.0/0` in `publicAccessCidrs`, opening the API endpoint to the whole internet
   * (still behind authentication). Meant for short-lived experiments only.
   *
   * @default false
   */
  readonly allowPublicEndpointFromAnywhere?: boolean;

  /**
   * KMS key that envelope-encrypts Kubernetes secrets in etcd and the control-plane log group. A
   * key you bring must let the cluster role use it and, for the logs, CloudWatch Logs.
   *
   * @default - a new customer-managed key with yearly rotation
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Retention of the control-plane log group (api, audit, authenticator, controllerManager,
   * scheduler logs).
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * IAM principals (role or user ARNs) that get an access entry with the cluster admin policy.
   * The identity that deploys the stack gets no implicit admin access.
   *
   * @default - none: only the roles you grant, and the kubectl provider's role when there is one
   */
  readonly clusterAdminPrincipalArns?: string[];

  /**
   * Versions and configuration of the core add-ons (vpc-cni, coredns, kube-proxy, the Pod Identity
   * agent, metrics-server), which the cluster always installs as EKS managed add-ons, pinned to
   * `kubernetesVersion`. Which of them a node mode needs is decided by the mode (Auto Mode has most built in).
   *
   * @default - every add-on the node mode needs, at the versions pinned for `version`
   */
  readonly coreAddons?: CoreAddonsOptions;

  /**
   * The kubectl Lambda layer that matches `kubernetesVersion` (for example `KubectlV36Layer` from
   * `@aws-cdk/lambda-layer-kubectl-v36`). Setting it adds the kubectl provider, which Helm charts
   * and Kubernetes manifests need. Without it the stack has no kubectl Lambda.
   *
   * @default - no kubectl provider
   */
  readonly kubectlLayer?: lambda.ILayerVersion;

  /**
   * What happens to the cluster, and to everything it needs to keep running, when they leave the
   * stack: its KMS key, log group, IAM role, control-plane security group and the access entries of
   * `clusterAdminPrincipalArns` all get this policy, so a retained cluster keeps working (give the
   * `CustomerVpc` the same policy: it keeps the subnets the control plane sits in). For a throw-away
   * dev stack use `RemovalPolicy.DESTROY`, which also turns deletion protection off and warns.
   * See docs/LIFECYCLE.md.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * EKS deletion protection: the cluster cannot be deleted until it is turned off.
   *
   * @default - true, unless `removalPolicy` is `DESTROY`
   */
  readonly deletionProtection?: boolean;

  /**
   * What EKS does when the cluster's Kubernetes version leaves standard support
   * (`UpgradePolicy.SupportType`). EKS's own default is `EXTENDED`, which starts billing the
   * extended-support price (about 6 times the standard control-plane price) the day standard support
   * ends, often unnoticed until the bill. `STANDARD` lets EKS upgrade the control plane instead;
   * choose `EXTENDED` deliberately, with its cost. Dates per version: `KubernetesVersions.standardSupportEnds()`.
   *
   * @default SupportType.STANDARD
   */
  readonly supportType?: SupportType;

  /**
   * Amazon Application Recovery Controller zonal shift for the cluster (`ZonalShiftConfig`): when
   * an Availability Zone is impaired, traffic to the control plane's and load balancers' endpoints
   * in it can be shifted away (and AWS may do it for you with zonal autoshift). No charge. The
   * control plane always spans at least 2 AZs here, which zonal shift needs.
   *
   * @default true
   */
  readonly zonalShift?: boolean;

  /**
   * The provisioned control-plane scaling tier (`ControlPlaneScalingConfig.Tier`). Tiers above
   * `STANDARD` reserve control-plane capacity for large or bursty clusters and are billed per hour
   * on top of the cluster price.
   *
   * @default eks.ControlPlaneScalingTier.STANDARD
   */
  readonly controlPlaneScalingTier?: eks.ControlPlaneScalingTier;

  /**
   * How long a Kubernetes version rollback may run before EKS cancels it (`RollbackConfig.TimeoutMinutes`),
   * whole minutes from 2 hours to 7 days.
   *
   * @default - EKS's default, 12 hours
   */
  readonly versionRollbackTimeout?: Duration;

  /**
   * Who routes the traffic the API server starts (admission webhooks, OIDC discovery, aggregated
   * APIs): EKS, or your VPC (`ResourcesVpcConfig.ControlPlaneEgressMode`). `CUSTOMER_ROUTED` is
   * one-way: EKS never lets the cluster go back, and in a private cluster the API server then
   * reaches only what your subnets route to (VPC endpoints, peered networks). See docs/CLUSTER.md.
   *
   * @default - not set: EKS routes it (AWS_MANAGED)
   */
  readonly controlPlaneEgressMode?: ControlPlaneEgressMode;

  /**
   * Settings of the API server, scheduler and controller manager (event TTL, NodePort range,
   * scheduler scoring, pod garbage collection, HPA sync period).
   *
   * @default - the EKS defaults for every component
   */
  readonly controlPlaneComponents?: ControlPlaneComponentOptions;
}

/**
 * The facts of an aws-eks-v2 cluster that {@link EksCluster.fromCluster} cannot read off it.
 */
export interface EksClusterAttributes {
  /** The aws-eks-v2 cluster, created in this app or imported with `eks.Cluster.fromClusterAttributes`. */
  readonly cluster: eks.ICluster;

  /**
   * How the cluster runs pods. Required: it cannot be read off a cluster. Auto Mode must match the
   * cluster's compute configuration when the cluster is defined in this app.
   */
  readonly nodeModeType: NodeModeType;

  /**
   * The cluster's Kubernetes version. Must match the version of a cluster defined in this app.
   *
   * @default - the version of a cluster defined in this app; required for an imported cluster
   */
  readonly kubernetesVersion?: eks.KubernetesVersion;

  /**
   * The private subnets where the cluster's nodes and Fargate pods run.
   *
   * @default - the VPC's private subnets (isolated ones when it has no private subnets)
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * The cluster's service IPv4 CIDR. Must match the one set on a cluster defined in this app.
   *
   * @default - the one set on a cluster defined in this app; else unknown, and self-managed AL2023
   * nodes ask for it
   */
  readonly serviceIpv4Cidr?: string;

  /**
   * Every security group that traffic from the cluster's nodes and pods comes from. Required on
   * self-managed nodes, which carry a security group of their own.
   *
   * @default - the cluster security group
   */
  readonly nodeSecurityGroups?: ec2.ISecurityGroup[];

  /**
   * The cluster IAM role. Must be the role of a cluster defined in this app.
   *
   * @default - the role of a cluster defined in this app; else unknown, and Auto Mode block storage
   * asks for it
   */
  readonly clusterRole?: iam.IRole;

  /**
   * The cluster's capacity in this app (node groups, Auto Scaling groups, Fargate profiles, a Pod
   * Identity Agent add-on) that capabilities which run pods must wait for.
   *
   * @default - none: the capacity of an imported cluster exists already
   */
  readonly capacity?: IConstruct[];
}

const PROPS_KEYS = optionKeys<EksClusterProps>({
  vpc: true, vpcSubnets: true, nodeMode: true, kubernetesVersion: true, serviceIpv4Cidr: true, clusterName: true,
  publicAccessCidrs: true, allowPublicEndpointFromAnywhere: true, encryptionKey: true, logRetention: true,
  clusterAdminPrincipalArns: true, coreAddons: true, kubectlLayer: true, removalPolicy: true, deletionProtection: true,
  supportType: true, zonalShift: true, controlPlaneScalingTier: true, versionRollbackTimeout: true, controlPlaneEgressMode: true,
  controlPlaneComponents: true,
});

const COMPONENT_KEYS = optionKeys<ControlPlaneComponentOptions>({
  eventTtl: true, serviceNodePortRange: true, schedulerScoringStrategy: true, schedulerResourceWeights: true,
  terminatedPodGcThreshold: true, horizontalPodAutoscalerSyncPeriod: true,
});

/**
 * An EKS cluster (the control plane) with production defaults, and the handle every capability of
 * this library takes as `cluster`.
 *
 * It wraps aws-eks-v2's `Cluster` (a native `AWS::EKS::Cluster`) and replaces the defaults that
 * are unsafe in production: the API endpoint is private, secrets are encrypted with a rotating
 * customer-managed key, all five control-plane log types go to an encrypted log group with
 * retention, authentication uses access entries with no implicit admin, and the cluster, key and
 * log group are retained with deletion protection on.
 */
export class EksCluster extends Construct implements IEksCluster {
  /**
   * Adapts an aws-eks-v2 cluster (created in this app, or imported) to the handle capabilities
   * take, stating the facts that cannot be read off it. Facts that can be read are read; a stated
   * fact that contradicts the cluster, or a missing one, fails at synth naming it.
   */
  public static fromCluster(scope: Construct, id: string, attrs: EksClusterAttributes): IEksCluster {
    return new _ImportedEksCluster(scope, id, attrs);
  }

  /** The underlying aws-eks-v2 cluster (an `eks.Cluster`), for everything this construct does not wrap. */
  public readonly cluster: eks.ICluster;

  /** The cluster's name. */
  public readonly clusterName: string;

  /** The customer VPC. */
  public readonly vpc: ec2.IVpc;

  /** The subnets of the control plane's ENIs and of node capacity. */
  public readonly vpcSubnets: ec2.SubnetSelection;

  /** The key that encrypts Kubernetes secrets and the control-plane logs. */
  public readonly encryptionKey: kms.IKey;

  /** The control-plane log group, `/aws/eks/<cluster name>/cluster`. */
  public readonly controlPlaneLogGroup: logs.ILogGroup;

  /** The chosen node mode. */
  public readonly nodeMode: NodeMode;

  /** How the cluster runs pods: the node mode's type. */
  public readonly nodeModeType: NodeModeType;

  /** The capacity the node mode added: node group, self-managed nodes, Fargate profiles or the Auto Mode node role. */
  public readonly capacity: NodeCapacity;

  /** The Kubernetes version. */
  public readonly kubernetesVersion: eks.KubernetesVersion;

  /** What EKS does when the Kubernetes version leaves standard support. */
  public readonly supportType: SupportType;

  /**
   * The service IPv4 CIDR set on the cluster.
   *
   * @default - always set: the `serviceIpv4Cidr` prop or its default
   */
  public readonly serviceIpv4Cidr?: string;

  /**
   * The cluster IAM role.
   *
   * @default - always set: the role this construct creates
   */
  public readonly clusterRole?: iam.IRole;

  /**
   * The kubectl provider, when `kubectlLayer` was given.
   *
   * @default - none
   */
  public readonly kubectlProvider?: eks.IKubectlProvider;

  /** Whether the API endpoint is reachable only from inside the VPC. */
  public readonly endpointPrivateOnly: boolean;

  /** The core EKS managed add-ons. */
  public readonly coreAddons: CoreAddons;

  /**
   * The Fargate logging of the Fargate node mode, when turned on.
   *
   * @default - none
   */
  public readonly fargateLogging?: FargateLogging;

  private readonly capacityReady = new DependencyGroup();
  private readonly nodeTrafficSecurityGroups: ec2.ISecurityGroup[] = [];

  public constructor(scope: Construct, id: string, props: EksClusterProps) {
    super(scope, id);

    // Defaults
    const nodeMode = props.nodeMode ?? NodeMode.managed();
    const version = props.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const deletionProtection = props.deletionProtection ?? removalPolicy !== RemovalPolicy.DESTROY;
    const clusterName = props.clusterName ?? Names.uniqueResourceName(this, { maxLength: 100, separator: '-' });
    const vpcSubnets = props.vpcSubnets ?? privateSubnetSelection(props.vpc);
    const publicAccessCidrs = props.publicAccessCidrs ?? [];
    const isolated = isIsolatedOnly(props.vpc);
    const serviceIpv4Cidr = props.serviceIpv4Cidr ?? defaultServiceIpv4Cidr(props.vpc);
    const endpointPrivateOnly = publicAccessCidrs.length === 0 || isolated;
    const supportType = props.supportType ?? SupportType.STANDARD;
    const zonalShift = props.zonalShift ?? true;
    const scalingTier = props.controlPlaneScalingTier ?? eks.ControlPlaneScalingTier.STANDARD;

    // Validation
    const errors = new PropErrors(this, 'EksCluster');
    checkKnownKeys(errors, props, PROPS_KEYS, 'EksCluster');
    checkNodeMode(errors, nodeMode);
    validateClusterName(errors, clusterName);
    validateVersion(errors, version);
    validateServiceCidr(errors, serviceIpv4Cidr, props.vpc);
    const selected = selectSubnetsOrNone(props.vpc, vpcSubnets);
    checkSpansTwoAzs(errors, props.vpcSubnets ? 'vpcSubnets' : 'vpc', selected, 'the control plane and nodes');
    const publicIds = new Set(props.vpc.publicSubnets.map((s) => s.subnetId));
    errors.check(!selected.some((s) => publicIds.has(s.subnetId)), 'vpcSubnets', 'public subnets',
      'the control plane ENIs and nodes belong in private subnets');
    validatePublicAccess(errors, publicAccessCidrs, props.allowPublicEndpointFromAnywhere ?? false, isolated);
    errors.check(!(props.deletionProtection === true && removalPolicy === RemovalPolicy.DESTROY), 'deletionProtection', true,
      'cannot be true with removalPolicy DESTROY: the stack delete would fail on the protected cluster; leave it unset or use RETAIN');
    checkSupportType(errors, supportType);
    checkEgressMode(errors, props.controlPlaneEgressMode);
    const rollback = rollbackConfig(errors, props.versionRollbackTimeout);
    checkKnownKeys(errors, props.controlPlaneComponents ?? {}, COMPONENT_KEYS, 'EksCluster.controlPlaneComponents');
    const components = componentConfigs(errors, props.controlPlaneComponents);
    checkPrincipalArns(errors, 'clusterAdminPrincipalArns', props.clusterAdminPrincipalArns ?? []);
    checkEncryptionKey(errors, this, 'encryptionKey', props.encryptionKey);
    claim(errors, this, accountRegionKey(this), { prop: 'clusterName', what: 'cluster name', where: 'in the same account and Region' }, clusterName);
    errors.throwIfAny();
    warnIfDestroyed(this, props.removalPolicy, 'the cluster (etcd: every Kubernetes object), its encryption key and its control-plane logs');
    warnNoClusterAdmin(this, props.clusterAdminPrincipalArns);
    warnKubectlSkew(this, props.kubectlLayer, version.version);
    warnExplicitName(this, 'clusterName', props.clusterName, 'cluster');
    checkTagsAtSynth(this);
    if (isolated) {
      // At synth, once every endpoint of the VPC has been added.
      const needed = endpointsNodesNeed(nodeMode.type === NodeModeType.MANAGED || nodeMode.type === NodeModeType.SELF_MANAGED,
        nodeMode.type === NodeModeType.FARGATE);
      this.node.addValidation({ validate: () => { warnMissingPrivateEndpoints(this, props.vpc, needed); return []; } });
    }

    // IRSA (Fargate) uses aws-eks-v2's native AWS::IAM::OIDCProvider, not its custom resource:
    // a feature flag on this construct's own node, read by the cluster's public getter.
    this.node.setContext(cxapi.EKS_USE_NATIVE_OIDC_PROVIDER, true);

    // Children
    const encryptionKey = logsEncryptionKey(this, 'EncryptionKey', props.encryptionKey,
      `Encrypts the secrets and control-plane logs of EKS cluster ${clusterName}`, removalPolicy);

    const controlPlaneLogGroup = new logs.LogGroup(this, 'ControlPlaneLogGroup', {
      // EKS writes to this exact name; creating it first gives it our retention and key.
      logGroupName: `/aws/eks/${clusterName}/cluster`,
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      encryptionKey,
      removalPolicy,
    });

    // A customer managed policy, not an inline one (the NIST, HIPAA and PCI packs' IAMNoInlinePolicy):
    // the role is created with it, so the permission exists before the cluster is created with the key.
    const secretsEncryptionPolicy = new iam.ManagedPolicy(this, 'SecretsEncryptionPolicy', {
      description: `Lets EKS cluster ${clusterName} envelope-encrypt its secrets with its KMS key`,
      statements: [new iam.PolicyStatement({
        actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:DescribeKey', 'kms:CreateGrant'],
        resources: [encryptionKey.keyArn],
      })],
    });
    const role = new iam.Role(this, 'ClusterRole', {
      assumedBy: new iam.ServicePrincipal('eks.amazonaws.com'),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonEKSClusterPolicy'), secretsEncryptionPolicy],
    });

    const endpointAccess = endpointPrivateOnly
      ? eks.EndpointAccess.PRIVATE
      : eks.EndpointAccess.PUBLIC_AND_PRIVATE.onlyFrom(...publicAccessCidrs);

    // The kubectl provider's Lambdas run in the node subnets with a security group of their own
    // (not the EKS-created cluster security group), which may reach the API endpoint: the AWS
    // Control Tower proactive control CT.LAMBDA.PR.3 reads a Lambda function's security groups off
    // the template, and accepts only AWS::EC2::SecurityGroup resources there.
    const kubectlSecurityGroup = props.kubectlLayer ? new ec2.SecurityGroup(this, 'KubectlProviderSecurityGroup', {
      vpc: props.vpc,
      description: 'kubectl provider Lambdas of an EKS cluster: reach the private API endpoint, Helm repositories and AWS APIs',
      allowAllOutbound: true,
    }) : undefined;

    const cluster = new eks.Cluster(this, 'Cluster', {
      ...nodeMode._prepareCluster(this),
      vpc: props.vpc,
      vpcSubnets: [vpcSubnets],
      clusterName,
      version,
      serviceIpv4Cidr,
      role,
      endpointAccess,
      secretsEncryptionKey: encryptionKey,
      clusterLogging: ALL_LOG_TYPES,
      bootstrapClusterCreatorAdminPermissions: false,
      // The core add-ons are EKS managed add-ons (CoreAddons); no unmanaged copies beside them.
      bootstrapSelfManagedAddons: false,
      kubectlProviderOptions: props.kubectlLayer ? { kubectlLayer: props.kubectlLayer, securityGroups: [kubectlSecurityGroup!] } : undefined,
      controlPlaneScalingTier: scalingTier,
    });
    const cfnCluster = cluster.node.defaultChild as eks.CfnCluster;
    cfnCluster.deletionProtection = deletionProtection;
    cfnCluster.upgradePolicy = { supportType };
    cfnCluster.zonalShiftConfig = { enabled: zonalShift };
    cfnCluster.rollbackConfig = rollback;
    cfnCluster.kubeApiServerConfig = components.kubeApiServerConfig;
    cfnCluster.kubeSchedulerConfig = components.kubeSchedulerConfig;
    cfnCluster.kubeControllerManagerConfig = components.kubeControllerManagerConfig;
    if (props.controlPlaneEgressMode !== undefined) {
      // aws-eks-v2 builds ResourcesVpcConfig itself and has no prop for the egress mode.
      cfnCluster.addPropertyOverride('ResourcesVpcConfig.ControlPlaneEgressMode', props.controlPlaneEgressMode);
    }
    cfnCluster.applyRemovalPolicy(removalPolicy);
    cfnCluster.node.addDependency(controlPlaneLogGroup);
    // What a retained cluster needs to keep running stays with it: its role, its control-plane
    // security group and the admins' access entries (the key and log group got the policy above).
    role.applyRemovalPolicy(removalPolicy);
    // The kept cluster still decrypts its secrets through the role's managed policy.
    secretsEncryptionPolicy.applyRemovalPolicy(removalPolicy);
    (cluster.node.tryFindChild('ControlPlaneSecurityGroup') as ec2.SecurityGroup | undefined)?.applyRemovalPolicy(removalPolicy);
    // aws-eks-v2 makes the control plane wait for the whole VPC (NAT gateways, routes, flow logs);
    // it needs only its subnets, which it references. What needs egress waits for the VPC instead:
    // the capacity (below, registerCapacity) and the kubectl provider (aws-eks-v2 does that).
    dropDependenciesOn(cfnCluster, props.vpc);
    this.capacityReady.add(props.vpc);

    if (kubectlSecurityGroup) {
      const apiFromKubectl = new ec2.CfnSecurityGroupIngress(this, 'ApiFromKubectlProvider', {
        groupId: cluster.clusterSecurityGroupId,
        sourceSecurityGroupId: kubectlSecurityGroup.securityGroupId,
        ipProtocol: 'tcp',
        fromPort: 443,
        toPort: 443,
        description: 'kubectl provider Lambdas to the private API endpoint',
      });
      cluster.node.findChild('KubectlProvider').node.addDependency(apiFromKubectl);
    }

    for (const [i, arn] of (props.clusterAdminPrincipalArns ?? []).entries()) {
      cluster.grantClusterAdmin(`ClusterAdmin${i}`, arn).applyRemovalPolicy(removalPolicy);
    }

    // Public fields (before the add-ons and capacity, which read them from this handle)
    this.cluster = cluster;
    this.clusterName = cluster.clusterName;
    this.vpc = props.vpc;
    this.vpcSubnets = vpcSubnets;
    this.encryptionKey = encryptionKey;
    this.controlPlaneLogGroup = controlPlaneLogGroup;
    this.nodeMode = nodeMode;
    this.nodeModeType = nodeMode.type;
    this.kubernetesVersion = version;
    this.supportType = supportType;
    this.serviceIpv4Cidr = serviceIpv4Cidr;
    this.clusterRole = role;
    this.kubectlProvider = cluster.kubectlProvider;
    this.endpointPrivateOnly = endpointPrivateOnly;
    this.nodeTrafficSecurityGroups.push(cluster.clusterSecurityGroup);

    this.coreAddons = new CoreAddons(this, 'CoreAddons', { ...props.coreAddons, cluster: this });
    if (this.coreAddons.podIdentityAgent) {
      this.capacityReady.add(this.coreAddons.podIdentityAgent);
    }
    // Each piece of capacity registers itself: networking add-ons go before it, CoreDNS and
    // metrics-server after it.
    this.capacity = nodeMode._bind(this, this, removalPolicy);
    this.fargateLogging = this.capacity.fargateLogging;

    // Acknowledgements
    acknowledge(role, 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonEKSClusterPolicy]',
      'AmazonEKSClusterPolicy is the AWS managed policy EKS requires on the cluster role; AWS keeps it in step with the EKS service.');
    acknowledge(cfnCluster, 'CloudFormation-Validate::W9009',
      "aws-eks-v2 writes EncryptionConfig Resources ['secrets']: the schema marks the property deprecated, but it is how EKS is told to envelope-encrypt secrets.");
    this.acknowledgeKubectlProvider();

    // Warnings (legal but risky choices)
    if (props.controlPlaneEgressMode === ControlPlaneEgressMode.CUSTOMER_ROUTED) {
      warn(this, 'control-plane-egress-customer-routed',
        'controlPlaneEgressMode CUSTOMER_ROUTED is one-way: EKS never lets this cluster go back to AWS_MANAGED. The API server\'s ' +
        'webhook, OIDC discovery and aggregated-API traffic now follows your subnets\' routes, security groups and network ACLs' +
        (isolated ? '; these subnets are isolated, so only VPC endpoints and networks routed from the VPC are reachable' : '') +
        ' (docs/CLUSTER.md).');
    }
    const pastStandardSupport = standardSupportEndedBeforeTable(version.version);
    if (supportType === SupportType.STANDARD && pastStandardSupport !== undefined) {
      warn(this, 'version-past-standard-support',
        `Kubernetes ${version.version} left standard support on ${pastStandardSupport} (the version table of this release is of ` +
        `${VERSION_TABLE_AS_OF}): with supportType STANDARD, EKS upgrades such a control plane to the next version on its own, or may ` +
        'refuse to create it. Choose a version still in standard support (KubernetesVersions.SUPPORTED, docs/CLUSTER.md), or ' +
        'supportType EXTENDED and its price.');
    }
    if (supportType === SupportType.EXTENDED) {
      warn(this, 'extended-support',
        `supportType EXTENDED: once Kubernetes ${version.version} leaves standard support, this cluster is billed the extended-support ` +
        'price (about 6 times the standard control-plane price) until it is upgraded (docs/CLUSTER.md).');
    }
    if (isolated && this.kubectlProvider) {
      // The kubectl provider runs in the isolated subnets: the endpoints it calls are checked at
      // synth (lib/private/endpoints.ts), which is what aws-eks-v2's warning asks to ensure.
      this.node.addValidation({
        validate: () => checkVpcEndpoints(this, 'EksCluster', 'kubectlLayer', props.vpc, 'the kubectl provider (Lambda in the isolated subnets)', KUBECTL_PROVIDER_ENDPOINTS),
      });
      Annotations.of(cluster).acknowledgeWarning('@aws-cdk/aws-eks:isolatedSubnetsForKubectlPrivateSubnets',
        'The endpoints the kubectl provider calls (lambda, eks, sts, s3) are checked at synth on a VPC of this app, and CustomerVpc builds them.');
    }
  }

  /** The security groups that traffic from nodes and pods comes from: the cluster security group and self-managed nodes' groups. */
  public get nodeSecurityGroups(): ec2.ISecurityGroup[] {
    return [...this.nodeTrafficSecurityGroups];
  }

  public waitForCapacity(dependent: IConstruct): void {
    dependent.node.addDependency(this.capacityReady);
  }

  public registerCapacity(capacity: IConstruct, securityGroups: ec2.ISecurityGroup[] = []): void {
    // What starts nodes or pods (not its roles, instance profile or launch template, which are
    // created beside the control plane) waits for the networking add-ons, and for egress (NAT or VPC
    // endpoints), which nodes and Fargate pods need while they exist: created after the VPC's routes
    // and endpoints, deleted before them. CoreDNS and metrics-server wait for all of the capacity.
    const launching = capacity.node.findAll()
      .filter((c) => CfnResource.isCfnResource(c) && LAUNCHES_NODES.includes(c.cfnResourceType));
    for (const resource of launching.length > 0 ? launching : [capacity]) {
      resource.node.addDependency(this.vpc);
      this.coreAddons.addCapacityDependency(resource);
    }
    for (const addon of [this.coreAddons.coreDns, this.coreAddons.metricsServer]) {
      addon?.node.addDependency(capacity);
    }
    this.capacityReady.add(capacity);
    for (const group of securityGroups) {
      if (!this.nodeTrafficSecurityGroups.includes(group)) {
        this.nodeTrafficSecurityGroups.push(group);
      }
    }
  }

  /**
   * Adds a managed node group beside the node mode's capacity, in the node subnets, following the
   * cluster's Kubernetes version, with the same defaults and checks as `NodeMode.managed()`.
   */
  public addManagedNodeGroup(id: string, options: ManagedNodeGroupOptions = {}): ManagedNodeGroup {
    return new ManagedNodeGroup(this, id, { ...options, cluster: this });
  }

  /**
   * Adds self-managed nodes beside the node mode's capacity, in the node subnets, with the same
   * defaults and checks as `NodeMode.selfManaged()`.
   */
  public addSelfManagedNodes(id: string, options: SelfManagedNodesOptions = {}): SelfManagedNodes {
    return new SelfManagedNodes(this, id, { ...options, cluster: this });
  }

  /**
   * Adds a Fargate profile in the node subnets. Its pod execution role may write to the Fargate log
   * group when the node mode turned Fargate logging on.
   */
  public addFargateProfile(id: string, options: FargateProfileOptions): FargateProfile {
    return new FargateProfile(this, id, { ...options, cluster: this });
  }

  /** Adds EBS block storage (see {@link EbsCsiStorage}), wired to this cluster's node mode and version. */
  public addEbsStorage(id: string, options: EbsCsiStorageOptions = {}): EbsCsiStorage {
    return new EbsCsiStorage(this, id, { ...options, cluster: this });
  }

  /** Adds EFS shared file storage (see {@link EfsCsiStorage}), wired to this cluster's node mode, subnets and security groups. */
  public addEfsStorage(id: string, options: EfsCsiStorageOptions = {}): EfsCsiStorage {
    return new EfsCsiStorage(this, id, { ...options, cluster: this });
  }

  /** Adds an FSx for Lustre file system and its CSI driver (see {@link FsxLustreCsiStorage}). */
  public addFsxLustreStorage(id: string, options: FsxLustreCsiStorageOptions = {}): FsxLustreCsiStorage {
    return new FsxLustreCsiStorage(this, id, { ...options, cluster: this });
  }

  /** Adds ingress through Application Load Balancers (see {@link AlbIngress}), the right way for this node mode. */
  public addIngress(id: string, options: AlbIngressOptions = {}): AlbIngress {
    return new AlbIngress(this, id, { ...options, cluster: this });
  }

  /** Adds an IAM role for the pods of one service account (see {@link WorkloadRole}), bound the right way for this node mode. */
  public addWorkloadRole(id: string, options: WorkloadRoleOptions): WorkloadRole {
    return new WorkloadRole(this, id, { ...options, cluster: this });
  }

  private acknowledgeKubectlProvider(): void {
    const provider = this.cluster.node.tryFindChild('KubectlProvider');
    if (!provider) {
      return;
    }
    acknowledge(provider, 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'The kubectl provider Lambda from aws-eks-v2 writes its own logs with the AWS managed basic execution policy.');
    acknowledge(provider, 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
      'The kubectl provider Lambda runs in the private subnets to reach the private endpoint, which needs the AWS managed VPC access policy.');
    acknowledge(provider, 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly]',
      'aws-eks-v2 gives the kubectl handler read-only ECR access so Helm can pull charts from ECR (OCI); read-only, no push.');
    const stack = Stack.of(this);
    const handler = provider.node.findChild('Handler');
    const handlerId = stack.getLogicalId(handler.node.defaultChild as CfnElement);
    const ecrPublicCondition = stack.getLogicalId(handler.node.findChild('HasEcrPublic') as CfnElement);
    const ecrPublicPolicy = `{"Fn::If":["${ecrPublicCondition}",{"Fn::Join":["",["arn:",{"Ref":"AWS::Partition"},":iam::aws:policy/AmazonElasticContainerRegistryPublicReadOnly"]]},{"Ref":"AWS::NoValue"}]}`;
    acknowledge(provider, `AwsSolutions-IAM4[Policy::${ecrPublicPolicy}]`,
      'aws-eks-v2 gives the kubectl handler read-only ECR Public access, only in partitions that have ECR Public, so Helm can pull public OCI charts.');
    acknowledge(provider, `AwsSolutions-IAM5[Resource::<${handlerId}.Arn>:*]`,
      'The provider framework may invoke every version of its own kubectl handler (the function ARN with :*); scoped to that one function.');
    acknowledge(handler, 'AwsSolutions-L1',
      'aws-eks-v2 pins the kubectl handler runtime to the one its kubectl and Helm layers are built for; a newer runtime is not ours to choose.');
    const onEvent = provider.node.findChild('Provider').node.findChild('framework-onEvent');
    for (const [fn, what] of [[handler, 'kubectl handler'], [onEvent, 'provider framework onEvent Lambda']] as const) {
      acknowledgeInPacks(fn.node.findChild('ServiceRole').node.findChild('DefaultPolicy'), [NIST, HIPAA, PCI], 'IAMNoInlinePolicy',
        `aws-eks-v2 writes the policy of its ${what}'s role inline (aws-cdk-lib's Function); its statements are scoped to this cluster and provider.`);
      acknowledgeInPacks(fn, [NIST, HIPAA], 'LambdaConcurrency',
        `The ${what} of aws-eks-v2 runs only while CloudFormation deploys this stack's Kubernetes resources; reserving concurrency for it would take capacity from the account's other functions for nothing.`);
      acknowledgeInPacks(fn, [NIST, HIPAA], 'LambdaDLQ',
        `The ${what} of aws-eks-v2 serves CloudFormation custom resources: a failed event fails the stack operation and is reported there, so a dead-letter queue would hold nothing to act on.`);
    }
  }
}

/**
 * A node mode from another jsii language is a subclass the library cannot bind (its internal
 * methods are TypeScript-only). Refused with the way out instead of "is not a function".
 */
function checkNodeMode(errors: PropErrors, nodeMode: NodeMode): void {
  const bindable = typeof (nodeMode as Partial<NodeMode>)._prepareCluster === 'function' && typeof (nodeMode as Partial<NodeMode>)._bind === 'function';
  errors.check(bindable, 'nodeMode', nodeMode?.constructor?.name ?? String(nodeMode),
    'must come from a NodeMode factory (NodeMode.managed(), selfManaged(), fargate() or autoMode()); NodeMode cannot be subclassed');
}

/** The service CIDR EKS would choose: 172.20.0.0/16, unless the VPC is in 172.16.0.0/12. */
function defaultServiceIpv4Cidr(vpc: ec2.IVpc): string {
  const cidr = literalVpcCidr(vpc);
  if (cidr !== undefined && cidrsOverlap(cidr, '172.16.0.0/12')) {
    return '10.100.0.0/16';
  }
  return '172.20.0.0/16';
}

const RFC_1918 = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];

function validateServiceCidr(errors: PropErrors, cidr: string, vpc: ec2.IVpc): void {
  if (Token.isUnresolved(cidr)) {
    return;
  }
  if (!isIpv4Cidr(cidr)) {
    errors.add('serviceIpv4Cidr', cidr, 'must be an IPv4 CIDR block such as 172.20.0.0/16');
    return;
  }
  const prefix = Number(cidr.split('/')[1]);
  errors.check(prefix >= 12 && prefix <= 24, 'serviceIpv4Cidr', cidr, 'EKS takes a block from /12 to /24');
  errors.check(RFC_1918.some((range) => cidrWithin(cidr, range)), 'serviceIpv4Cidr', cidr,
    `must lie within an RFC 1918 range (${RFC_1918.join(', ')})`);
  const vpcCidr = literalVpcCidr(vpc);
  if (vpcCidr !== undefined) {
    errors.check(!cidrsOverlap(cidr, vpcCidr), 'serviceIpv4Cidr', cidr, `overlaps the VPC's CIDR ${vpcCidr}; Service IPs must not collide with node and pod IPs`);
  }
}

function validateClusterName(errors: PropErrors, name: string): void {
  if (Token.isUnresolved(name)) {
    return;
  }
  errors.check(name.length >= 1 && name.length <= 100 && CLUSTER_NAME_PATTERN.test(name), 'clusterName', name,
    'must be 1 to 100 characters, start with a letter or digit, and contain only letters, digits, hyphens and underscores');
}

function validateVersion(errors: PropErrors, version: eks.KubernetesVersion): void {
  const v = version.version;
  if (Token.isUnresolved(v)) {
    return;
  }
  if (!/^1\.\d{1,2}$/.test(v)) {
    errors.add('kubernetesVersion', v, `must look like '1.36'; supported: ${SUPPORTED_KUBERNETES_VERSIONS.join(', ')}`);
    return;
  }
  errors.check(SUPPORTED_KUBERNETES_VERSIONS.includes(v), 'kubernetesVersion', v, `is not supported; supported: ${SUPPORTED_KUBERNETES_VERSIONS.join(', ')}`);
}

function validatePublicAccess(errors: PropErrors, cidrs: string[], allowAnywhere: boolean, isolated: boolean): void {
  if (isolated && cidrs.length > 0) {
    errors.add('publicAccessCidrs', cidrs, 'a private cluster (isolated subnets, no internet) has a private endpoint only; leave it empty');
  }
  checkPublicAccessCidrs(errors, cidrs, allowAnywhere);
}
