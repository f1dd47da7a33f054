import { Duration } from 'aws-cdk-lib';

/** What node auto repair does to a node that matches an override. */
export enum NodeRepairAction {
  /** Replace the node with a new instance. */
  REPLACE = 'Replace',
  /** Reboot the node. */
  REBOOT = 'Reboot',
  /** Leave the node as it is (report only). */
  NO_ACTION = 'NoAction',
}

/**
 * One override of node auto repair: for nodes the EKS node monitoring agent reports with this
 * condition and reason, wait at least `minRepairWait`, then take `repairAction`. EKS needs every
 * field of an override.
 */
export interface NodeRepairOverride {
  /** The node condition the node monitoring agent reports, such as `AcceleratedHardwareReady`. */
  readonly nodeMonitoringCondition: string;
  /** The reason the agent reports with it, such as `NvidiaXID79Error`. */
  readonly nodeUnhealthyReason: string;
  /** How long the condition must last before the node is repaired: whole minutes, at least 1. */
  readonly minRepairWait: Duration;
  /** What to do then. */
  readonly repairAction: NodeRepairAction;
}

/**
 * Thresholds and overrides of node auto repair (`NodeRepairConfig`). Each pair (count or
 * percentage) takes one of its two forms.
 */
export interface NodeRepairOptions {
  /**
   * Stop repairing when more than this many nodes are unhealthy (a sign of a wider problem that
   * replacing nodes will not fix).
   *
   * @default - EKS's default threshold
   */
  readonly maxUnhealthyNodeThresholdCount?: number;

  /**
   * Stop repairing when more than this percentage (1 to 100) of the nodes are unhealthy.
   *
   * @default - EKS's default threshold
   */
  readonly maxUnhealthyNodeThresholdPercentage?: number;

  /**
   * Repair at most this many nodes at once.
   *
   * @default - EKS's default pace
   */
  readonly maxParallelNodesRepairedCount?: number;

  /**
   * Repair at most this percentage (1 to 100) of the unhealthy nodes at once.
   *
   * @default - EKS's default pace
   */
  readonly maxParallelNodesRepairedPercentage?: number;

  /**
   * Per-condition repair actions and waits.
   *
   * @default - none: EKS's built-in action per condition
   */
  readonly overrides?: NodeRepairOverride[];
}

/** How a managed node group replaces nodes during a version or launch template update. */
export enum NodegroupUpdateStrategy {
  /** Launch new nodes before terminating old ones, with EKS's guardrails (the EKS default). */
  DEFAULT = 'DEFAULT',
  /**
   * Terminate old nodes before launching new ones, without the guardrails: for scarce or costly
   * capacity such as GPUs, at the price of less capacity during the update.
   */
  MINIMAL = 'MINIMAL',
}

/** The state warm-pool instances wait in. */
export enum WarmPoolState {
  /** Stopped: you pay for their EBS volumes only (the EKS default). */
  STOPPED = 'Stopped',
  /** Running: fastest to join, billed as running instances. */
  RUNNING = 'Running',
  /** Hibernated: memory kept on the encrypted root volume; not on Bottlerocket, and only on instance types that support hibernation. */
  HIBERNATED = 'Hibernated',
}

/**
 * An EC2 Auto Scaling warm pool of pre-initialized nodes for a managed node group
 * (`WarmPoolConfig`): scale-out takes instances that already booted.
 */
export interface WarmPoolOptions {
  /**
   * The fewest instances kept in the warm pool, 0 or more.
   *
   * @default 0
   */
  readonly minSize?: number;

  /**
   * The most instances the node group and its warm pool hold together. At least the node group's
   * `desiredSize` (below it the pool only ever holds `minSize`).
   *
   * @default - the node group's maxSize: the pool holds maxSize - desiredSize instances
   */
  readonly maxGroupPreparedCapacity?: number;

  /**
   * The state the instances wait in.
   *
   * @default WarmPoolState.STOPPED
   */
  readonly poolState?: WarmPoolState;

  /**
   * Return instances to the warm pool on scale-in instead of terminating them. Not on Bottlerocket.
   *
   * @default false
   */
  readonly reuseOnScaleIn?: boolean;
}
