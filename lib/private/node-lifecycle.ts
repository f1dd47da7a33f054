import { Token } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { NodegroupUpdateStrategy, NodeRepairAction, NodeRepairOptions, WarmPoolOptions, WarmPoolState } from '../compute/node-lifecycle';
import { optionKeys, checkKnownKeys } from './known-keys';
import { checkIntRange, PropErrors } from './prop-errors';

// Internal: validation and rendering of a managed node group's repair, update and warm-pool settings.

const REPAIR_KEYS = optionKeys<NodeRepairOptions>({
  maxUnhealthyNodeThresholdCount: true, maxUnhealthyNodeThresholdPercentage: true,
  maxParallelNodesRepairedCount: true, maxParallelNodesRepairedPercentage: true, overrides: true,
});
const WARM_POOL_KEYS = optionKeys<WarmPoolOptions>({ minSize: true, maxGroupPreparedCapacity: true, poolState: true, reuseOnScaleIn: true });

/** NodeRepairConfig: on/off, then the thresholds and overrides. */
export function nodeRepairConfig(errors: PropErrors, enabled: boolean, o: NodeRepairOptions | undefined, maxNodes: number): eks.CfnNodegroup.NodeRepairConfigProperty {
  if (!o) {
    return { enabled };
  }
  errors.check(enabled, 'nodeRepair', 'thresholds or overrides', 'configures node auto repair, which enableNodeAutoRepair: false turns off; remove one of them');
  checkKnownKeys(errors, o, REPAIR_KEYS, 'ManagedNodeGroup.nodeRepair');
  const pair = (count: keyof NodeRepairOptions, percentage: keyof NodeRepairOptions) => {
    errors.check(o[count] === undefined || o[percentage] === undefined, `nodeRepair.${count}`, o[count],
      `EKS takes ${count} or ${percentage}, not both`);
    checkIntRange(errors, `nodeRepair.${count}`, o[count] as number | undefined, 1, maxNodes);
    checkIntRange(errors, `nodeRepair.${percentage}`, o[percentage] as number | undefined, 1, 100);
  };
  pair('maxUnhealthyNodeThresholdCount', 'maxUnhealthyNodeThresholdPercentage');
  pair('maxParallelNodesRepairedCount', 'maxParallelNodesRepairedPercentage');
  const overrides = (o.overrides ?? []).map((override, i) => {
    const p = `nodeRepair.overrides[${i}]`;
    for (const key of ['nodeMonitoringCondition', 'nodeUnhealthyReason'] as const) {
      const value = override[key];
      if (!Token.isUnresolved(value)) {
        errors.check(typeof value === 'string' && value.length > 0, `${p}.${key}`, value, 'EKS needs every field of an override: name what the node monitoring agent reports');
      }
    }
    errors.check(Object.values(NodeRepairAction).includes(override.repairAction), `${p}.repairAction`, override.repairAction,
      'must be NodeRepairAction.REPLACE, REBOOT or NO_ACTION');
    const minutes = override.minRepairWait?.toMinutes({ integral: false });
    if (minutes === undefined) {
      errors.add(`${p}.minRepairWait`, undefined, 'EKS needs every field of an override: set the wait');
    } else if (!Token.isUnresolved(minutes)) {
      errors.check(Number.isInteger(minutes) && minutes >= 1, `${p}.minRepairWait`, override.minRepairWait.toHumanString(),
        'must be a whole number of minutes, at least 1');
    }
    return {
      nodeMonitoringCondition: override.nodeMonitoringCondition,
      nodeUnhealthyReason: override.nodeUnhealthyReason,
      minRepairWaitTimeMins: minutes,
      repairAction: override.repairAction,
    };
  });
  return {
    enabled,
    maxUnhealthyNodeThresholdCount: o.maxUnhealthyNodeThresholdCount,
    maxUnhealthyNodeThresholdPercentage: o.maxUnhealthyNodeThresholdPercentage,
    maxParallelNodesRepairedCount: o.maxParallelNodesRepairedCount,
    maxParallelNodesRepairedPercentage: o.maxParallelNodesRepairedPercentage,
    nodeRepairConfigOverrides: overrides.length > 0 ? overrides : undefined,
  };
}

export function checkUpdateStrategy(errors: PropErrors, strategy: NodegroupUpdateStrategy | undefined): void {
  if (strategy !== undefined) {
    errors.check(Object.values(NodegroupUpdateStrategy).includes(strategy), 'updateStrategy', strategy,
      'must be NodegroupUpdateStrategy.DEFAULT or MINIMAL');
  }
}

/** The facts of the node group a warm pool is checked against. */
export interface WarmPoolGroup {
  readonly desiredSize: number;
  readonly maxSize: number;
  readonly bottlerocket: boolean;
  readonly spot: boolean;
}

/** WarmPoolConfig, validated against the node group's sizes, AMI and capacity type. */
export function warmPoolConfig(errors: PropErrors, o: WarmPoolOptions | undefined, group: WarmPoolGroup): eks.CfnNodegroup.WarmPoolConfigProperty | undefined {
  if (!o) {
    return undefined;
  }
  checkKnownKeys(errors, o, WARM_POOL_KEYS, 'ManagedNodeGroup.warmPool');
  const known = (n: number | undefined): n is number => n !== undefined && !Token.isUnresolved(n);
  checkIntRange(errors, 'warmPool.minSize', o.minSize, 0, Number.MAX_SAFE_INTEGER);
  const cap = o.maxGroupPreparedCapacity;
  if (known(cap)) {
    errors.check(Number.isInteger(cap) && cap >= 1, 'warmPool.maxGroupPreparedCapacity', cap, 'must be a whole number of 1 or more');
    if (known(group.desiredSize)) {
      errors.check(cap >= group.desiredSize, 'warmPool.maxGroupPreparedCapacity', cap,
        `counts the node group's own instances too: below its desiredSize (${group.desiredSize}) the pool only ever holds minSize; use at least ${group.desiredSize}`);
    }
    if (known(o.minSize)) {
      errors.check(o.minSize <= cap, 'warmPool.minSize', o.minSize, `must not exceed maxGroupPreparedCapacity (${cap})`);
    }
  }
  if (o.poolState !== undefined) {
    errors.check(Object.values(WarmPoolState).includes(o.poolState), 'warmPool.poolState', o.poolState,
      'must be WarmPoolState.STOPPED, RUNNING or HIBERNATED');
  }
  if (group.bottlerocket) {
    errors.check(o.poolState !== WarmPoolState.HIBERNATED, 'warmPool.poolState', o.poolState,
      'Bottlerocket nodes cannot hibernate (EKS warm pools: Stopped or Running only on Bottlerocket)');
    errors.check(o.reuseOnScaleIn !== true, 'warmPool.reuseOnScaleIn', true, 'is not supported on Bottlerocket nodes (EKS warm pools)');
  }
  errors.check(!group.spot, 'warmPool', 'with capacityType SPOT', 'EC2 Auto Scaling warm pools do not hold Spot Instances; use ON_DEMAND capacity or no warm pool');
  return {
    enabled: true,
    minSize: o.minSize ?? 0,
    maxGroupPreparedCapacity: cap,
    poolState: o.poolState ?? WarmPoolState.STOPPED,
    reuseOnScaleIn: o.reuseOnScaleIn ?? false,
  };
}
