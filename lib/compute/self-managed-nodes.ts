import { Annotations, Size, Tags, Token } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { IEksCluster } from '../cluster/i-eks-cluster';
import { acknowledge, acknowledgeControlTower, acknowledgeInPacks, HIPAA, NIST, PCI } from '../private/acknowledge';
import { tryRead, requireClusterHandle } from '../private/cluster-facts';
import { checkKnownKeys, optionKeys } from '../private/known-keys';
import { WARN_NO_DRAIN } from '../private/lifecycle';
import { warnPodIpsExceedSubnets } from '../private/network-rules';
import {
  checkDiskSize, checkEc2NodesCanJoin, checkInstanceTypeList, checkInstanceTypesAndAmi, checkLabels, checkPrivateSubnets, checkScaling, checkSpot,
  checkTaints, createNodeRole, DEFAULT_INSTANCE_TYPE, isBottlerocket, kubernetesTaintEffect, MAX_SELF_MANAGED_INSTANCE_TYPES, nodeBlockDevices,
  resolveAmiType,
} from '../private/node-common';
import { isPrivateEcrOci } from '../private/endpoints';
import { _NodeTerminationHandler, NTH_CHART_VERSION, NTH_IMAGE, NTH_MANAGED_TAG } from '../private/node-termination-handler';
import { isIsolatedOnly } from '../private/subnets';
import type { IImageCache } from '../network/image-cache';
import { PropErrors } from '../private/prop-errors';
import { checkTagsAtSynth } from '../private/tag-rules';
import { NodeTaint } from './node-taint';

/** The AMI types self-managed nodes can run, each with the public SSM parameter of its EKS-optimized AMI. */
const AMI_PARAMETERS: Partial<Record<eks.NodegroupAmiType, (version: string) => string>> = {
  [eks.NodegroupAmiType.AL2023_X86_64_STANDARD]: (v) => `/aws/service/eks/optimized-ami/${v}/amazon-linux-2023/x86_64/standard/recommended/image_id`,
  [eks.NodegroupAmiType.AL2023_ARM_64_STANDARD]: (v) => `/aws/service/eks/optimized-ami/${v}/amazon-linux-2023/arm64/standard/recommended/image_id`,
  [eks.NodegroupAmiType.AL2023_X86_64_NVIDIA]: (v) => `/aws/service/eks/optimized-ami/${v}/amazon-linux-2023/x86_64/nvidia/recommended/image_id`,
  [eks.NodegroupAmiType.AL2023_ARM_64_NVIDIA]: (v) => `/aws/service/eks/optimized-ami/${v}/amazon-linux-2023/arm64/nvidia/recommended/image_id`,
  [eks.NodegroupAmiType.AL2023_X86_64_NEURON]: (v) => `/aws/service/eks/optimized-ami/${v}/amazon-linux-2023/x86_64/neuron/recommended/image_id`,
  [eks.NodegroupAmiType.BOTTLEROCKET_X86_64]: (v) => `/aws/service/bottlerocket/aws-k8s-${v}/x86_64/latest/image_id`,
  [eks.NodegroupAmiType.BOTTLEROCKET_ARM_64]: (v) => `/aws/service/bottlerocket/aws-k8s-${v}/arm64/latest/image_id`,
  [eks.NodegroupAmiType.BOTTLEROCKET_X86_64_NVIDIA]: (v) => `/aws/service/bottlerocket/aws-k8s-${v}-nvidia/x86_64/latest/image_id`,
  [eks.NodegroupAmiType.BOTTLEROCKET_ARM_64_NVIDIA]: (v) => `/aws/service/bottlerocket/aws-k8s-${v}-nvidia/arm64/latest/image_id`,
  [eks.NodegroupAmiType.BOTTLEROCKET_X86_64_FIPS]: (v) => `/aws/service/bottlerocket/aws-k8s-${v}-fips/x86_64/latest/image_id`,
  [eks.NodegroupAmiType.BOTTLEROCKET_ARM_64_FIPS]: (v) => `/aws/service/bottlerocket/aws-k8s-${v}-fips/arm64/latest/image_id`,
};

/** Auto Scaling groups of this library scale to at most this many nodes. */
const MAX_NODES = 1000;

/**
 * Options of self-managed nodes: what {@link EksCluster.addSelfManagedNodes} and
 * `NodeMode.selfManaged()` take. The cluster, its version and subnets come from the cluster.
 */
export interface SelfManagedNodesOptions {
  /**
   * Instance types of the nodes, all of one CPU architecture. Spot capacity needs at least two.
   *
   * @default [m6i.large]
   */
  readonly instanceTypes?: ec2.InstanceType[];

  /**
   * The AMI: the EKS-optimized Amazon Linux 2023 AMI (joined with `nodeadm`) or Bottlerocket,
   * resolved at deploy time from its public SSM parameter for the cluster's Kubernetes version.
   * Amazon Linux 2 is refused.
   *
   * @default - AL2023 standard for the instance types' architecture
   */
  readonly amiType?: eks.NodegroupAmiType;

  /**
   * Run on Spot capacity (price-capacity-optimized across the instance types, with capacity rebalancing).
   *
   * @default false
   */
  readonly spot?: boolean;

  /**
   * The fewest nodes.
   *
   * @default 2
   */
  readonly minSize?: number;

  /**
   * The number of nodes to set on every deploy. Leave it unset so deploys do not undo scaling.
   *
   * @default - the Auto Scaling group starts at minSize and is not reset by deploys
   */
  readonly desiredSize?: number;

  /**
   * The most nodes.
   *
   * @default - the larger of 6 and desiredSize
   */
  readonly maxSize?: number;

  /**
   * The size of each node's encrypted gp3 root volume (the data volume on Bottlerocket), from 20 GiB to 64 TiB.
   *
   * @default Size.gibibytes(50)
   */
  readonly diskSize?: Size;

  /**
   * Kubernetes labels the kubelet registers the nodes with. Only prefixes the kubelet may set on
   * itself are accepted (no `kubernetes.io/` or `k8s.io/` except `node.kubernetes.io/` and
   * `kubelet.kubernetes.io/`).
   *
   * @default - none
   */
  readonly labels?: { [key: string]: string };

  /**
   * Kubernetes taints the kubelet registers the nodes with.
   *
   * @default - none
   */
  readonly taints?: NodeTaint[];

  /**
   * How many nodes a rolling update replaces at once when the launch template changes (a new
   * AMI release, user data or instance settings). With `drainOnTermination`, each new node must be
   * Ready (launch lifecycle hook) and each old one drained (terminate hook) before the next batch.
   *
   * @default 1
   */
  readonly maxBatchSize?: number;

  /**
   * Cordon and drain a node (respecting PodDisruptionBudgets) before its instance terminates, and
   * hold a new instance out of service until its node is Ready: the AWS Node Termination Handler in
   * queue-processor mode (Helm chart, pinned), fed by an encrypted SQS queue and EventBridge rules
   * (Auto Scaling lifecycle actions, Spot interruptions, rebalance recommendations, instance state
   * changes), with a launch and a terminate lifecycle hook on the group and a least-privilege Pod
   * Identity role. One handler serves every self-managed group of the cluster. It is a Helm chart,
   * so it needs the cluster's kubectl provider. See docs/LIFECYCLE.md.
   *
   * @default - true when the cluster has a kubectl provider; otherwise false, with a warning
   * (nodes are then terminated without a drain on every AMI roll, scale-in and Spot interruption)
   */
  readonly drainOnTermination?: boolean;

  /**
   * Where the drain's Helm chart (the AWS Node Termination Handler, chart 0.27.6) comes from: an
   * `oci://` chart reference or an https Helm repository. On a VPC with no internet path it must be
   * private ECR (copy the chart there, docs/PRIVATE-CLUSTERS.md). The first self-managed nodes of
   * a cluster decide it for the cluster's one handler.
   *
   * @default 'oci://public.ecr.aws/aws-ec2/helm/aws-node-termination-handler' (refused on a VPC with isolated subnets only)
   */
  readonly drainChartRepository?: string;

  /**
   * The ECR pull-through cache the drain's image comes through instead of ECR Public. Required on
   * a VPC with isolated subnets only, whose nodes cannot reach ECR Public; the node role needs
   * `imageCache.grantPull()`.
   *
   * @default - the image comes from ECR Public
   */
  readonly imageCache?: IImageCache;

  /**
   * The AMI, to pin it: nodes roll only when you change it, not when AWS publishes a new release.
   * Must be an image of the family `amiType` names (its user data is AL2023 `nodeadm` or
   * Bottlerocket TOML), for the cluster's Kubernetes version or one minor older. For example
   * `ec2.MachineImage.genericLinux({ 'us-east-1': 'ami-0123456789abcdef0' })`, or
   * `ec2.MachineImage.fromSsmParameter('/aws/service/eks/optimized-ami/1.36/amazon-linux-2023/x86_64/standard/amazon-eks-node-al2023-x86_64-standard-1.36-v20260101/image_id')`
   * (a release's own parameter, which never changes).
   *
   * @default - the recommended EKS-optimized image of `amiType` for the cluster's Kubernetes
   * version, read from its public SSM parameter at every deploy (a new release rolls the nodes)
   */
  readonly machineImage?: ec2.IMachineImage;

  /**
   * Detailed (1-minute) CloudWatch monitoring of the nodes' EC2 metrics, set in their launch
   * template. On by default, as the AWS Control Tower proactive control CT.EC2.PR.10 requires;
   * turn it off to save its per-instance CloudWatch charge when node metrics come from elsewhere
   * (Prometheus, Container Insights).
   *
   * @default true
   */
  readonly detailedMonitoring?: boolean;
}

/** Props of {@link SelfManagedNodes}. */
export interface SelfManagedNodesProps extends SelfManagedNodesOptions {
  /**
   * The cluster the nodes join: an `EksCluster`, or any aws-eks-v2 cluster through
   * `EksCluster.fromCluster()`. Its node mode must run EC2 nodes (managed or self-managed). The AMI
   * follows the cluster's `kubernetesVersion`, and AL2023 nodes are told its `serviceIpv4Cidr`,
   * which must then be known. An imported cluster needs its endpoint, certificate authority data
   * and cluster security group id.
   */
  readonly cluster: IEksCluster;

  /**
   * Where the nodes go: private subnets in at least 2 AZs.
   *
   * @default - the cluster's `vpcSubnets`
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Attach the AWS managed `AmazonEKS_CNI_Policy` to the node role. Only for a cluster whose VPC
   * CNI has no IAM role of its own.
   *
   * @default false
   */
  readonly attachCniPolicy?: boolean;

  /**
   * Allow all traffic between these nodes and the cluster security group, which carries managed
   * nodes, Auto Mode nodes and Fargate pods. Pods on either side then reach each other (CoreDNS
   * included). Turn it off only when these nodes are the cluster's only capacity: the kubelet
   * (10250), webhook (1025-65535) and API server (443) rules stay either way.
   *
   * @default true
   */
  readonly podTrafficWithClusterSecurityGroup?: boolean;
}

const PROPS_KEYS = optionKeys<SelfManagedNodesProps>({
  instanceTypes: true, amiType: true, spot: true, minSize: true, desiredSize: true, maxSize: true, diskSize: true,
  labels: true, taints: true, maxBatchSize: true, drainOnTermination: true, machineImage: true,
  drainChartRepository: true, imageCache: true, detailedMonitoring: true,
  cluster: true, vpcSubnets: true, attachCniPolicy: true, podTrafficWithClusterSecurityGroup: true,
});

/**
 * Self-managed Linux nodes: an Auto Scaling group across the private subnets of every AZ, with a
 * launch template of the EKS-optimized Amazon Linux 2023 AMI (joined with `nodeadm`) or
 * Bottlerocket, IMDSv2 required with a hop limit of 1, an encrypted gp3 root volume, no public IP
 * and no SSH key. The node role joins through an `EC2_LINUX` access entry (no aws-auth ConfigMap);
 * a change to the launch template rolls the nodes. It registers itself, and its security group, with
 * the cluster: the node-level add-ons are created before it, and storage allows traffic from it.
 */
export class SelfManagedNodes extends Construct implements ec2.IConnectable {
  /** The Auto Scaling group. */
  public readonly autoScalingGroup: autoscaling.AutoScalingGroup;

  /** The IAM role of the nodes. */
  public readonly role: iam.IRole;

  /** The launch template of the nodes. */
  public readonly launchTemplate: ec2.LaunchTemplate;

  /** The security group of the nodes. */
  public readonly securityGroup: ec2.ISecurityGroup;

  /** The nodes' network connections, to open more ports to or from them. */
  public readonly connections: ec2.Connections;

  /** The access entry that lets the node role join the cluster. */
  public readonly accessEntry: eks.AccessEntry;

  /** The AMI type the nodes run. */
  public readonly amiType: eks.NodegroupAmiType;

  /** Whether nodes are drained before termination and launches wait for a Ready node (the AWS Node Termination Handler). */
  public readonly drainOnTermination: boolean;

  public constructor(scope: Construct, id: string, props: SelfManagedNodesProps) {
    super(scope, id);
    requireClusterHandle(this, 'SelfManagedNodes', props.cluster);

    // Defaults
    const instanceTypes = props.instanceTypes ?? [DEFAULT_INSTANCE_TYPE];
    const amiType = resolveAmiType(props.amiType, instanceTypes);
    const spot = props.spot ?? false;
    const minSize = props.minSize ?? 2;
    const maxSize = props.maxSize ?? (props.desiredSize === undefined || Token.isUnresolved(props.desiredSize) ? 6 : Math.max(6, props.desiredSize));
    const diskSize = props.diskSize ?? Size.gibibytes(50);
    const maxBatchSize = props.maxBatchSize ?? 1;
    const eksCluster = props.cluster;
    const cluster = eksCluster.cluster;
    const subnets = props.vpcSubnets ?? eksCluster.vpcSubnets;
    const version = eksCluster.kubernetesVersion.version;
    const serviceCidr = eksCluster.serviceIpv4Cidr;
    const bottlerocket = isBottlerocket(amiType);
    const canDrain = eksCluster.kubectlProvider !== undefined;
    const drain = props.drainOnTermination ?? canDrain;

    // Validation
    const errors = new PropErrors(this, 'SelfManagedNodes');
    checkKnownKeys(errors, props, PROPS_KEYS, 'SelfManagedNodes');
    checkEc2NodesCanJoin(errors, eksCluster);
    checkInstanceTypesAndAmi(errors, instanceTypes, amiType, props.amiType !== undefined, Object.keys(AMI_PARAMETERS) as eks.NodegroupAmiType[]);
    checkSpot(errors, spot, instanceTypes);
    checkScaling(errors, minSize, props.desiredSize, maxSize, MAX_NODES);
    const diskGib = checkDiskSize(errors, diskSize);
    checkLabels(errors, 'labels', props.labels);
    checkTaints(errors, props.taints ?? []);
    if (!Token.isUnresolved(maxBatchSize)) {
      errors.check(Number.isInteger(maxBatchSize) && maxBatchSize >= 1, 'maxBatchSize', maxBatchSize, 'must be a whole number of 1 or more');
    }
    errors.check(bottlerocket || serviceCidr !== undefined, 'cluster.serviceIpv4Cidr', serviceCidr,
      "is unknown, and nodeadm on Amazon Linux 2023 nodes needs the cluster's service CIDR: state serviceIpv4Cidr in " +
      'EksCluster.fromCluster() (it is read off a cluster of this app only when set on it), or choose a Bottlerocket amiType');
    for (const [attribute, read] of [
      ['clusterEndpoint', () => cluster.clusterEndpoint],
      ['clusterCertificateAuthorityData', () => cluster.clusterCertificateAuthorityData],
      ['clusterSecurityGroupId', () => cluster.clusterSecurityGroupId],
    ] as const) {
      errors.check(tryRead(read) !== undefined, 'cluster', cluster.node.path,
        `self-managed nodes need the cluster's ${attribute}: pass it to eks.Cluster.fromClusterAttributes`);
    }
    checkInstanceTypeList(errors, this, instanceTypes, MAX_SELF_MANAGED_INSTANCE_TYPES, props.amiType !== undefined);
    const nodeSubnets = checkPrivateSubnets(errors, 'vpcSubnets', eksCluster.vpc, subnets, 'self-managed nodes');
    errors.check(!drain || canDrain, 'drainOnTermination', true,
      "the drain is the AWS Node Termination Handler, a Helm chart, and the cluster has no kubectl provider: set EksCluster's " +
      '`kubectlLayer` (for example `new KubectlV36Layer(this, \'KubectlLayer\')`), or set drainOnTermination: false to terminate nodes without a drain');
    checkDrainSource(errors, props, drain, isIsolatedOnly(eksCluster.vpc));
    errors.throwIfAny();
    if (!drain && props.drainOnTermination === undefined) {
      Annotations.of(this).addWarningV2(WARN_NO_DRAIN,
        'Self-managed nodes without a drain: the cluster has no kubectl provider, so the AWS Node Termination Handler cannot be installed, ' +
        'and an AMI roll, a scale-in or a Spot interruption terminates nodes without cordoning or draining them (PodDisruptionBudgets are ignored). ' +
        "Set EksCluster's kubectlLayer to get the drain, or set drainOnTermination: false to say you accept it.");
    }
    warnPodIpsExceedSubnets(this, nodeSubnets, instanceTypes, maxSize);
    checkTagsAtSynth(this);

    // Children
    const role = createNodeRole(this, 'NodeRole', props.attachCniPolicy ?? false, `Self-managed nodes of EKS ${this.node.path}`);

    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: eksCluster.vpc,
      description: `Self-managed EKS nodes of ${this.node.path}`,
      // Nodes pull images and reach AWS APIs through NAT or VPC endpoints.
      allowAllOutbound: true,
    });
    this.addSecurityGroupRules(securityGroup, cluster.clusterSecurityGroupId, props.podTrafficWithClusterSecurityGroup ?? true);

    const userData = bottlerocket
      ? ec2.UserData.custom(bottlerocketSettings(cluster, props.labels, props.taints))
      : ec2.UserData.custom(nodeadmUserData(cluster, serviceCidr!, props.labels, props.taints));

    const launchTemplate = new ec2.LaunchTemplate(this, 'LaunchTemplate', {
      // A CloudFormation parameter of type AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>: resolved
      // at deploy time, so synth needs no lookup, and a new AMI release rolls the nodes on the next deploy.
      machineImage: props.machineImage ?? ec2.MachineImage.fromSsmParameter(AMI_PARAMETERS[amiType]!(version), { os: ec2.OperatingSystemType.LINUX }),
      userData,
      instanceType: instanceTypes.length === 1 ? instanceTypes[0] : undefined,
      role,
      securityGroup,
      associatePublicIpAddress: false,
      requireImdsv2: true,
      httpPutResponseHopLimit: 1,
      httpEndpoint: true,
      blockDevices: nodeBlockDevices(amiType, diskGib),
      detailedMonitoring: props.detailedMonitoring ?? true,
    });

    const accessEntry = new eks.AccessEntry(this, 'AccessEntry', {
      cluster,
      principal: role.roleArn,
      accessPolicies: [],
      accessEntryType: eks.AccessEntryType.EC2_LINUX,
    });

    const minInService = Token.isUnresolved(minSize) || Token.isUnresolved(maxSize) ? 0 : Math.max(0, Math.min(minSize, maxSize - 1));
    // One on-demand instance type takes the launch template as is; several types or spot need a mixed instances policy.
    const mixed = spot || instanceTypes.length > 1;
    const autoScalingGroup = new autoscaling.AutoScalingGroup(this, 'AutoScalingGroup', {
      vpc: eksCluster.vpc,
      vpcSubnets: subnets,
      launchTemplate: mixed ? undefined : launchTemplate,
      mixedInstancesPolicy: !mixed ? undefined : {
        launchTemplate,
        launchTemplateOverrides: instanceTypes.map((instanceType) => ({ instanceType })),
        instancesDistribution: spot
          ? {
            onDemandPercentageAboveBaseCapacity: 0,
            spotAllocationStrategy: autoscaling.SpotAllocationStrategy.PRICE_CAPACITY_OPTIMIZED,
          }
          : {
            onDemandPercentageAboveBaseCapacity: 100,
            onDemandAllocationStrategy: autoscaling.OnDemandAllocationStrategy.PRIORITIZED,
          },
      },
      capacityRebalance: spot,
      minCapacity: minSize,
      maxCapacity: maxSize,
      desiredCapacity: props.desiredSize,
      updatePolicy: autoscaling.UpdatePolicy.rollingUpdate({ maxBatchSize, minInstancesInService: minInService }),
    });
    // Nodes join only once their role has an access entry.
    autoScalingGroup.node.addDependency(accessEntry);
    // The subnets' AZs stated too, as the AWS Control Tower proactive control CT.AUTOSCALING.PR.1
    // reads them off the group (it does not follow VPCZoneIdentifier); left out when a subnet's AZ cannot be read.
    const azs = subnetAvailabilityZones(eksCluster.vpc.selectSubnets(subnets).subnets);
    if (azs) {
      (autoScalingGroup.node.defaultChild as autoscaling.CfnAutoScalingGroup).availabilityZones = azs;
    }
    Tags.of(autoScalingGroup).add(`kubernetes.io/cluster/${eksCluster.clusterName}`, 'owned', { applyToLaunchedInstances: true });
    if (drain) {
      // Terminations wait for a drain, launches for a Ready node: rolling updates go node by node.
      _NodeTerminationHandler.obtain(eksCluster, { chartRepository: props.drainChartRepository, imageCache: props.imageCache }).serve(autoScalingGroup);
      Tags.of(autoScalingGroup).add(NTH_MANAGED_TAG, 'true', { applyToLaunchedInstances: true });
    }

    if (cluster instanceof eks.Cluster && cluster.albController) {
      cluster.albController.node.addDependency(this);
    }
    // Node-level add-ons before the nodes; storage allows NFS and Lustre from their security group.
    eksCluster.registerCapacity(this, [securityGroup]);

    // Public fields
    this.autoScalingGroup = autoScalingGroup;
    this.role = role;
    this.launchTemplate = launchTemplate;
    this.securityGroup = securityGroup;
    this.connections = new ec2.Connections({ securityGroups: [securityGroup] });
    this.accessEntry = accessEntry;
    this.amiType = amiType;
    this.drainOnTermination = drain;

    // Acknowledgements
    acknowledge(autoScalingGroup, 'AwsSolutions-AS3',
      'Scaling events of EKS nodes are visible in the Auto Scaling activity history and as Kubernetes node events; no SNS notification is wanted per node.');
    if (!mixed) {
      acknowledgeControlTower(autoScalingGroup, 'autoscaling_mixed_instances_policy_multiple_instance_types_check',
        'One on-demand instance type (instanceTypes has one entry) runs from the launch template without a mixed instances policy; give instanceTypes two or more types for a mixed instances policy with several types.');
    }
    if (mixed) {
      acknowledge(autoScalingGroup, 'AwsSolutions-EC26',
        'The rule reads only the group\'s LaunchTemplate property, not a MixedInstancesPolicy; the launch template it uses there encrypts every EBS volume.');
    }
  }

  /**
   * Opens what kubelet and the control plane need, per the EKS security group requirements: the
   * control plane (cluster security group) reaches the kubelet on 10250 and webhooks on 1025-65535;
   * the nodes reach the API server on 443 and each other on every port for pod networking.
   */
  private addSecurityGroupRules(nodeSg: ec2.SecurityGroup, clusterSgId: string, podTraffic: boolean): void {
    // Ports only for TCP: CloudFormation ignores them with protocol -1 (validator warning W3687).
    const rule = (id: string, groupId: string, sourceId: string, protocol: string, ports: [number, number] | undefined, description: string) => {
      const ingress = new ec2.CfnSecurityGroupIngress(this, id, {
        groupId, sourceSecurityGroupId: sourceId, ipProtocol: protocol, fromPort: ports?.[0], toPort: ports?.[1], description,
      });
      if (protocol === '-1') {
        acknowledgeInPacks(ingress, [NIST, HIPAA, PCI], 'EC2RestrictedCommonPorts',
          'All traffic from one security group, no CIDR: EKS documents all traffic between nodes and with the cluster security group for pod networking. The rule flags every all-protocol rule whatever its source.');
      }
    };
    const nodeSgId = nodeSg.securityGroupId;
    rule('NodesFromNodes', nodeSgId, nodeSgId, '-1', undefined, 'Pod networking between self-managed nodes');
    if (podTraffic) {
      // All traffic both ways with the cluster security group: this covers kubelet (10250), webhooks
      // (1025-65535) and the API server (443) too, so those narrower rules would be redundant.
      rule('NodesFromClusterSecurityGroup', nodeSgId, clusterSgId, '-1', undefined,
        'Pod networking, kubelet and webhooks from managed nodes, Auto Mode nodes, Fargate pods and the control plane (cluster security group)');
      rule('ClusterSecurityGroupFromNodes', clusterSgId, nodeSgId, '-1', undefined,
        'Pod networking and the Kubernetes API server from self-managed nodes');
    } else {
      rule('NodesFromControlPlaneKubelet', nodeSgId, clusterSgId, 'tcp', [10250, 10250], 'kubelet API from the EKS control plane');
      rule('NodesFromControlPlaneWebhooks', nodeSgId, clusterSgId, 'tcp', [1025, 65535], 'Webhooks and extension API servers from the EKS control plane');
      rule('ControlPlaneFromNodes', clusterSgId, nodeSgId, 'tcp', [443, 443], 'Kubernetes API server from self-managed nodes');
    }
  }
}

/** `--node-labels` and `--register-with-taints` kubelet flags. */
function kubeletFlags(labels: { [key: string]: string } | undefined, taints: NodeTaint[] | undefined): string[] {
  const flags: string[] = [];
  const labelList = Object.entries(labels ?? {}).map(([k, v]) => `${k}=${v}`);
  if (labelList.length > 0) {
    flags.push(`--node-labels=${labelList.join(',')}`);
  }
  const taintList = (taints ?? []).map((t) => `${t.key}${t.value ? `=${t.value}` : ''}:${kubernetesTaintEffect(t.effect)}`);
  if (taintList.length > 0) {
    flags.push(`--register-with-taints=${taintList.join(',')}`);
  }
  return flags;
}

/** MIME multipart user data with the `nodeadm` NodeConfig that joins an AL2023 node to the cluster. */
function nodeadmUserData(cluster: eks.ICluster, serviceCidr: string, labels: { [key: string]: string } | undefined,
  taints: NodeTaint[] | undefined): string {
  const flags = kubeletFlags(labels, taints);
  return [
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="BOUNDARY"',
    '',
    '--BOUNDARY',
    'Content-Type: application/node.eks.aws',
    '',
    '---',
    'apiVersion: node.eks.aws/v1alpha1',
    'kind: NodeConfig',
    'spec:',
    '  cluster:',
    `    name: ${cluster.clusterName}`,
    `    apiServerEndpoint: ${cluster.clusterEndpoint}`,
    `    certificateAuthority: ${cluster.clusterCertificateAuthorityData}`,
    `    cidr: ${serviceCidr}`,
    ...(flags.length > 0 ? ['  kubelet:', '    flags:', ...flags.map((f) => `      - "${f}"`)] : []),
    '',
    '--BOUNDARY--',
    '',
  ].join('\n');
}

/** Bottlerocket's TOML settings: cluster, API server, certificate authority, labels and taints. */
function bottlerocketSettings(cluster: eks.ICluster, labels: { [key: string]: string } | undefined, taints: NodeTaint[] | undefined): string {
  const lines = [
    '[settings.kubernetes]',
    `cluster-name = "${cluster.clusterName}"`,
    `api-server = "${cluster.clusterEndpoint}"`,
    `cluster-certificate = "${cluster.clusterCertificateAuthorityData}"`,
  ];
  const labelEntries = Object.entries(labels ?? {});
  if (labelEntries.length > 0) {
    lines.push('', '[settings.kubernetes.node-labels]', ...labelEntries.map(([k, v]) => `"${k}" = "${v}"`));
  }
  const byKey = new Map<string, string[]>();
  for (const t of taints ?? []) {
    byKey.set(t.key, [...(byKey.get(t.key) ?? []), `${t.value ?? ''}:${kubernetesTaintEffect(t.effect)}`]);
  }
  if (byKey.size > 0) {
    lines.push('', '[settings.kubernetes.node-taints]',
      ...[...byKey].map(([k, vs]) => `"${k}" = [${vs.map((v) => `"${v}"`).join(', ')}]`));
  }
  return lines.join('\n') + '\n';
}

/**
 * Where the drain comes from: options that serve no drain are refused, and on a VPC with no internet
 * path the chart must be in private ECR and the image must come through a pull-through cache.
 */
function checkDrainSource(errors: PropErrors, props: SelfManagedNodesProps, drain: boolean, isolated: boolean): void {
  const repository = props.drainChartRepository;
  if (!drain) {
    const given = (['drainChartRepository', 'imageCache'] as const).filter((p) => props[p] !== undefined);
    errors.check(given.length === 0, given.join(', '), 'a value', 'configures the drain, which is off; turn drainOnTermination on or leave them unset');
    return;
  }
  if (repository !== undefined && !Token.isUnresolved(repository)) {
    errors.check(/^(https|oci):\/\/\S+$/.test(repository), 'drainChartRepository', repository, 'must be an https:// Helm repository or an oci:// chart reference');
  }
  if (!isolated) {
    return;
  }
  const wayOut = 'or set drainOnTermination: false to terminate nodes without a drain';
  if (repository === undefined || (!Token.isUnresolved(repository) && !isPrivateEcrOci(repository))) {
    errors.add('drainChartRepository', repository,
      'the VPC has isolated subnets only (no NAT, no internet gateway), so the kubectl provider cannot reach a public chart registry; ' +
      `copy the aws-node-termination-handler chart ${NTH_CHART_VERSION} into private ECR and set drainChartRepository: ` +
      `'oci://<account>.dkr.ecr.<region>.amazonaws.com/<path>/aws-node-termination-handler', ${wayOut}`);
  }
  errors.check(props.imageCache !== undefined, 'imageCache', undefined,
    `the VPC has isolated subnets only, so nodes cannot pull the drain's image from ECR Public (${NTH_IMAGE}); ` +
    `pass imageCache: new ImageCache(...) and grant the node role imageCache.grantPull(), ${wayOut}`);
}

/** The distinct AZs of `subnets`, or undefined when the AZ of one cannot be read (an imported subnet without it). */
function subnetAvailabilityZones(subnets: ec2.ISubnet[]): string[] | undefined {
  try {
    return [...new Set(subnets.map((subnet) => subnet.availabilityZone))];
  } catch {
    return undefined;
  }
}
