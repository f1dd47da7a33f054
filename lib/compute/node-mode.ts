import { RemovalPolicy } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { IEksCluster } from '../cluster/i-eks-cluster';
import { acknowledge } from '../private/acknowledge';
import { checkKnownKeys, optionKeys } from '../private/known-keys';
import { attachManagedPolicies, MANAGED_NODE_GROUP_OPTION_KEYS, SELF_MANAGED_NODES_OPTION_KEYS } from '../private/node-common';
import type { NodeModeClusterProps } from '../private/node-mode-props';
import { PropErrors } from '../private/prop-errors';
import { FargateLogging, FargateLoggingOptions } from './fargate-logging';
import { FargateProfile } from './fargate-profile';
import { ManagedNodeGroup, ManagedNodeGroupOptions } from './managed-node-group';
import { SelfManagedNodes, SelfManagedNodesOptions } from './self-managed-nodes';

/** Which kind of compute runs the cluster's pods. */
export enum NodeModeType {
  /** EKS managed node groups (`AWS::EKS::Nodegroup`). */
  MANAGED = 'managed',
  /** Self-managed nodes: an Auto Scaling group that joins through an access entry. */
  SELF_MANAGED = 'self-managed',
  /** Fargate profiles: no nodes to manage, each pod gets its own micro-VM. */
  FARGATE = 'fargate',
  /** EKS Auto Mode: EKS manages the nodes through its built-in node pools. */
  AUTO_MODE = 'auto-mode',
}

/** The built-in node pools of EKS Auto Mode. */
export enum AutoModeNodePool {
  /** `system`: tainted for critical add-ons (CriticalAddonsOnly), on-demand, ARM64 and x86_64. */
  SYSTEM = 'system',
  /** `general-purpose`: on-demand x86_64 nodes for workloads. */
  GENERAL_PURPOSE = 'general-purpose',
}

/** Options of {@link NodeMode.managed}: the cluster's default managed node group. */
export interface ManagedNodeModeOptions extends ManagedNodeGroupOptions {}

/** Options of {@link NodeMode.selfManaged}: the cluster's default self-managed nodes. */
export interface SelfManagedNodeModeOptions extends SelfManagedNodesOptions {}

/** Options of {@link NodeMode.fargate}. */
export interface FargateNodeModeOptions extends FargateLoggingOptions {
  /**
   * Which workload pods run on Fargate (1 to 5 selectors). `kube-system` is always covered by a
   * profile of its own, so CoreDNS and the add-ons run too.
   *
   * @default [{ namespace: 'default' }]
   */
  readonly selectors?: eks.Selector[];

  /**
   * Send the containers' stdout and stderr to a CloudWatch log group through Fargate's built-in
   * Fluent Bit. Needs the kubectl provider (set `kubectlLayer` on `EksCluster`), because the
   * configuration is a Kubernetes ConfigMap. Off by default so a cluster without a kubectl
   * provider works as is; turning it on without one is a synth-time error.
   *
   * @default false
   */
  readonly logging?: boolean;
}

/** Options of {@link NodeMode.autoMode}. */
export interface AutoModeNodeModeOptions {
  /**
   * The built-in node pools to turn on.
   *
   * @default [AutoModeNodePool.SYSTEM, AutoModeNodePool.GENERAL_PURPOSE]
   */
  readonly nodePools?: AutoModeNodePool[];
}

/** The capacity a node mode added to a cluster. */
export interface NodeCapacity {
  /** Which mode added it. */
  readonly type: NodeModeType;
  /**
   * The EC2 instance role of the nodes (managed, self-managed and Auto Mode nodes).
   * @default - none (Fargate)
   */
  readonly nodeRole?: iam.IRole;
  /**
   * The managed node group (managed mode).
   * @default - none
   */
  readonly managedNodeGroup?: ManagedNodeGroup;
  /**
   * The self-managed nodes (self-managed mode).
   * @default - none
   */
  readonly selfManagedNodes?: SelfManagedNodes;
  /**
   * The Fargate profiles: `kube-system` first, then the workloads (Fargate mode).
   * @default - none
   */
  readonly fargateProfiles?: FargateProfile[];
  /**
   * Fargate logging (Fargate mode with `logging: true`).
   * @default - none
   */
  readonly fargateLogging?: FargateLogging;
}

/**
 * The one choice of how a cluster gets compute. Use a static factory; each takes only the
 * options of its own mode, so no invalid mix can be written.
 */
export abstract class NodeMode {
  /** EKS managed node groups (the default): a node group across the private subnets of every AZ. */
  public static managed(options: ManagedNodeModeOptions = {}): NodeMode {
    return new ManagedNodeMode(options);
  }

  /** Self-managed AL2023 or Bottlerocket nodes in an Auto Scaling group. */
  public static selfManaged(options: SelfManagedNodeModeOptions = {}): NodeMode {
    return new SelfManagedNodeMode(options);
  }

  /** Fargate profiles only: one for `kube-system`, one for the workloads' selectors. */
  public static fargate(options: FargateNodeModeOptions = {}): NodeMode {
    return new FargateNodeMode(options);
  }

  /** EKS Auto Mode with its built-in node pools; EKS runs compute, block storage and load balancing. */
  public static autoMode(options: AutoModeNodeModeOptions = {}): NodeMode {
    return new AutoNodeMode(options);
  }

  /** Which mode this is. */
  public abstract readonly type: NodeModeType;

  /**
   * The `eks.Cluster` props this mode decides (Auto Mode's compute config, or no default
   * capacity). Constructs it needs before the cluster (the Auto Mode node role) go under `scope`.
   * @internal
   */
  public abstract _prepareCluster(scope: Construct): NodeModeClusterProps;

  /**
   * Adds the mode's capacity to `cluster`, under `scope`: node constructs that register themselves
   * with the cluster. Called once the cluster's add-ons and public fields exist. What the cluster
   * itself uses (the Auto Mode node role) and its logs follow the cluster's `removalPolicy`.
   * @internal
   */
  public abstract _bind(scope: Construct, cluster: IEksCluster, removalPolicy?: RemovalPolicy): NodeCapacity;
}

const NO_DEFAULT_CAPACITY: NodeModeClusterProps = { defaultCapacityType: eks.DefaultCapacityType.NODEGROUP, defaultCapacity: 0 };

class ManagedNodeMode extends NodeMode {
  public readonly type = NodeModeType.MANAGED;

  public constructor(private readonly options: ManagedNodeModeOptions) {
    super();
  }

  public _prepareCluster(scope: Construct): NodeModeClusterProps {
    const errors = new PropErrors(scope, 'EksCluster');
    checkKnownKeys(errors, this.options, MANAGED_NODE_GROUP_OPTION_KEYS, 'NodeMode.managed()');
    errors.throwIfAny();
    return NO_DEFAULT_CAPACITY;
  }

  public _bind(scope: Construct, cluster: IEksCluster): NodeCapacity {
    const group = new ManagedNodeGroup(scope, 'NodeGroup', { ...this.options, cluster });
    return { type: this.type, nodeRole: group.role, managedNodeGroup: group };
  }
}

class SelfManagedNodeMode extends NodeMode {
  public readonly type = NodeModeType.SELF_MANAGED;

  public constructor(private readonly options: SelfManagedNodeModeOptions) {
    super();
  }

  public _prepareCluster(scope: Construct): NodeModeClusterProps {
    const errors = new PropErrors(scope, 'EksCluster');
    checkKnownKeys(errors, this.options, SELF_MANAGED_NODES_OPTION_KEYS, 'NodeMode.selfManaged()');
    errors.throwIfAny();
    return NO_DEFAULT_CAPACITY;
  }

  public _bind(scope: Construct, cluster: IEksCluster): NodeCapacity {
    const nodes = new SelfManagedNodes(scope, 'SelfManagedNodes', { ...this.options, cluster });
    return { type: this.type, nodeRole: nodes.role, selfManagedNodes: nodes };
  }
}

const FARGATE_MODE_KEYS = optionKeys<FargateNodeModeOptions>({
  selectors: true, logging: true, logRetention: true, logEncryptionKey: true, logRemovalPolicy: true,
});

class FargateNodeMode extends NodeMode {
  public readonly type = NodeModeType.FARGATE;

  public constructor(private readonly options: FargateNodeModeOptions) {
    super();
  }

  public _prepareCluster(scope: Construct): NodeModeClusterProps {
    const errors = new PropErrors(scope, 'EksCluster');
    checkKnownKeys(errors, this.options, FARGATE_MODE_KEYS, 'NodeMode.fargate()');
    if (!this.options.logging) {
      for (const key of ['logRetention', 'logEncryptionKey', 'logRemovalPolicy'] as const) {
        errors.check(this.options[key] === undefined, `nodeMode.${key}`, this.options[key] === undefined ? undefined : 'a value',
          'configures Fargate logging, which is off; set logging: true or leave it unset');
      }
    }
    errors.throwIfAny();
    return NO_DEFAULT_CAPACITY;
  }

  public _bind(scope: Construct, cluster: IEksCluster, removalPolicy?: RemovalPolicy): NodeCapacity {
    const logging = this.options.logging ?? false;
    const errors = new PropErrors(scope, 'EksCluster');
    errors.check(!logging || cluster.kubectlProvider !== undefined, 'nodeMode', 'NodeMode.fargate({ logging: true })',
      'Fargate logging is a Kubernetes ConfigMap applied by the kubectl provider, which EksCluster creates only when kubectlLayer is set: set kubectlLayer, or leave logging off');
    errors.throwIfAny();

    const fargateLogging = logging
      ? new FargateLogging(scope, 'FargateLogging', {
        cluster,
        logRetention: this.options.logRetention,
        logEncryptionKey: this.options.logEncryptionKey,
        logRemovalPolicy: this.options.logRemovalPolicy ?? removalPolicy,
      })
      : undefined;
    // kube-system gets its own profile so CoreDNS (told to run on Fargate by its add-on
    // configuration) and the other add-ons always have somewhere to run.
    const system = new FargateProfile(scope, 'SystemFargateProfile', {
      cluster,
      selectors: [{ namespace: 'kube-system' }],
    });
    const workloads = new FargateProfile(scope, 'WorkloadFargateProfile', {
      cluster,
      selectors: this.options.selectors ?? [{ namespace: 'default' }],
    });
    // The cluster exposes its Fargate logging only once this returns; profiles added later read it there.
    for (const profile of [system, workloads]) {
      fargateLogging?.grantWrite(profile.podExecutionRole);
    }
    return { type: this.type, fargateProfiles: [system, workloads], fargateLogging };
  }
}

const AUTO_MODE_KEYS = optionKeys<AutoModeNodeModeOptions>({ nodePools: true });
const AUTO_MODE_NODE_ROLE_ID = 'AutoModeNodeRole';
const CLUSTER_ROLE_AUTO_MODE_POLICIES: Record<string, string> = {
  AmazonEKSComputePolicy: 'launches and terminates the EC2 instances of the Auto Mode node pools',
  AmazonEKSBlockStoragePolicy: 'creates, attaches and deletes the EBS volumes of Auto Mode block storage',
  AmazonEKSLoadBalancingPolicy: 'creates and manages the load balancers of Auto Mode load balancing',
  AmazonEKSNetworkingPolicy: 'manages the network interfaces and security groups of Auto Mode nodes',
};

class AutoNodeMode extends NodeMode {
  public readonly type = NodeModeType.AUTO_MODE;

  public constructor(private readonly options: AutoModeNodeModeOptions) {
    super();
  }

  public _prepareCluster(scope: Construct): NodeModeClusterProps {
    const nodePools = this.options.nodePools ?? [AutoModeNodePool.SYSTEM, AutoModeNodePool.GENERAL_PURPOSE];
    const errors = new PropErrors(scope, 'EksCluster');
    checkKnownKeys(errors, this.options, AUTO_MODE_KEYS, 'NodeMode.autoMode()');
    const known: string[] = [AutoModeNodePool.SYSTEM, AutoModeNodePool.GENERAL_PURPOSE];
    errors.check(nodePools.length >= 1, 'nodeMode.nodePools', nodePools,
      'Auto Mode needs at least one built-in node pool here (system, general-purpose); custom node pools alone are not supported by this construct');
    errors.check(nodePools.every((p) => known.includes(p)), 'nodeMode.nodePools', nodePools, `each must be one of ${known.join(', ')}`);
    errors.check(new Set(nodePools).size === nodePools.length, 'nodeMode.nodePools', nodePools, 'each node pool may be listed once');
    errors.throwIfAny();

    // Created here (before the cluster, which references it) so it can be exposed and acknowledged.
    const nodeRole = new iam.Role(scope, AUTO_MODE_NODE_ROLE_ID, {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: `Nodes of the EKS Auto Mode node pools of ${scope.node.path}`,
    });
    attachManagedPolicies(nodeRole, ['AmazonEKSWorkerNodeMinimalPolicy', 'AmazonEC2ContainerRegistryPullOnly']);
    return {
      defaultCapacityType: eks.DefaultCapacityType.AUTOMODE,
      compute: { nodePools, nodeRole },
      // Auto Mode nodes bring VPC networking, kube-proxy and DNS themselves.
      bootstrapSelfManagedAddons: false,
    };
  }

  public _bind(scope: Construct, cluster: IEksCluster, removalPolicy?: RemovalPolicy): NodeCapacity {
    const nodeRole = scope.node.findChild(AUTO_MODE_NODE_ROLE_ID) as iam.Role;
    // The cluster resource names this role (its compute config): a retained cluster keeps it.
    if (removalPolicy !== undefined) {
      nodeRole.applyRemovalPolicy(removalPolicy);
    }
    // aws-eks-v2 attaches the Auto Mode policies to the cluster role (the one EksCluster passes it) when Auto Mode is on.
    for (const [name, what] of Object.entries(CLUSTER_ROLE_AUTO_MODE_POLICIES)) {
      if (!cluster.clusterRole) {
        break;
      }
      acknowledge(cluster.clusterRole, `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${name}]`,
        `${name} is the AWS managed policy EKS Auto Mode requires on the cluster role: it ${what}; AWS keeps it in step with Auto Mode.`);
    }
    return { type: this.type, nodeRole };
  }
}
