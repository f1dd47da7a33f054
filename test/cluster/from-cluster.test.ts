import { CfnParameter, CfnResource, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { EksCluster, EksClusterAttributes } from '../../lib/cluster/eks-cluster';
import { NodeModeType } from '../../lib/compute/node-mode';
import { CustomerVpc } from '../../lib/network/customer-vpc';
import { newStack } from '../helpers/synth';

/** A stack with a customer VPC. */
function vpcStack(): { stack: Stack; vpc: ec2.IVpc } {
  const stack = newStack();
  return { stack, vpc: new CustomerVpc(stack, 'Network').vpc };
}

/** A user's own aws-eks-v2 cluster with managed-node capacity (no Auto Mode). */
function ownCluster(stack: Stack, vpc: ec2.IVpc, props: Partial<eks.ClusterProps> = {}): eks.Cluster {
  return new eks.Cluster(stack, 'Own', {
    vpc,
    version: eks.KubernetesVersion.V1_35,
    defaultCapacityType: eks.DefaultCapacityType.NODEGROUP,
    defaultCapacity: 0,
    ...props,
  });
}

/** An imported cluster with the attributes most apps have. */
function importedCluster(stack: Stack, vpc: ec2.IVpc | undefined, attrs: Partial<eks.ClusterAttributes> = {}): eks.ICluster {
  return eks.Cluster.fromClusterAttributes(stack, 'Imported', { clusterName: 'platform', vpc, clusterSecurityGroupId: 'sg-0123456789abcdef0', ...attrs });
}

describe('EksCluster.fromCluster reads what it can', () => {
  test('an owned aws-eks-v2 cluster: version, role, VPC, security group and service CIDR are read', () => {
    // GIVEN an aws-eks-v2 cluster of this app with a service CIDR
    const { stack, vpc } = vpcStack();
    const own = ownCluster(stack, vpc, { serviceIpv4Cidr: '172.20.0.0/16' });
    // WHEN it is adapted with only the node mode
    const handle = EksCluster.fromCluster(stack, 'Handle', { cluster: own, nodeModeType: NodeModeType.MANAGED });
    // THEN the readable facts come from the cluster
    expect(handle.kubernetesVersion.version).toBe('1.35');
    expect(handle.clusterRole).toBe(own.role);
    expect(handle.vpc).toBe(vpc);
    expect(handle.serviceIpv4Cidr).toBe('172.20.0.0/16');
    expect(handle.nodeSecurityGroups).toEqual([own.clusterSecurityGroup]);
    expect(handle.vpcSubnets).toEqual({ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS });
    expect(handle.nodeModeType).toBe(NodeModeType.MANAGED);
    expect(handle.clusterName).toBe(own.clusterName);
    expect(handle.cluster).toBe(own);
  });

  test('an imported cluster: the stated facts are used', () => {
    const { stack, vpc } = vpcStack();
    const role = iam.Role.fromRoleArn(stack, 'ClusterRole', 'arn:aws:iam::111122223333:role/platform-cluster');
    const handle = EksCluster.fromCluster(stack, 'Handle', {
      cluster: importedCluster(stack, vpc),
      nodeModeType: NodeModeType.AUTO_MODE,
      kubernetesVersion: eks.KubernetesVersion.V1_34,
      serviceIpv4Cidr: '10.100.0.0/16',
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, availabilityZones: ['us-east-1a'] },
      clusterRole: role,
    });
    expect(handle.nodeModeType).toBe(NodeModeType.AUTO_MODE);
    expect(handle.kubernetesVersion.version).toBe('1.34');
    expect(handle.serviceIpv4Cidr).toBe('10.100.0.0/16');
    expect(handle.vpcSubnets.availabilityZones).toEqual(['us-east-1a']);
    expect(handle.clusterRole).toBe(role);
    expect(handle.nodeSecurityGroups.map((g) => g.securityGroupId)).toEqual(['sg-0123456789abcdef0']);
    expect(handle.serviceIpv4Cidr).toBeDefined();
  });

  test('waitForCapacity orders after the stated capacity, and after capacity registered later', () => {
    // GIVEN an owned cluster with a node group, adapted with that capacity
    const { stack, vpc } = vpcStack();
    const own = ownCluster(stack, vpc);
    const group = own.addNodegroupCapacity('Group', { minSize: 1 });
    const handle = EksCluster.fromCluster(stack, 'Handle', { cluster: own, nodeModeType: NodeModeType.MANAGED, capacity: [group] });
    const later = own.addNodegroupCapacity('Later', { minSize: 1 });
    const extraGroup = new ec2.SecurityGroup(stack, 'ExtraNodes', { vpc });
    handle.registerCapacity(later, [extraGroup]);
    // WHEN something that runs pods waits for capacity
    const dependent = new CfnResource(stack, 'RunsPods', { type: 'Custom::RunsPods' });
    handle.waitForCapacity(dependent);
    // THEN it depends on both groups, and the registered group joins the node security groups
    const template = Template.fromStack(stack).toJSON();
    const groups = Object.keys(template.Resources).filter((id) => template.Resources[id].Type === 'AWS::EKS::Nodegroup');
    expect(groups).toHaveLength(2);
    expect(template.Resources.RunsPods.DependsOn).toEqual(expect.arrayContaining(groups));
    expect(handle.nodeSecurityGroups).toContain(extraGroup);
    // registering the same group again adds it once
    handle.registerCapacity(later, [extraGroup]);
    expect(handle.nodeSecurityGroups.filter((g) => g === extraGroup)).toHaveLength(1);
  });
});

describe('EksCluster.fromCluster refuses what it cannot know or what contradicts the cluster', () => {
  const adapt = (build: (stack: Stack, vpc: ec2.IVpc) => EksClusterAttributes) => () => {
    const { stack, vpc } = vpcStack();
    EksCluster.fromCluster(stack, 'Handle', build(stack, vpc));
  };

  test('a missing node mode', () => {
    expect(adapt((stack, vpc) => ({ cluster: ownCluster(stack, vpc) } as any)))
      .toThrow(/EksCluster.fromCluster at 'Test\/Handle' has invalid props:\n {2}- nodeModeType: got undefined; is required and cannot be read off an aws-eks-v2 cluster; one of managed, self-managed, fargate, auto-mode/);
  });

  test('a node mode that is not one of NodeModeType', () => {
    expect(adapt((stack, vpc) => ({ cluster: ownCluster(stack, vpc), nodeModeType: 'ec2' as any })))
      .toThrow(/nodeModeType: got 'ec2'; is required and cannot be read off an aws-eks-v2 cluster/);
  });

  test('Auto Mode stated on a cluster without Auto Mode compute', () => {
    expect(adapt((stack, vpc) => ({ cluster: ownCluster(stack, vpc), nodeModeType: NodeModeType.AUTO_MODE })))
      .toThrow(/nodeModeType: got 'auto-mode'; the cluster does not have Auto Mode compute turned on: state how its pods run \(managed, self-managed, fargate\)$/);
  });

  test('another mode stated on an Auto Mode cluster', () => {
    expect(adapt((stack, vpc) => ({
      cluster: new eks.Cluster(stack, 'Auto', { vpc, version: eks.KubernetesVersion.V1_35 }),
      nodeModeType: NodeModeType.MANAGED,
    }))).toThrow(/nodeModeType: got 'managed'; the cluster has Auto Mode compute turned on: state auto-mode/);
  });

  test('Auto Mode stated on an Auto Mode cluster is accepted', () => {
    const { stack, vpc } = vpcStack();
    const handle = EksCluster.fromCluster(stack, 'Handle', {
      cluster: new eks.Cluster(stack, 'Auto', { vpc, version: eks.KubernetesVersion.V1_35 }),
      nodeModeType: NodeModeType.AUTO_MODE,
    });
    expect(handle.nodeModeType).toBe(NodeModeType.AUTO_MODE);
  });

  test('a version that contradicts the cluster', () => {
    expect(adapt((stack, vpc) => ({ cluster: ownCluster(stack, vpc), nodeModeType: NodeModeType.MANAGED, kubernetesVersion: eks.KubernetesVersion.V1_36 })))
      .toThrow(/kubernetesVersion: got '1.36'; the cluster is created with Kubernetes 1.35: state 1.35 or leave it unset/);
  });

  test('the same version as the cluster is accepted', () => {
    const { stack, vpc } = vpcStack();
    const handle = EksCluster.fromCluster(stack, 'Handle', { cluster: ownCluster(stack, vpc), nodeModeType: NodeModeType.MANAGED, kubernetesVersion: eks.KubernetesVersion.V1_35 });
    expect(handle.kubernetesVersion.version).toBe('1.35');
  });

  test('no version for an imported cluster', () => {
    expect(adapt((stack, vpc) => ({ cluster: importedCluster(stack, vpc), nodeModeType: NodeModeType.MANAGED })))
      .toThrow(/kubernetesVersion: got undefined; is required for a cluster whose version cannot be read \(an imported cluster\)/);
  });

  test('a service CIDR that contradicts the cluster', () => {
    expect(adapt((stack, vpc) => ({ cluster: ownCluster(stack, vpc, { serviceIpv4Cidr: '172.20.0.0/16' }), nodeModeType: NodeModeType.MANAGED, serviceIpv4Cidr: '10.100.0.0/16' })))
      .toThrow(/serviceIpv4Cidr: got '10.100.0.0\/16'; the cluster's service CIDR is 172.20.0.0\/16/);
  });

  test('a cluster role that is not the cluster\'s', () => {
    expect(adapt((stack, vpc) => ({
      cluster: ownCluster(stack, vpc),
      nodeModeType: NodeModeType.MANAGED,
      clusterRole: new iam.Role(stack, 'Other', { assumedBy: new iam.ServicePrincipal('eks.amazonaws.com') }),
    }))).toThrow(/clusterRole: got 'Test\/Other'; the cluster's role is Test\/Own\/Role/);
  });

  test('an imported cluster without its VPC', () => {
    expect(adapt((stack) => ({ cluster: importedCluster(stack, undefined), nodeModeType: NodeModeType.MANAGED, kubernetesVersion: eks.KubernetesVersion.V1_36 })))
      .toThrow(/cluster: got 'Test\/Imported'; an imported cluster needs its `vpc`: pass it to eks.Cluster.fromClusterAttributes/);
  });

  test('an imported cluster without a cluster security group, and none stated', () => {
    expect(adapt((stack, vpc) => ({
      cluster: importedCluster(stack, vpc, { clusterSecurityGroupId: undefined }),
      nodeModeType: NodeModeType.MANAGED,
      kubernetesVersion: eks.KubernetesVersion.V1_36,
    }))).toThrow(/nodeSecurityGroups: got undefined; the cluster has no readable cluster security group/);
  });

  test('self-managed nodes without their security groups stated', () => {
    expect(adapt((stack, vpc) => ({ cluster: ownCluster(stack, vpc), nodeModeType: NodeModeType.SELF_MANAGED })))
      .toThrow(/nodeSecurityGroups: got undefined; self-managed nodes carry their own security group/);
  });

  test('an unknown attribute names the nearest real one', () => {
    expect(adapt((stack, vpc) => ({ cluster: ownCluster(stack, vpc), nodeModeType: NodeModeType.MANAGED, version: eks.KubernetesVersion.V1_35 } as any)))
      .toThrow(/version: got 'a value'; is not an option of EksCluster.fromCluster\(\) \(did you mean 'kubernetesVersion'\?\)/);
  });

  test('a token version is not refused', () => {
    const { stack, vpc } = vpcStack();
    const handle = EksCluster.fromCluster(stack, 'Handle', {
      cluster: importedCluster(stack, vpc),
      nodeModeType: NodeModeType.MANAGED,
      kubernetesVersion: eks.KubernetesVersion.of(new CfnParameter(stack, 'Version').valueAsString),
    });
    expect(stack.resolve(handle.kubernetesVersion.version)).toEqual({ Ref: 'Version' });
  });
});

describe('EksCluster.fromCluster accepts stated facts that agree with the cluster', () => {
  test('the same service CIDR and the same role as the cluster\'s', () => {
    const { stack, vpc } = vpcStack();
    const own = ownCluster(stack, vpc, { serviceIpv4Cidr: '172.20.0.0/16' });
    const handle = EksCluster.fromCluster(stack, 'Handle', {
      cluster: own, nodeModeType: NodeModeType.MANAGED, serviceIpv4Cidr: '172.20.0.0/16', clusterRole: own.role,
    });
    expect([handle.serviceIpv4Cidr, handle.clusterRole]).toEqual(['172.20.0.0/16', own.role]);
  });

  test('self-managed nodes with their security groups stated', () => {
    const { stack, vpc } = vpcStack();
    const own = ownCluster(stack, vpc);
    const nodes = new ec2.SecurityGroup(stack, 'Nodes', { vpc });
    const handle = EksCluster.fromCluster(stack, 'Handle', { cluster: own, nodeModeType: NodeModeType.SELF_MANAGED, nodeSecurityGroups: [own.clusterSecurityGroup, nodes] });
    expect(handle.nodeSecurityGroups).toEqual([own.clusterSecurityGroup, nodes]);
  });

  test('with no capacity stated, what waits for capacity waits for nothing; capacity registered without security groups adds none', () => {
    const { stack, vpc } = vpcStack();
    const own = ownCluster(stack, vpc);
    const handle = EksCluster.fromCluster(stack, 'Handle', { cluster: own, nodeModeType: NodeModeType.MANAGED });
    const dependent = new CfnResource(stack, 'RunsPods', { type: 'Custom::RunsPods' });
    handle.waitForCapacity(dependent);
    handle.registerCapacity(new CfnResource(stack, 'Capacity', { type: 'Custom::Capacity' }));
    const template = Template.fromStack(stack).toJSON();
    expect(template.Resources.RunsPods.DependsOn).toEqual(['Capacity']);
    expect(handle.nodeSecurityGroups).toEqual([own.clusterSecurityGroup]);
  });
});

