import { Duration, Token } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { ControlPlaneComponentOptions, ControlPlaneEgressMode, SchedulerScoringStrategy, SupportType } from '../cluster/control-plane';
import { checkIntRange, PropErrors } from './prop-errors';

// Internal: validation and CloudFormation rendering of EksCluster's control-plane settings.

/** RollbackConfig.TimeoutMinutes bounds (EKS API reference: 120 to 10080, default 720). */
export const ROLLBACK_MIN_MINUTES = 120;
export const ROLLBACK_MAX_MINUTES = 10080;

/** A Duration as whole units of `unit`, or undefined for a token; records a problem when it is not whole. */
function wholeUnits(errors: PropErrors, prop: string, duration: Duration, unit: 'minutes' | 'seconds'): number | undefined {
  const amount = unit === 'minutes'
    ? duration.toMinutes({ integral: false })
    : duration.toSeconds({ integral: false });
  if (Token.isUnresolved(amount)) {
    return undefined;
  }
  errors.check(Number.isInteger(amount) && amount >= 1, prop, duration.toHumanString(), `must be a whole number of ${unit}, at least 1`);
  return Number.isInteger(amount) ? amount : undefined;
}

/** `90` minutes as `90m`, `120` as `2h`; seconds as `45s` or `1m`: the single-unit form EKS takes. */
function singleUnit(amount: number, unit: 'minutes' | 'seconds'): string {
  if (unit === 'seconds') {
    return amount % 60 === 0 ? singleUnit(amount / 60, 'minutes') : `${amount}s`;
  }
  return amount % 60 === 0 ? `${amount / 60}h` : `${amount}m`;
}

export function checkSupportType(errors: PropErrors, supportType: SupportType): void {
  errors.check(Object.values(SupportType).includes(supportType), 'supportType', supportType,
    `must be SupportType.STANDARD or SupportType.EXTENDED`);
}

export function checkEgressMode(errors: PropErrors, mode: ControlPlaneEgressMode | undefined): void {
  if (mode === undefined) {
    return;
  }
  errors.check(Object.values(ControlPlaneEgressMode).includes(mode), 'controlPlaneEgressMode', mode,
    'must be ControlPlaneEgressMode.AWS_MANAGED or CUSTOMER_ROUTED');
}

/** RollbackConfig from a Duration: whole minutes within the EKS bounds. */
export function rollbackConfig(errors: PropErrors, timeout: Duration | undefined): eks.CfnCluster.RollbackConfigProperty | undefined {
  if (timeout === undefined) {
    return undefined;
  }
  const minutes = timeout.toMinutes({ integral: false });
  if (Token.isUnresolved(minutes)) {
    return { timeoutMinutes: minutes };
  }
  errors.check(Number.isInteger(minutes) && minutes >= ROLLBACK_MIN_MINUTES && minutes <= ROLLBACK_MAX_MINUTES,
    'versionRollbackTimeout', timeout.toHumanString(),
    `must be whole minutes from ${ROLLBACK_MIN_MINUTES} (2 hours) to ${ROLLBACK_MAX_MINUTES} (7 days)`);
  return { timeoutMinutes: minutes };
}

/** The three component configurations, validated; undefined for the ones not set. */
export interface ComponentConfigs {
  readonly kubeApiServerConfig?: eks.CfnCluster.KubeApiServerConfigProperty;
  readonly kubeSchedulerConfig?: eks.CfnCluster.KubeSchedulerConfigProperty;
  readonly kubeControllerManagerConfig?: eks.CfnCluster.KubeControllerManagerConfigProperty;
}

export function componentConfigs(errors: PropErrors, o: ControlPlaneComponentOptions | undefined): ComponentConfigs {
  if (!o) {
    return {};
  }
  const p = 'controlPlaneComponents';

  // API server
  let eventTtl: string | undefined;
  if (o.eventTtl !== undefined) {
    const minutes = wholeUnits(errors, `${p}.eventTtl`, o.eventTtl, 'minutes');
    eventTtl = minutes === undefined ? undefined : singleUnit(minutes, 'minutes');
  }
  const range = o.serviceNodePortRange;
  if (range) {
    checkIntRange(errors, `${p}.serviceNodePortRange.minPort`, range.minPort, 1, 65535);
    checkIntRange(errors, `${p}.serviceNodePortRange.maxPort`, range.maxPort, 1, 65535);
    if (!Token.isUnresolved(range.minPort) && !Token.isUnresolved(range.maxPort)) {
      errors.check(range.minPort < range.maxPort, `${p}.serviceNodePortRange`, `${range.minPort}-${range.maxPort}`,
        'minPort must be lower than maxPort');
    }
  }
  const kubeApiServerConfig = eventTtl !== undefined || range
    ? { eventTtl, serviceNodePortRange: range ? { minPort: range.minPort, maxPort: range.maxPort } : undefined }
    : undefined;

  // Scheduler
  if (o.schedulerScoringStrategy !== undefined) {
    errors.check(Object.values(SchedulerScoringStrategy).includes(o.schedulerScoringStrategy), `${p}.schedulerScoringStrategy`,
      o.schedulerScoringStrategy, 'must be SchedulerScoringStrategy.LEAST_ALLOCATED or MOST_ALLOCATED');
  }
  const weights = o.schedulerResourceWeights;
  if (weights !== undefined) {
    errors.check(o.schedulerScoringStrategy !== undefined, `${p}.schedulerResourceWeights`, weights.map((w) => w.name),
      'weigh resources of a scoring strategy: set schedulerScoringStrategy too');
    errors.check(weights.length >= 1, `${p}.schedulerResourceWeights`, [], 'list at least one resource, or leave it unset');
    for (const w of weights) {
      checkIntRange(errors, `${p}.schedulerResourceWeights['${w.name}'].weight`, w.weight, 1, 100);
      if (!Token.isUnresolved(w.name)) {
        errors.check(w.name.length > 0, `${p}.schedulerResourceWeights name`, w.name, 'must name a resource such as cpu or memory');
      }
    }
    const names = weights.map((w) => w.name).filter((n) => !Token.isUnresolved(n));
    errors.check(new Set(names).size === names.length, `${p}.schedulerResourceWeights`, names, 'each resource may be listed once');
  }
  const kubeSchedulerConfig = o.schedulerScoringStrategy !== undefined
    ? {
      nodeResourcesFit: {
        scoringStrategy: {
          type: o.schedulerScoringStrategy,
          resources: weights?.map((w) => ({ name: w.name, weight: w.weight })),
        },
      },
    }
    : undefined;

  // Controller manager
  if (o.terminatedPodGcThreshold !== undefined && !Token.isUnresolved(o.terminatedPodGcThreshold)) {
    errors.check(Number.isInteger(o.terminatedPodGcThreshold) && o.terminatedPodGcThreshold >= 1, `${p}.terminatedPodGcThreshold`,
      o.terminatedPodGcThreshold, 'must be a whole number of 1 or more (0 would turn terminated-pod garbage collection off and let them pile up in etcd)');
  }
  let hpaSync: string | undefined;
  if (o.horizontalPodAutoscalerSyncPeriod !== undefined) {
    const seconds = wholeUnits(errors, `${p}.horizontalPodAutoscalerSyncPeriod`, o.horizontalPodAutoscalerSyncPeriod, 'seconds');
    hpaSync = seconds === undefined ? undefined : singleUnit(seconds, 'seconds');
  }
  const kubeControllerManagerConfig = o.terminatedPodGcThreshold !== undefined || hpaSync !== undefined
    ? {
      podGcControllerConfig: o.terminatedPodGcThreshold !== undefined ? { terminatedPodGcThreshold: o.terminatedPodGcThreshold } : undefined,
      horizontalPodAutoscalerControllerConfig: hpaSync !== undefined ? { horizontalPodAutoscalerSyncPeriod: hpaSync } : undefined,
    }
    : undefined;

  return { kubeApiServerConfig, kubeSchedulerConfig, kubeControllerManagerConfig };
}
