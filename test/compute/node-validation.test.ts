import { CfnParameter, Size } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { EksCluster } from '../../lib/cluster/eks-cluster';
import { ManagedNodeGroup } from '../../lib/compute/managed-node-group';
import { AutoModeNodePool, NodeMode, NodeModeType } from '../../lib/compute/node-mode';
import { CustomerVpc } from '../../lib/network/customer-vpc';
import { newStack } from '../helpers/synth';
import { clusterStack, ownClusterStack } from './fixtures';

const m6i = new ec2.InstanceType('m6i.large');
const m7g = new ec2.InstanceType('m7g.large');
const c7g = new ec2.InstanceType('c7g.large');

/** Shared node options, written once for both node constructs; `spot` maps to each one's spelling. */
interface NodeOpts {
  instanceTypes?: ec2.InstanceType[];
  amiType?: eks.NodegroupAmiType;
  spot?: boolean;
  minSize?: number;
  desiredSize?: number;
  maxSize?: number;
  diskSize?: Size;
  labels?: { [key: string]: string };
  taints?: any[];
}

const KINDS: Array<[string, RegExp, (o: NodeOpts) => NodeMode]> = [
  ['managed', /ManagedNodeGroup at 'Test\/Eks\/NodeGroup' has invalid props/, ({ spot, ...o }) =>
    NodeMode.managed({ ...o, capacityType: spot ? eks.CapacityType.SPOT : undefined })],
  ['self-managed', /SelfManagedNodes at 'Test\/Eks\/SelfManagedNodes' has invalid props/, (o) => NodeMode.selfManaged(o)],
];

describe.each(KINDS)('%s nodes refuse bad input at synth time', (_kind, header, mode) => {
  const build = (o: NodeOpts) => () => clusterStack({ nodeMode: mode(o) });

  test('minSize greater than maxSize', () => {
    // WHEN min 5 and max 3 THEN the range is named
    expect(build({ minSize: 5, maxSize: 3, desiredSize: 3 })).toThrow(/minSize: got 5; must not exceed maxSize \(3\)/);
  });

  test('desiredSize outside [minSize, maxSize]', () => {
    // WHEN desired is above max THEN the allowed range is named
    expect(build({ minSize: 1, desiredSize: 9, maxSize: 4 })).toThrow(/desiredSize: got 9; must be a whole number within \[minSize, maxSize\] = \[1, 4\]/);
  });

  test('maxSize 0', () => {
    // WHEN max is 0 THEN at least one node is required
    expect(build({ minSize: 0, maxSize: 0 })).toThrow(/maxSize: got 0; must be a whole number from 1 to 1000/);
  });

  test('spot with one instance type', () => {
    // WHEN spot runs on one type THEN a second is asked for
    expect(build({ spot: true, instanceTypes: [m6i] })).toThrow(/instanceTypes: got \["m6i.large"\]; spot capacity needs at least 2 instance types/);
  });

  test('instance types of mixed CPU architectures', () => {
    // WHEN x86_64 and ARM64 are mixed THEN the architectures are named
    expect(build({ instanceTypes: [m6i, m7g] })).toThrow(/instanceTypes: got \["m6i.large","m7g.large"\]; mixes CPU architectures \(x86_64, arm64\)/);
  });

  test('instance types that do not match the AMI type', () => {
    // WHEN Graviton types get an x86_64 AMI THEN both sides are named
    expect(build({ instanceTypes: [m7g, c7g], amiType: eks.NodegroupAmiType.AL2023_X86_64_STANDARD }))
      .toThrow(/amiType: got 'AL2023_x86_64_STANDARD'; is for x86_64 but instanceTypes \(m7g.large, c7g.large\) are arm64/);
  });

  test('an Amazon Linux 2 AMI type', () => {
    // WHEN AL2 is asked for THEN it is refused with the reason
    expect(build({ amiType: eks.NodegroupAmiType.AL2_X86_64 }))
      .toThrow(/amiType: got 'AL2_x86_64'; Amazon Linux 2 has no EKS AMIs for Kubernetes 1.33 and later; use one of AL2023_x86_64_STANDARD/);
  });

  test('disk size out of range', () => {
    // WHEN the root volume is 10 GiB THEN the range is named
    expect(build({ diskSize: Size.gibibytes(10) })).toThrow(/diskSize: got '10 GiB'; must be a whole number of GiB from 20 to 65536/);
    expect(build({ diskSize: Size.gibibytes(65537) })).toThrow(/diskSize: got '65537 GiB'; must be a whole number of GiB from 20 to 65536/);
  });

  test('a label key with characters Kubernetes rejects', () => {
    // WHEN a label key has a space THEN the name rule is quoted
    expect(build({ labels: { 'bad key': 'x' } })).toThrow(/labels key: got 'bad key'; the name part must be 1 to 63 characters/);
  });

  test('a label key longer than 63 characters', () => {
    // WHEN the name part is 64 characters THEN it is refused
    expect(build({ labels: { ['a'.repeat(64)]: 'x' } })).toThrow(/labels key: got 'a{64}'; the name part must be 1 to 63 characters/);
  });

  test('a label key with a reserved prefix', () => {
    // WHEN a label is under k8s.io THEN the reservation is named
    expect(build({ labels: { 'k8s.io/role': 'x' } })).toThrow(/labels key: got 'k8s.io\/role'; the k8s.io prefixes are reserved for Kubernetes/);
  });

  test('the two reserved prefixes the kubelet may set on its own node are accepted', () => {
    // WHEN labels use node.kubernetes.io/ and kubelet.kubernetes.io/ THEN they reach the template
    const { stack } = clusterStack({ nodeMode: mode({ labels: { 'node.kubernetes.io/role': 'worker', 'kubelet.kubernetes.io/zone-hint': 'a' } }) });
    const json = JSON.stringify(Template.fromStack(stack).toJSON());
    expect(json).toContain('node.kubernetes.io/role');
    expect(json).toContain('kubelet.kubernetes.io/zone-hint');
  });

  test('a label value Kubernetes rejects', () => {
    // WHEN a value is 64 characters THEN it is refused
    expect(build({ labels: { team: 'v'.repeat(64) } })).toThrow(/labels\['team'\]: got 'v{64}'; values must be at most 63 characters/);
  });

  test('a taint key with a reserved prefix', () => {
    // WHEN a taint is under kubernetes.io THEN it is refused
    expect(build({ taints: [{ key: 'kubernetes.io/x', effect: eks.TaintEffect.NO_SCHEDULE }] }))
      .toThrow(/taints key: got 'kubernetes.io\/x'; the kubernetes.io prefixes are reserved/);
  });

  test('a taint value Kubernetes rejects', () => {
    // WHEN a taint value has a slash THEN it is refused
    expect(build({ taints: [{ key: 'dedicated', value: 'a/b', effect: eks.TaintEffect.NO_SCHEDULE }] }))
      .toThrow(/taints\['dedicated'\] value: got 'a\/b'; values must be at most 63 characters/);
  });

  test('a taint effect other than NoSchedule, PreferNoSchedule or NoExecute', () => {
    // WHEN a JavaScript caller passes an unknown effect THEN the three effects are listed
    expect(build({ taints: [{ key: 'dedicated', effect: 'NoWay' }] }))
      .toThrow(/taints\['dedicated'\] effect: got 'NoWay'; must be TaintEffect.NO_SCHEDULE, PREFER_NO_SCHEDULE or NO_EXECUTE/);
  });

  test('collects every problem, names the construct path, and throws once', () => {
    // WHEN three props are wrong THEN one error lists all three under the construct's path
    let message = '';
    try {
      build({ minSize: 3, maxSize: 2, desiredSize: 2, diskSize: Size.gibibytes(5), labels: { 'k8s.io/a': 'b' } })();
    } catch (e) {
      message = String(e);
    }
    expect(message).toMatch(header);
    expect(message.match(/^ {2}- /gm)).toHaveLength(3);
  });

  test('tokens are never falsely rejected', () => {
    // GIVEN sizes and a label value from CloudFormation parameters THEN the cluster builds and passes them through
    const stack = newStack();
    const network = new CustomerVpc(stack, 'Network');
    const num = (id: string) => new CfnParameter(stack, id, { type: 'Number' }).valueAsNumber;
    const value = new CfnParameter(stack, 'Team').valueAsString;
    new EksCluster(stack, 'Eks', {
      vpc: network.vpc,
      nodeMode: mode({ minSize: num('Min'), desiredSize: num('Desired'), maxSize: num('Max'), diskSize: Size.gibibytes(num('Disk')), labels: { team: value } }),
    });
    const template = Template.fromStack(stack);
    expect(JSON.stringify(template.toJSON().Resources)).toContain('{"Ref":"Max"}');
    expect(JSON.stringify(template.toJSON().Resources)).toContain('{"Ref":"Disk"}');
  });
});

describe('options that make no sense for the chosen mode', () => {
  test('a self-managed option given to managed nodes', () => {
    // WHEN a JavaScript caller passes `spot` to NodeMode.managed THEN it is named with the mode's options
    expect(() => clusterStack({ nodeMode: NodeMode.managed({ spot: true } as any) }))
      .toThrow(/EksCluster at 'Test\/Eks'[\s\S]*spot: got 'a value'; is not an option of NodeMode.managed\(\); its options are nodegroupName/);
  });

  test('a managed option given to self-managed nodes', () => {
    // WHEN `capacityType` is passed to NodeMode.selfManaged THEN it is refused
    expect(() => clusterStack({ nodeMode: NodeMode.selfManaged({ capacityType: eks.CapacityType.SPOT } as any) }))
      .toThrow(/capacityType: got 'a value'; is not an option of NodeMode.selfManaged\(\)/);
  });

  test('node options given to Fargate or Auto Mode', () => {
    // WHEN instance types are passed to the modes without nodes THEN they are refused
    expect(() => clusterStack({ nodeMode: NodeMode.fargate({ instanceTypes: [m6i] } as any) }))
      .toThrow(/instanceTypes: got 'a value'; is not an option of NodeMode.fargate\(\)/);
    expect(() => clusterStack({ nodeMode: NodeMode.autoMode({ minSize: 2 } as any) }))
      .toThrow(/minSize: got 'a value'; is not an option of NodeMode.autoMode\(\); its options are nodePools/);
  });

  test('capacity blocks for a managed node group', () => {
    // WHEN CAPACITY_BLOCK is asked for THEN it is refused (it needs a reservation)
    expect(() => clusterStack({ nodeMode: NodeMode.managed({ capacityType: eks.CapacityType.CAPACITY_BLOCK }) }))
      .toThrow(/capacityType: got 'CAPACITY_BLOCK'; capacity blocks need a reservation/);
  });

  test('a node group name EKS rejects', () => {
    // WHEN the name has a space THEN the naming rule is quoted
    expect(() => clusterStack({ nodeMode: NodeMode.managed({ nodegroupName: 'my nodes' }) }))
      .toThrow(/nodegroupName: got 'my nodes'; must be 1 to 63 characters/);
  });

  test('maxUnavailable out of range', () => {
    // WHEN 0 nodes may be unavailable THEN updates could never proceed
    expect(() => clusterStack({ nodeMode: NodeMode.managed({ maxUnavailable: 0 }) }))
      .toThrow(/maxUnavailable: got 0; must be a whole number from 1 to 100/);
  });

  test('a Windows AMI type', () => {
    // WHEN a Windows AMI is asked for THEN only AL2023 and Bottlerocket are offered
    expect(() => clusterStack({ nodeMode: NodeMode.managed({ amiType: eks.NodegroupAmiType.WINDOWS_CORE_2022_X86_64 }) }))
      .toThrow(/amiType: got 'WINDOWS_CORE_2022_x86_64'; this construct runs Linux nodes on Amazon Linux 2023 or Bottlerocket/);
  });

  test('Auto Mode with an unknown, repeated or no node pool', () => {
    // WHEN the node pools are wrong THEN each problem is named
    expect(() => clusterStack({ nodeMode: NodeMode.autoMode({ nodePools: ['gpu' as AutoModeNodePool] }) }))
      .toThrow(/nodeMode.nodePools: got \["gpu"\]; each must be one of system, general-purpose/);
    expect(() => clusterStack({ nodeMode: NodeMode.autoMode({ nodePools: [AutoModeNodePool.SYSTEM, AutoModeNodePool.SYSTEM] }) }))
      .toThrow(/nodeMode.nodePools: got \["system","system"\]; each node pool may be listed once/);
    expect(() => clusterStack({ nodeMode: NodeMode.autoMode({ nodePools: [] }) }))
      .toThrow(/nodeMode.nodePools: got \[\]; Auto Mode needs at least one built-in node pool/);
  });

  test('nodes in public subnets', () => {
    // GIVEN a plain eks.Cluster, adapted WHEN a node group is put in the public subnets THEN it is refused
    const { stack, cluster } = ownClusterStack();
    expect(() => new ManagedNodeGroup(stack, 'Nodes', { cluster, vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } }))
      .toThrow(/ManagedNodeGroup at 'Test\/Nodes'[\s\S]*vpcSubnets: got 'public subnets'; managed nodes must run in private subnets/);
  });

  test('nodes in a single Availability Zone', () => {
    // GIVEN a cluster in a VPC with known AZs WHEN a node group gets one private subnet THEN it is refused
    const stack = newStack({ env: { account: '111122223333', region: 'eu-west-1' } });
    const vpc = new ec2.Vpc(stack, 'Vpc', { availabilityZones: ['eu-west-1a', 'eu-west-1b'], natGateways: 1 });
    const own = new eks.Cluster(stack, 'Own', { vpc, version: eks.KubernetesVersion.V1_36, defaultCapacity: 0, defaultCapacityType: eks.DefaultCapacityType.NODEGROUP });
    const cluster = EksCluster.fromCluster(stack, 'Byo', { cluster: own, nodeModeType: NodeModeType.MANAGED });
    expect(() => new ManagedNodeGroup(stack, 'OneAz', { cluster, vpcSubnets: { subnets: [vpc.privateSubnets[0]] } }))
      .toThrow(/vpcSubnets: got 'subnets in [^']*'; managed nodes need subnets in at least 2 Availability Zones/);
  });
});

describe('unknown options of a node mode', () => {
  test.each([
    ['NodeMode.managed()', () => NodeMode.managed({ minSzie: 2 } as any), /minSzie: got 'a value'; is not an option of NodeMode\.managed\(\) \(did you mean 'minSize'\?\)/],
    ['NodeMode.selfManaged()', () => NodeMode.selfManaged({ subnets: {} } as any), /subnets: got 'a value'; is not an option of NodeMode\.selfManaged\(\)/],
    ['NodeMode.fargate()', () => NodeMode.fargate({ selector: [] } as any), /selector: got 'a value'; is not an option of NodeMode\.fargate\(\) \(did you mean 'selectors'\?\)/],
    ['NodeMode.autoMode()', () => NodeMode.autoMode({ nodePool: [] } as any), /nodePool: got 'a value'; is not an option of NodeMode\.autoMode\(\) \(did you mean 'nodePools'\?\)/],
  ])('%s names a misspelt or foreign option', (_mode, mode, message) => {
    // WHEN a JavaScript caller passes it THEN EksCluster refuses it before creating anything
    expect(() => clusterStack({ nodeMode: mode() })).toThrow(message);
  });
});
