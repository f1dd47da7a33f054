import { Size, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { IEksCluster } from '../cluster/i-eks-cluster';
import { claim, clusterOwnerKey } from '../private/app-registry';
import { checkKnownKeys, optionKeys } from '../private/known-keys';
import { WARN_NODEGROUP_NAME, warnIfNamed } from '../private/lifecycle';
import { warnPodIpsExceedSubnets } from '../private/network-rules';
import {
  checkDiskSize, checkEc2NodesCanJoin, checkInstanceTypeList, checkInstanceTypesAndAmi, checkLabels, checkMaxUnavailable, checkPrivateSubnets,
  checkScaling, checkSpot, checkTaints, createNodeRole, DEFAULT_INSTANCE_TYPE, isBottlerocket, MAX_MANAGED_INSTANCE_TYPES, nodeBlockDevices, resolveAmiType,
} from '../private/node-common';
import { checkUpdateStrategy, nodeRepairConfig, warmPoolConfig } from '../private/node-lifecycle';
import { PropErrors } from '../private/prop-errors';
import { NodegroupUpdateStrategy, NodeRepairOptions, WarmPoolOptions } from './node-lifecycle';
import { checkTagsAtSynth } from '../private/tag-rules';
import { NodeTaint } from './node-taint';
import { requireClusterHandle } from '../private/cluster-facts';

/** Managed node groups scale to at most 1,000 nodes per EKS quota; this library caps the check there. */
const MAX_NODES = 1000;

/**
 * Options of a managed node group: what {@link EksCluster.addManagedNodeGroup} and
 * `NodeMode.managed()` take. The cluster, its Kubernetes version and the subnets come from the cluster.
 */
export interface ManagedNodeGroupOptions {
  /**
   * The node group's name: 1 to 63 letters, digits, hyphens and underscores, beginning with a
   * letter or digit. Changing it replaces the node group.
   *
   * @default - a name EKS generates
   */
  readonly nodegroupName?: string;

  /**
   * Instance types of the nodes, all of one CPU architecture. Spot capacity needs at least two.
   *
   * @default [m6i.large]
   */
  readonly instanceTypes?: ec2.InstanceType[];

  /**
   * The AMI type: Amazon Linux 2023 or Bottlerocket. Amazon Linux 2 is refused (no AMIs for
   * Kubernetes 1.33 and later). For GPU instances pick an `AL2023_*_NVIDIA` or `*_NEURON` type.
   *
   * @default - AL2023 standard for the instance types' architecture (ARM64 for Graviton types such as m7g, c7g, t4g)
   */
  readonly amiType?: eks.NodegroupAmiType;

  /**
   * On-demand or spot capacity.
   *
   * @default eks.CapacityType.ON_DEMAND
   */
  readonly capacityType?: eks.CapacityType;

  /**
   * The fewest nodes. Two keep one node per AZ of a 2-AZ spread through a node replacement.
   *
   * @default 2
   */
  readonly minSize?: number;

  /**
   * The number of nodes at creation. Within [minSize, maxSize].
   *
   * @default - minSize
   */
  readonly desiredSize?: number;

  /**
   * The most nodes the group scales out to.
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
   * Kubernetes labels put on every node.
   *
   * @default - none
   */
  readonly labels?: { [key: string]: string };

  /**
   * Kubernetes taints put on every node.
   *
   * @default - none
   */
  readonly taints?: NodeTaint[];

  /**
   * How many nodes may be unavailable at once while the node group updates (new AMI, new
   * Kubernetes version, launch template change).
   *
   * @default 1
   */
  readonly maxUnavailable?: number;

  /**
   * Let EKS replace nodes that report unhealthy (node auto repair).
   *
   * @default true
   */
  readonly enableNodeAutoRepair?: boolean;

  /**
   * Thresholds and per-condition overrides of node auto repair. The signals come from the EKS node
   * monitoring agent, which `CoreAddons` installs on EC2 node modes.
   *
   * @default - EKS's thresholds and actions
   */
  readonly nodeRepair?: NodeRepairOptions;

  /**
   * How nodes are replaced during a version or launch template update.
   *
   * @default NodegroupUpdateStrategy.DEFAULT (EKS's own default; not written to the template)
   */
  readonly updateStrategy?: NodegroupUpdateStrategy;

  /**
   * A warm pool of pre-initialized instances, for workloads whose nodes take long to boot. The
   * instances cost money while they wait (EBS only when Stopped; full price when Running). Not
   * with Spot capacity.
   *
   * @default - no warm pool
   */
  readonly warmPool?: WarmPoolOptions;

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

/** Props of {@link ManagedNodeGroup}. */
export interface ManagedNodeGroupProps extends ManagedNodeGroupOptions {
  /**
   * The cluster the nodes join: an `EksCluster`, or any aws-eks-v2 cluster through
   * `EksCluster.fromCluster()`. Its node mode must run EC2 nodes (managed or self-managed): Fargate
   * and Auto Mode clusters install no VPC CNI or kube-proxy. The node group follows the cluster's
   * `kubernetesVersion`, so upgrading the cluster upgrades the node group after it.
   */
  readonly cluster: IEksCluster;

  /**
   * Where the nodes go: private subnets in at least 2 AZs.
   *
   * @default - the cluster's `vpcSubnets`
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Attach the AWS managed `AmazonEKS_CNI_Policy` to the node role. Only for a cluster whose VPC CNI
   * has no IAM role of its own: `EksCluster`'s add-ons give the CNI a Pod Identity role, and the
   * node role then stays without it.
   *
   * @default false
   */
  readonly attachCniPolicy?: boolean;
}

const PROPS_KEYS = optionKeys<ManagedNodeGroupProps>({
  nodegroupName: true, instanceTypes: true, amiType: true, capacityType: true, minSize: true, desiredSize: true, maxSize: true,
  diskSize: true, labels: true, taints: true, maxUnavailable: true, enableNodeAutoRepair: true,
  nodeRepair: true, updateStrategy: true, warmPool: true, detailedMonitoring: true,
  cluster: true, vpcSubnets: true, attachCniPolicy: true,
});

/**
 * An EKS managed node group (`AWS::EKS::Nodegroup`) with a launch template this construct owns:
 * IMDSv2 required with a hop limit of 1 (pods cannot borrow the node role), an encrypted gp3 root
 * volume, no SSH key, private subnets only, and an explicit AL2023 or Bottlerocket AMI type.
 * Nodes join through the access entry EKS creates for the node role. It registers itself as capacity
 * of the cluster: the node-level add-ons are created before it, CoreDNS and what waits for capacity after it.
 */
export class ManagedNodeGroup extends Construct {
  /** The node group's name. */
  public readonly nodegroupName: string;

  /** The node group's ARN. */
  public readonly nodegroupArn: string;

  /** The IAM role of the nodes. */
  public readonly role: iam.IRole;

  /** The launch template of the nodes. */
  public readonly launchTemplate: ec2.LaunchTemplate;

  /** The AMI type the nodes run. */
  public readonly amiType: eks.NodegroupAmiType;

  public constructor(scope: Construct, id: string, props: ManagedNodeGroupProps) {
    super(scope, id);
    requireClusterHandle(this, 'ManagedNodeGroup', props.cluster);

    // Defaults
    const instanceTypes = props.instanceTypes ?? [DEFAULT_INSTANCE_TYPE];
    const amiType = resolveAmiType(props.amiType, instanceTypes);
    const capacityType = props.capacityType ?? eks.CapacityType.ON_DEMAND;
    const minSize = props.minSize ?? 2;
    const desiredSize = props.desiredSize ?? minSize;
    const maxSize = props.maxSize ?? (Token.isUnresolved(desiredSize) ? 6 : Math.max(6, desiredSize));
    const diskSize = props.diskSize ?? Size.gibibytes(50);
    const maxUnavailable = props.maxUnavailable ?? 1;
    const cluster = props.cluster;
    const subnets = props.vpcSubnets ?? cluster.vpcSubnets;

    // Validation
    const errors = new PropErrors(this, 'ManagedNodeGroup');
    checkKnownKeys(errors, props, PROPS_KEYS, 'ManagedNodeGroup');
    checkEc2NodesCanJoin(errors, cluster);
    checkInstanceTypesAndAmi(errors, instanceTypes, amiType, props.amiType !== undefined);
    checkSpot(errors, capacityType === eks.CapacityType.SPOT, instanceTypes);
    errors.check(capacityType !== eks.CapacityType.CAPACITY_BLOCK, 'capacityType', capacityType,
      'capacity blocks need a reservation in the launch template; use ON_DEMAND or SPOT');
    checkScaling(errors, minSize, desiredSize, maxSize, MAX_NODES);
    const diskGib = checkDiskSize(errors, diskSize);
    checkLabels(errors, 'labels', props.labels);
    checkTaints(errors, props.taints ?? []);
    checkMaxUnavailable(errors, maxUnavailable, maxSize);
    checkInstanceTypeList(errors, this, instanceTypes, MAX_MANAGED_INSTANCE_TYPES, props.amiType !== undefined);
    const nodeSubnets = checkPrivateSubnets(errors, 'vpcSubnets', cluster.vpc, subnets, 'managed nodes');
    if (props.nodegroupName !== undefined && !Token.isUnresolved(props.nodegroupName)) {
      errors.check(/^[0-9A-Za-z][A-Za-z0-9_-]{0,62}$/.test(props.nodegroupName), 'nodegroupName', props.nodegroupName,
        'must be 1 to 63 characters: a letter or digit, then letters, digits, hyphens and underscores');
    }
    const repair = nodeRepairConfig(errors, props.enableNodeAutoRepair ?? true, props.nodeRepair, MAX_NODES);
    checkUpdateStrategy(errors, props.updateStrategy);
    const warmPool = warmPoolConfig(errors, props.warmPool, {
      desiredSize, maxSize, bottlerocket: isBottlerocket(amiType), spot: capacityType === eks.CapacityType.SPOT,
    });
    claim(errors, this, clusterOwnerKey(cluster), { prop: 'nodegroupName', what: 'node group name', where: 'on this cluster' }, props.nodegroupName);
    errors.throwIfAny();
    warnIfNamed(this, WARN_NODEGROUP_NAME, 'nodegroupName', props.nodegroupName);
    warnPodIpsExceedSubnets(this, nodeSubnets, instanceTypes, maxSize);
    checkTagsAtSynth(this);

    // Children
    const role = createNodeRole(this, 'NodeRole', props.attachCniPolicy ?? false, `Nodes of the EKS managed node group ${this.node.path}`);

    // No instance profile, key, instance type or security group: EKS adds the instance profile,
    // the instance types and the cluster security group to its own copy of this template.
    const launchTemplate = new ec2.LaunchTemplate(this, 'LaunchTemplate', {
      requireImdsv2: true,
      httpPutResponseHopLimit: 1,
      httpEndpoint: true,
      blockDevices: nodeBlockDevices(amiType, diskGib),
      detailedMonitoring: props.detailedMonitoring ?? true,
    });

    const resource = new eks.CfnNodegroup(this, 'Resource', {
      clusterName: cluster.clusterName,
      nodegroupName: props.nodegroupName,
      nodeRole: role.roleArn,
      subnets: cluster.vpc.selectSubnets(subnets).subnetIds,
      amiType,
      capacityType,
      instanceTypes: instanceTypes.map((t) => t.toString()),
      version: cluster.kubernetesVersion.version,
      launchTemplate: { id: launchTemplate.launchTemplateId, version: launchTemplate.latestVersionNumber },
      scalingConfig: { minSize, desiredSize, maxSize },
      updateConfig: { maxUnavailable, updateStrategy: props.updateStrategy },
      labels: props.labels,
      taints: props.taints?.map((t) => ({ key: t.key, value: t.value, effect: t.effect })),
      nodeRepairConfig: repair,
      warmPoolConfig: warmPool,
      forceUpdateEnabled: false,
    });

    // Uninstall the load balancer controller before its nodes go, so it can clean up its load balancers.
    if (cluster.cluster instanceof eks.Cluster && cluster.cluster.albController) {
      cluster.cluster.albController.node.addDependency(this);
    }
    // Node-level add-ons before the nodes, CoreDNS and what waits for capacity after them.
    cluster.registerCapacity(this);

    // Public fields
    this.nodegroupName = resource.attrNodegroupName;
    this.nodegroupArn = resource.attrArn;
    this.role = role;
    this.launchTemplate = launchTemplate;
    this.amiType = amiType;
  }
}
