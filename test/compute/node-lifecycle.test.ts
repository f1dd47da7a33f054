import { CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { EksCluster } from '../../lib/cluster/eks-cluster';
import { ManagedNodeGroupOptions } from '../../lib/compute/managed-node-group';
import { NodegroupUpdateStrategy, NodeRepairAction, WarmPoolState } from '../../lib/compute/node-lifecycle';
import { NodeMode } from '../../lib/compute/node-mode';
import { clusterStack } from './fixtures';

/** The Properties of the node group at `path` (below the cluster construct). */
function nodegroupProps(stack: Stack, template: Template, id: string): any {
  const logicalId = stack.getLogicalId(stack.node.findChild('Eks').node.findChild(id).node.defaultChild as eks.CfnNodegroup);
  return template.toJSON().Resources[logicalId].Properties;
}

describe('managed node group repair, update strategy and warm pool', () => {
  let stack: Stack;
  let cluster: EksCluster;
  let template: Template;
  let n = 0;
  beforeAll(() => {
    // GIVEN a managed-node cluster
    ({ stack, cluster } = clusterStack());
    // WHEN a node group sets thresholds, an override, MINIMAL updates and a warm pool, and another a default warm pool
    cluster.addManagedNodeGroup('Tuned', {
      minSize: 2, desiredSize: 3, maxSize: 10,
      nodeRepair: {
        maxUnhealthyNodeThresholdPercentage: 30,
        maxParallelNodesRepairedCount: 2,
        overrides: [{
          nodeMonitoringCondition: 'AcceleratedHardwareReady', nodeUnhealthyReason: 'NvidiaXID79Error',
          minRepairWait: Duration.minutes(10), repairAction: NodeRepairAction.REBOOT,
        }],
      },
      updateStrategy: NodegroupUpdateStrategy.MINIMAL,
      warmPool: { minSize: 1, maxGroupPreparedCapacity: 12, poolState: WarmPoolState.RUNNING, reuseOnScaleIn: true },
    });
    cluster.addManagedNodeGroup('Warm', { warmPool: {} });
    template = Template.fromStack(stack);
  });
  // Validation runs on a second cluster that is never synthesized, so groups can be added after the first synth.
  let unsynthesized: EksCluster | undefined;
  const add = (options: ManagedNodeGroupOptions) => () => {
    unsynthesized ??= clusterStack().cluster;
    return unsynthesized.addManagedNodeGroup(`Group${n++}`, options);
  };

  test('defaults: auto repair on with EKS thresholds, EKS update strategy, no warm pool', () => {
    const props = nodegroupProps(stack, template, 'NodeGroup');
    expect(props.NodeRepairConfig).toEqual({ Enabled: true });
    expect(props.UpdateConfig).toEqual({ MaxUnavailable: 1 });
    expect(props.WarmPoolConfig).toBeUndefined();
  });

  test('every setting is written to AWS::EKS::Nodegroup', () => {
    // THEN
    const props = nodegroupProps(stack, template, 'Tuned');
    expect(props.NodeRepairConfig).toEqual({
      Enabled: true,
      MaxUnhealthyNodeThresholdPercentage: 30,
      MaxParallelNodesRepairedCount: 2,
      NodeRepairConfigOverrides: [{
        NodeMonitoringCondition: 'AcceleratedHardwareReady', NodeUnhealthyReason: 'NvidiaXID79Error', MinRepairWaitTimeMins: 10, RepairAction: 'Reboot',
      }],
    });
    expect(props.UpdateConfig).toEqual({ MaxUnavailable: 1, UpdateStrategy: 'MINIMAL' });
    expect(props.WarmPoolConfig).toEqual({ Enabled: true, MinSize: 1, MaxGroupPreparedCapacity: 12, PoolState: 'Running', ReuseOnScaleIn: true });
  });

  test('a warm pool defaults to Stopped, minSize 0, no reuse', () => {
    expect(nodegroupProps(stack, template, 'Warm').WarmPoolConfig)
      .toEqual({ Enabled: true, MinSize: 0, PoolState: 'Stopped', ReuseOnScaleIn: false });
  });

  test('thresholds take a count or a percentage, not both', () => {
    expect(add({ nodeRepair: { maxUnhealthyNodeThresholdCount: 3, maxUnhealthyNodeThresholdPercentage: 20 } }))
      .toThrow(/nodeRepair.maxUnhealthyNodeThresholdCount: got 3; EKS takes maxUnhealthyNodeThresholdCount or maxUnhealthyNodeThresholdPercentage, not both/);
    expect(add({ nodeRepair: { maxParallelNodesRepairedCount: 1, maxParallelNodesRepairedPercentage: 10 } }))
      .toThrow(/EKS takes maxParallelNodesRepairedCount or maxParallelNodesRepairedPercentage, not both/);
  });

  test('percentages are 1 to 100 and counts at least 1', () => {
    expect(add({ nodeRepair: { maxUnhealthyNodeThresholdPercentage: 0 } })).toThrow(/maxUnhealthyNodeThresholdPercentage: got 0; must be a whole number from 1 to 100/);
    expect(add({ nodeRepair: { maxParallelNodesRepairedPercentage: 101 } })).toThrow(/maxParallelNodesRepairedPercentage: got 101; must be a whole number from 1 to 100/);
    expect(add({ nodeRepair: { maxParallelNodesRepairedCount: 0 } })).toThrow(/maxParallelNodesRepairedCount: got 0; must be a whole number from 1 to 1000/);
    expect(add({ nodeRepair: { maxUnhealthyNodeThresholdPercentage: 100, maxParallelNodesRepairedCount: 1 } })().node.id).toMatch(/^Group/);
  });

  test('repair options need auto repair on', () => {
    expect(add({ enableNodeAutoRepair: false, nodeRepair: { maxParallelNodesRepairedCount: 1 } }))
      .toThrow(/nodeRepair: got 'thresholds or overrides'; configures node auto repair, which enableNodeAutoRepair: false turns off/);
  });

  test('an override needs every field, a known action and a wait of whole minutes', () => {
    const override = { nodeMonitoringCondition: 'KernelReady', nodeUnhealthyReason: 'SoftLockup', minRepairWait: Duration.minutes(5), repairAction: NodeRepairAction.REPLACE };
    expect(add({ nodeRepair: { overrides: [{ ...override, nodeUnhealthyReason: '' }] } }))
      .toThrow(/nodeRepair.overrides\[0\].nodeUnhealthyReason: got ''; EKS needs every field of an override/);
    expect(add({ nodeRepair: { overrides: [{ ...override, repairAction: 'Terminate' as NodeRepairAction }] } }))
      .toThrow(/nodeRepair.overrides\[0\].repairAction: got 'Terminate'; must be NodeRepairAction.REPLACE, REBOOT or NO_ACTION/);
    expect(add({ nodeRepair: { overrides: [{ ...override, minRepairWait: Duration.seconds(30) }] } }))
      .toThrow(/nodeRepair.overrides\[0\].minRepairWait: got '30 seconds'; must be a whole number of minutes, at least 1/);
    expect(add({ nodeRepair: { overrides: [{ ...override, minRepairWait: undefined as any }] } }))
      .toThrow(/nodeRepair.overrides\[0\].minRepairWait: got undefined; EKS needs every field/);
    const wait = new CfnParameter(Stack.of(clusterStack().cluster), 'Wait', { type: 'Number' }).valueAsNumber;
    expect(add({ nodeRepair: { overrides: [{ ...override, minRepairWait: Duration.minutes(wait) }] } })().node.id).toMatch(/^Group/);
  });

  test('updateStrategy must be DEFAULT or MINIMAL', () => {
    expect(add({ updateStrategy: 'FAST' as NodegroupUpdateStrategy })).toThrow(/updateStrategy: got 'FAST'; must be NodegroupUpdateStrategy.DEFAULT or MINIMAL/);
  });

  test('warm pool capacity is checked against the group sizes', () => {
    expect(add({ desiredSize: 4, maxSize: 8, warmPool: { maxGroupPreparedCapacity: 3 } }))
      .toThrow(/warmPool.maxGroupPreparedCapacity: got 3; counts the node group's own instances too: below its desiredSize \(4\)/);
    expect(add({ desiredSize: 4, maxSize: 8, warmPool: { maxGroupPreparedCapacity: 4, minSize: 5 } }))
      .toThrow(/warmPool.minSize: got 5; must not exceed maxGroupPreparedCapacity \(4\)/);
    expect(add({ warmPool: { minSize: -1 } })).toThrow(/warmPool.minSize: got -1; must be a whole number from 0/);
    expect(add({ desiredSize: 4, maxSize: 8, warmPool: { maxGroupPreparedCapacity: 4, minSize: 4 } })().node.id).toMatch(/^Group/);
  });

  test('no warm pool on Spot; no Hibernated or reuse on Bottlerocket', () => {
    const types = [new ec2.InstanceType('m6i.large'), new ec2.InstanceType('m5.large')];
    expect(add({ capacityType: eks.CapacityType.SPOT, instanceTypes: types, warmPool: {} }))
      .toThrow(/warmPool: got 'with capacityType SPOT'; EC2 Auto Scaling warm pools do not hold Spot Instances/);
    const bottlerocket = eks.NodegroupAmiType.BOTTLEROCKET_X86_64;
    expect(add({ amiType: bottlerocket, warmPool: { poolState: WarmPoolState.HIBERNATED } }))
      .toThrow(/warmPool.poolState: got 'Hibernated'; Bottlerocket nodes cannot hibernate/);
    expect(add({ amiType: bottlerocket, warmPool: { reuseOnScaleIn: true } }))
      .toThrow(/warmPool.reuseOnScaleIn: got true; is not supported on Bottlerocket nodes/);
    expect(add({ amiType: eks.NodegroupAmiType.AL2023_X86_64_STANDARD, warmPool: { poolState: WarmPoolState.HIBERNATED } })().node.id).toMatch(/^Group/);
  });

  test('NodeMode.managed() takes the same options', () => {
    const { stack: modeStack } = clusterStack({ nodeMode: NodeMode.managed({ updateStrategy: NodegroupUpdateStrategy.MINIMAL }) });
    expect(nodegroupProps(modeStack, Template.fromStack(modeStack), 'NodeGroup').UpdateConfig.UpdateStrategy).toBe('MINIMAL');
  });
});
