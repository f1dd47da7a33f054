import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { Construct } from 'constructs';

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

/** Options of {@link NodeMode.managed}. */
export interface ManagedNodeModeOptions {}

/** Options of {@link NodeMode.selfManaged}. */
export interface SelfManagedNodeModeOptions {}

/** Options of {@link NodeMode.fargate}. */
export interface FargateNodeModeOptions {}

/** Options of {@link NodeMode.autoMode}. */
export interface AutoModeNodeModeOptions {}

/** What a node mode needs from the cluster it binds to. */
export interface NodeModeBindContext {
  /** The cluster. */
  readonly cluster: eks.Cluster;
  /** The private subnets of every AZ, where capacity goes. */
  readonly nodeSubnets: ec2.SubnetSelection;
}

/**
 * The one choice of how a cluster gets compute. Use a static factory; each takes only the
 * options of its own mode, so no invalid mix can be written.
 */
export abstract class NodeMode {
  /** EKS managed node groups (the default). */
  public static managed(options: ManagedNodeModeOptions = {}): NodeMode {
    return new SimpleNodeMode(NodeModeType.MANAGED, options);
  }

  /** Self-managed nodes in an Auto Scaling group. */
  public static selfManaged(options: SelfManagedNodeModeOptions = {}): NodeMode {
    return new SimpleNodeMode(NodeModeType.SELF_MANAGED, options);
  }

  /** Fargate profiles only. */
  public static fargate(options: FargateNodeModeOptions = {}): NodeMode {
    return new SimpleNodeMode(NodeModeType.FARGATE, options);
  }

  /** EKS Auto Mode. */
  public static autoMode(options: AutoModeNodeModeOptions = {}): NodeMode {
    return new SimpleNodeMode(NodeModeType.AUTO_MODE, options);
  }

  /** Which mode this is. */
  public abstract readonly type: NodeModeType;

  /**
   * The `eks.Cluster` props this mode decides (Auto Mode's compute config, or no default capacity).
   * @internal
   */
  public abstract _clusterProps(): eks.ClusterProps | any;

  /**
   * Adds the mode's capacity to the cluster, under `scope`.
   * @internal
   */
  public abstract _bind(scope: Construct, context: NodeModeBindContext): void;
}

class SimpleNodeMode extends NodeMode {
  public constructor(public readonly type: NodeModeType, _options: object) {
    super();
  }

  public _clusterProps(): any {
    return this.type === NodeModeType.AUTO_MODE
      ? { defaultCapacityType: eks.DefaultCapacityType.AUTOMODE }
      : { defaultCapacityType: eks.DefaultCapacityType.NODEGROUP, defaultCapacity: 0 };
  }

  public _bind(_scope: Construct, _context: NodeModeBindContext): void {
    // Capacity comes with the node mode issue.
  }
}
