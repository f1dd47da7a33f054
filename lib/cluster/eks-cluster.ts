import { CfnElement, Names, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { CoreAddons, CoreAddonsOptions } from '../addons/core-addons';
import { FargateProfile, FargateProfileOptions } from '../compute/fargate-profile';
import { ManagedNodeGroup, ManagedNodeGroupOptions } from '../compute/managed-node-group';
import { NodeCapacity, NodeMode, NodeModeType } from '../compute/node-mode';
import { SelfManagedNodes, SelfManagedNodesOptions } from '../compute/self-managed-nodes';
import { logsEncryptionKey } from '../private/logs-key';
import { acknowledge } from '../private/acknowledge';
import { isIpv4Cidr } from '../private/cidr';
import { PropErrors } from '../private/prop-errors';
import { checkSpansTwoAzs, isIsolatedOnly, privateSubnetSelection } from '../private/subnets';
import { DEFAULT_KUBERNETES_VERSION, SUPPORTED_KUBERNETES_VERSIONS } from './kubernetes-version';

/** All five control-plane log types. */
const ALL_LOG_TYPES = [
  eks.ClusterLoggingTypes.API,
  eks.ClusterLoggingTypes.AUDIT,
  eks.ClusterLoggingTypes.AUTHENTICATOR,
  eks.ClusterLoggingTypes.CONTROLLER_MANAGER,
  eks.ClusterLoggingTypes.SCHEDULER,
];

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
  readonly version?: eks.KubernetesVersion;

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
   * `version`. Which of them a node mode needs is decided by the mode (Auto Mode has most built in).
   *
   * @default - every add-on the node mode needs, at the versions pinned for `version`
   */
  readonly coreAddons?: CoreAddonsOptions;

  /**
   * The kubectl Lambda layer that matches `version` (for example `KubectlV36Layer` from
   * `@aws-cdk/lambda-layer-kubectl-v36`). Setting it adds the kubectl provider, which Helm charts
   * and Kubernetes manifests need. Without it the stack has no kubectl Lambda.
   *
   * @default - no kubectl provider
   */
  readonly kubectlLayer?: lambda.ILayerVersion;

  /**
   * What happens to the cluster, its KMS key and its log group when they leave the stack. For a
   * throw-away dev stack use `RemovalPolicy.DESTROY`, which also turns deletion protection off.
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
}

/**
 * An EKS cluster (the control plane) with production defaults.
 *
 * It wraps aws-eks-v2's `Cluster` (a native `AWS::EKS::Cluster`) and replaces the defaults that
 * are unsafe in production: the API endpoint is private, secrets are encrypted with a rotating
 * customer-managed key, all five control-plane log types go to an encrypted log group with
 * retention, authentication uses access entries with no implicit admin, and the cluster, key and
 * log group are retained with deletion protection on.
 */
export class EksCluster extends Construct {
  /** The underlying aws-eks-v2 cluster, for everything this construct does not wrap. */
  public readonly cluster: eks.Cluster;

  /** The customer VPC. */
  public readonly vpc: ec2.IVpc;

  /** The subnets of the control plane's ENIs and of node capacity. */
  public readonly nodeSubnets: ec2.SubnetSelection;

  /** The key that encrypts Kubernetes secrets and the control-plane logs. */
  public readonly encryptionKey: kms.IKey;

  /** The control-plane log group, `/aws/eks/<cluster name>/cluster`. */
  public readonly controlPlaneLogGroup: logs.ILogGroup;

  /** The chosen node mode. */
  public readonly nodeMode: NodeMode;

  /** The capacity the node mode added: node group, self-managed nodes, Fargate profiles or the Auto Mode node role. */
  public readonly capacity: NodeCapacity;

  /** The Kubernetes version. */
  public readonly version: eks.KubernetesVersion;

  /** Whether the API endpoint is reachable only from inside the VPC. */
  public readonly endpointPrivateOnly: boolean;

  /** The core EKS managed add-ons. */
  public readonly coreAddons: CoreAddons;

  public constructor(scope: Construct, id: string, props: EksClusterProps) {
    super(scope, id);

    // Defaults
    const nodeMode = props.nodeMode ?? NodeMode.managed();
    const version = props.version ?? DEFAULT_KUBERNETES_VERSION;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const deletionProtection = props.deletionProtection ?? removalPolicy !== RemovalPolicy.DESTROY;
    const clusterName = props.clusterName ?? Names.uniqueResourceName(this, { maxLength: 100, separator: '-' });
    const nodeSubnets = props.vpcSubnets ?? privateSubnetSelection(props.vpc);
    const publicAccessCidrs = props.publicAccessCidrs ?? [];
    const isolated = isIsolatedOnly(props.vpc);

    // Validation
    const errors = new PropErrors(this, 'EksCluster');
    validateClusterName(errors, clusterName);
    validateVersion(errors, version);
    const selected = selectSubnetsOrNone(props.vpc, nodeSubnets);
    checkSpansTwoAzs(errors, props.vpcSubnets ? 'vpcSubnets' : 'vpc', selected, 'the control plane and nodes');
    const publicIds = new Set(props.vpc.publicSubnets.map((s) => s.subnetId));
    errors.check(!selected.some((s) => publicIds.has(s.subnetId)), 'vpcSubnets', 'public subnets',
      'the control plane ENIs and nodes belong in private subnets');
    validatePublicAccess(errors, publicAccessCidrs, props.allowPublicEndpointFromAnywhere ?? false, isolated);
    errors.check(!(props.deletionProtection === true && removalPolicy === RemovalPolicy.DESTROY), 'deletionProtection', true,
      'cannot be true with removalPolicy DESTROY: the stack delete would fail on the protected cluster; leave it unset or use RETAIN');
    errors.throwIfAny();

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

    const role = new iam.Role(this, 'ClusterRole', {
      assumedBy: new iam.ServicePrincipal('eks.amazonaws.com'),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonEKSClusterPolicy')],
      // Inline, so the permission exists before the cluster is created with the key.
      inlinePolicies: {
        SecretsEncryption: new iam.PolicyDocument({
          statements: [new iam.PolicyStatement({
            actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:DescribeKey', 'kms:CreateGrant'],
            resources: [encryptionKey.keyArn],
          })],
        }),
      },
    });

    const endpointAccess = publicAccessCidrs.length > 0 && !isolated
      ? eks.EndpointAccess.PUBLIC_AND_PRIVATE.onlyFrom(...publicAccessCidrs)
      : eks.EndpointAccess.PRIVATE;

    const cluster = new eks.Cluster(this, 'Cluster', {
      ...nodeMode._clusterProps(this),
      vpc: props.vpc,
      vpcSubnets: [nodeSubnets],
      clusterName,
      version,
      role,
      endpointAccess,
      secretsEncryptionKey: encryptionKey,
      clusterLogging: ALL_LOG_TYPES,
      bootstrapClusterCreatorAdminPermissions: false,
      // The core add-ons are EKS managed add-ons (CoreAddons); no unmanaged copies beside them.
      bootstrapSelfManagedAddons: false,
      kubectlProviderOptions: props.kubectlLayer ? { kubectlLayer: props.kubectlLayer } : undefined,
    });
    const cfnCluster = cluster.node.defaultChild as eks.CfnCluster;
    cfnCluster.deletionProtection = deletionProtection;
    cfnCluster.applyRemovalPolicy(removalPolicy);
    cfnCluster.node.addDependency(controlPlaneLogGroup);

    for (const [i, arn] of (props.clusterAdminPrincipalArns ?? []).entries()) {
      cluster.grantClusterAdmin(`ClusterAdmin${i}`, arn);
    }

    // Public fields
    this.cluster = cluster;
    this.vpc = props.vpc;
    this.nodeSubnets = nodeSubnets;
    this.encryptionKey = encryptionKey;
    this.controlPlaneLogGroup = controlPlaneLogGroup;
    this.nodeMode = nodeMode;
    this.version = version;
    this.endpointPrivateOnly = !endpointAccess._config.publicAccess;

    this.capacity = nodeMode._bind(this, { cluster, nodeSubnets, version });
    this.coreAddons = new CoreAddons(this, 'CoreAddons', { ...props.coreAddons, cluster, kubernetesVersion: version, nodeModeType: nodeMode.type });
    // Networking add-ons exist before nodes join; CoreDNS and metrics-server wait for capacity.
    this.coreAddons.orderAround(this.capacity);

    // Acknowledgements
    acknowledge(role, 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonEKSClusterPolicy]',
      'AmazonEKSClusterPolicy is the AWS managed policy EKS requires on the cluster role; AWS keeps it in step with the EKS service.');
    acknowledge(cfnCluster, 'CloudFormation-Validate::W9009',
      "aws-eks-v2 writes EncryptionConfig Resources ['secrets']: the schema marks the property deprecated, but it is how EKS is told to envelope-encrypt secrets.");
    this.acknowledgeKubectlProvider();
  }

  /** The node mode chosen, as an enum, for tests and docs. */
  public get nodeModeType(): NodeModeType {
    return this.nodeMode.type;
  }

  /** The cluster's name. */
  public get clusterName(): string {
    return this.cluster.clusterName;
  }

  /**
   * Adds a managed node group beside the node mode's capacity, in the node subnets, following the
   * cluster's Kubernetes version, with the same defaults and checks as `NodeMode.managed()`.
   */
  public addManagedNodeGroup(id: string, options: ManagedNodeGroupOptions = {}): ManagedNodeGroup {
    this.checkNodesCanJoin('addManagedNodeGroup', id);
    const group = new ManagedNodeGroup(this, id, { ...options, cluster: this.cluster, subnets: this.nodeSubnets, version: this.version });
    this.coreAddons.addCapacityDependency(group);
    return group;
  }

  /**
   * Adds self-managed nodes beside the node mode's capacity, in the node subnets, with the same
   * defaults and checks as `NodeMode.selfManaged()`.
   */
  public addSelfManagedNodes(id: string, options: SelfManagedNodesOptions = {}): SelfManagedNodes {
    this.checkNodesCanJoin('addSelfManagedNodes', id);
    const nodes = new SelfManagedNodes(this, id, { ...options, cluster: this.cluster, subnets: this.nodeSubnets, version: this.version });
    this.coreAddons.addCapacityDependency(nodes);
    return nodes;
  }

  /**
   * Adds a Fargate profile in the node subnets. Its pod execution role may write to the Fargate log
   * group when the node mode turned Fargate logging on.
   */
  public addFargateProfile(id: string, options: FargateProfileOptions): FargateProfile {
    const profile = new FargateProfile(this, id, { ...options, cluster: this.cluster, subnets: this.nodeSubnets, logging: this.capacity.fargateLogging });
    this.coreAddons.addCapacityDependency(profile);
    return profile;
  }

  /**
   * EC2 nodes need the VPC CNI and kube-proxy to become Ready. Fargate and Auto Mode clusters do
   * not install them (and no unmanaged copies are bootstrapped), so nodes added there would never
   * join: a node group creation that fails after ~20 minutes. Refused at synth instead.
   */
  private checkNodesCanJoin(method: string, id: string): void {
    const type = this.nodeMode.type;
    if (type === NodeModeType.FARGATE || type === NodeModeType.AUTO_MODE) {
      const errors = new PropErrors(this, 'EksCluster');
      errors.add(`${method}('${id}')`, `nodeMode ${type}`,
        `EC2 nodes need the VPC CNI and kube-proxy, which a ${type} cluster does not install; choose NodeMode.managed() or NodeMode.selfManaged() and add Fargate profiles beside it with addFargateProfile()`);
      errors.throwIfAny();
    }
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
  }
}

/** The selected subnets, or none where the VPC has no subnet group of the asked type. */
function selectSubnetsOrNone(vpc: ec2.IVpc, selection: ec2.SubnetSelection): ec2.ISubnet[] {
  try {
    return vpc.selectSubnets(selection).subnets;
  } catch {
    return [];
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
    errors.add('version', v, `must look like '1.36'; supported: ${SUPPORTED_KUBERNETES_VERSIONS.join(', ')}`);
    return;
  }
  errors.check(SUPPORTED_KUBERNETES_VERSIONS.includes(v), 'version', v, `is not supported; supported: ${SUPPORTED_KUBERNETES_VERSIONS.join(', ')}`);
}

function validatePublicAccess(errors: PropErrors, cidrs: string[], allowAnywhere: boolean, isolated: boolean): void {
  if (isolated && cidrs.length > 0) {
    errors.add('publicAccessCidrs', cidrs, 'a private cluster (isolated subnets, no internet) has a private endpoint only; leave it empty');
  }
  for (const cidr of cidrs) {
    if (Token.isUnresolved(cidr)) {
      continue;
    }
    if (!isIpv4Cidr(cidr)) {
      errors.add('publicAccessCidrs', cidr, 'each entry must be an IPv4 CIDR block such as 203.0.113.0/24');
    } else if (cidr === '0.0.0.0/0' && !allowAnywhere) {
      errors.add('publicAccessCidrs', cidr, 'opens the API endpoint to the whole internet; list your own CIDRs, or set allowPublicEndpointFromAnywhere: true');
    }
  }
}
