import { Duration } from 'aws-cdk-lib';

/**
 * What EKS does with the cluster when its Kubernetes version leaves standard support
 * (`UpgradePolicy.SupportType`).
 */
export enum SupportType {
  /**
   * EKS upgrades the control plane to the next version at the end of standard support. No
   * extended-support charge can accrue.
   */
  STANDARD = 'STANDARD',
  /**
   * The cluster stays on its version for up to 12 more months of extended support, billed at the
   * extended-support price per cluster hour (about 6 times the standard control-plane price) from
   * the day standard support ends.
   */
  EXTENDED = 'EXTENDED',
}

/** Who routes the traffic the Kubernetes API server starts (webhooks, OIDC discovery, aggregated APIs). */
export enum ControlPlaneEgressMode {
  /** EKS routes it through its own managed network (the EKS default). */
  AWS_MANAGED = 'AWS_MANAGED',
  /**
   * It leaves through network interfaces in the cluster's subnets and follows your route tables,
   * security groups and network ACLs. One-way: a cluster set to it can never go back to
   * `AWS_MANAGED`.
   */
  CUSTOMER_ROUTED = 'CUSTOMER_ROUTED',
}

/** How the scheduler's NodeResourcesFit plugin scores nodes. */
export enum SchedulerScoringStrategy {
  /** Prefer the least-used nodes: spreads pods (the Kubernetes default). */
  LEAST_ALLOCATED = 'LeastAllocated',
  /** Prefer the most-used nodes: packs pods, so autoscalers can remove empty nodes. */
  MOST_ALLOCATED = 'MostAllocated',
}

/** The weight of one resource in the scheduler's scoring strategy. */
export interface SchedulerResourceWeight {
  /** The resource name, such as `cpu` or `memory`. */
  readonly name: string;
  /** Its weight, from 1 to 100. */
  readonly weight: number;
}

/** The range of ports NodePort Services get. */
export interface ServiceNodePortRange {
  /** The lowest port (Kubernetes' default range starts at 30000). */
  readonly minPort: number;
  /** The highest port (Kubernetes' default range ends at 32767). */
  readonly maxPort: number;
}

/**
 * A typed subset of the settings EKS lets you change on the control-plane components
 * (`KubeApiServerConfig`, `KubeSchedulerConfig`, `KubeControllerManagerConfig`). EKS validates them
 * against per-version constraints at deploy time (`aws eks describe-cluster-versions`); the checks
 * here are the ones documented offline. See docs/CLUSTER.md.
 */
export interface ControlPlaneComponentOptions {
  /**
   * How long the API server keeps Kubernetes events (`--event-ttl`): whole minutes, rendered as a
   * single-unit duration such as `30m` or `2h`.
   *
   * @default - the EKS default (1 hour)
   */
  readonly eventTtl?: Duration;

  /**
   * The ports NodePort Services are given (`--service-node-port-range`).
   *
   * @default - the Kubernetes default, 30000-32767
   */
  readonly serviceNodePortRange?: ServiceNodePortRange;

  /**
   * The scheduler's NodeResourcesFit scoring strategy.
   *
   * @default - the Kubernetes default, LeastAllocated
   */
  readonly schedulerScoringStrategy?: SchedulerScoringStrategy;

  /**
   * The resource weights of the scoring strategy. Needs `schedulerScoringStrategy`.
   *
   * @default - the Kubernetes default (cpu and memory, weight 1 each)
   */
  readonly schedulerResourceWeights?: SchedulerResourceWeight[];

  /**
   * How many terminated pods may exist before the pod garbage collector deletes them
   * (`--terminated-pod-gc-threshold`), 1 or more.
   *
   * @default - the EKS default
   */
  readonly terminatedPodGcThreshold?: number;

  /**
   * How often the Horizontal Pod Autoscaler controller syncs (`--horizontal-pod-autoscaler-sync-period`):
   * whole seconds, rendered such as `15s` or `1m`.
   *
   * @default - the Kubernetes default, 15 seconds
   */
  readonly horizontalPodAutoscalerSyncPeriod?: Duration;
}
