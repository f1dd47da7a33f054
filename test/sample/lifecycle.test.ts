/**
 * Create and delete order of the whole sample, walked on the template as CloudFormation walks it:
 * a resource is created after, and deleted before, everything it names (DependsOn, Ref, GetAtt,
 * Sub). With the defaults, what a `cdk destroy` keeps must not use what it deletes; with
 * `RemovalPolicy.DESTROY`, everything goes, and nothing goes while something still needs it.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import { dependenciesOf, idsOfType, isRetained, retainedUsingDeleted } from '../helpers/template-graph';
import { MODES, sample } from './fixtures';

/** What carries the private subnets' traffic out: NAT gateways, their routes, the internet gateway. */
const EGRESS_TYPES = ['AWS::EC2::NatGateway', 'AWS::EC2::Route', 'AWS::EC2::VPCGatewayAttachment'];
const CAPACITY_TYPES = ['AWS::EKS::Nodegroup', 'AWS::AutoScaling::AutoScalingGroup', 'AWS::EKS::FargateProfile'];
const KUBECTL_TYPES = ['Custom::AWSCDK-EKS-KubernetesResource', 'Custom::AWSCDK-EKS-HelmChart'];

const ids = (t: any, types: string[]) => types.flatMap((type) => idsOfType(t, type));
/** The resources of `wanted` that `id` is not deleted before. */
const notDeletedBefore = (t: any, id: string, wanted: string[]) => {
  const deps = dependenciesOf(t, id);
  return wanted.filter((w) => !deps.has(w));
};
const kubectlHandler = (t: any) => idsOfType(t, 'AWS::Lambda::Function').filter((id) => /KubectlProviderHandler/.test(id));

describe.each(MODES)('%s, defaults (RETAIN): what cdk destroy keeps keeps working', (mode) => {
  const t = () => sample(mode).json;

  test('no retained resource uses (Ref, GetAtt, Sub) a resource the delete removes', () => {
    // GIVEN the sample with the library's defaults
    // THEN every reference out of a retained resource lands on a retained one
    expect(retainedUsingDeleted(t())).toEqual([]);
  });

  test('the cluster keeps its role, security group, subnets and VPC; the network keeps its egress', () => {
    const [cluster] = idsOfType(t(), 'AWS::EKS::Cluster');
    const uses = dependenciesOf(t(), cluster);
    const kept = (type: string) => [...uses].filter((id) => t().Resources[id].Type === type);
    expect(kept('AWS::IAM::Role').length).toBeGreaterThanOrEqual(1);
    expect(kept('AWS::EC2::SecurityGroup')).toHaveLength(1);
    expect(kept('AWS::EC2::Subnet')).toHaveLength(3);
    expect(kept('AWS::EC2::VPC')).toHaveLength(1);
    for (const id of [cluster, ...uses, ...ids(t(), EGRESS_TYPES), ...ids(t(), ['AWS::EC2::Subnet'])]) {
      expect({ id, retained: isRetained(t(), id) }).toEqual({ id, retained: true });
    }
  });

  test('what only serves the stack is deleted: nodes, add-ons, manifests, the kubectl provider, the flow log', () => {
    const gone = ids(t(), [...CAPACITY_TYPES, 'AWS::EKS::Addon', ...KUBECTL_TYPES, 'AWS::Lambda::Function', 'AWS::EC2::FlowLog', 'AWS::EFS::MountTarget']);
    expect(gone.length).toBeGreaterThanOrEqual(10);
    expect(gone.filter((id) => isRetained(t(), id))).toEqual([]);
  });
});

describe.each(MODES)('%s, RemovalPolicy.DESTROY: everything goes, in an order that works', (mode) => {
  const t = () => sample(mode, { removalPolicy: RemovalPolicy.DESTROY }).json;

  test('nothing is retained', () => {
    const retained = Object.entries(t().Resources).filter(([, r]: [string, any]) => r.DeletionPolicy !== undefined && r.DeletionPolicy !== 'Delete');
    expect(retained.map(([id]) => id)).toEqual([]);
  });

  test('the workloads go before the ingress controller (which removes their ALB) and the storage classes', () => {
    const [workloads] = idsOfType(t(), 'Custom::AWSCDK-EKS-KubernetesResource').filter((id) => /SampleWorkloads/.test(id));
    const charts = idsOfType(t(), 'Custom::AWSCDK-EKS-HelmChart').filter((id) => /Ingress/.test(id));
    const classes = idsOfType(t(), 'Custom::AWSCDK-EKS-KubernetesResource').filter((id) => /StorageClass/.test(id));
    expect(charts).toHaveLength(mode === 'auto-mode' ? 0 : 1);
    expect(classes).toHaveLength(mode === 'fargate' ? 0 : 2);
    expect(notDeletedBefore(t(), workloads, [...charts, ...classes])).toEqual([]);
  });

  test('every manifest and chart goes before the kubectl provider, and the provider before the NAT path', () => {
    const handlers = kubectlHandler(t());
    expect(handlers).toHaveLength(1);
    for (const id of ids(t(), KUBECTL_TYPES)) {
      expect({ id, missing: notDeletedBefore(t(), id, handlers) }).toEqual({ id, missing: [] });
    }
    const egress = ids(t(), EGRESS_TYPES);
    expect(egress.length).toBeGreaterThanOrEqual(7);
    expect(notDeletedBefore(t(), handlers[0], egress)).toEqual([]);
  });

  test('nodes and Fargate profiles go before the NAT path they pull images through', () => {
    const capacity = ids(t(), CAPACITY_TYPES);
    expect(capacity.length).toBeGreaterThanOrEqual(mode === 'auto-mode' ? 0 : 1);
    for (const id of capacity) {
      expect({ id, missing: notDeletedBefore(t(), id, ids(t(), EGRESS_TYPES)) }).toEqual({ id, missing: [] });
    }
  });
});

describe.each(MODES)('%s: the control plane waits only for what it uses', (mode) => {
  test('the cluster waits for its subnets, not for NAT gateways, routes or flow logs', () => {
    const t = sample(mode).json;
    const [cluster] = idsOfType(t, 'AWS::EKS::Cluster');
    const waits = dependenciesOf(t, cluster);
    expect(ids(t, [...EGRESS_TYPES, 'AWS::EC2::EIP', 'AWS::EC2::FlowLog', 'AWS::EC2::RouteTable']).filter((id) => waits.has(id))).toEqual([]);
    expect(idsOfType(t, 'AWS::EC2::Subnet').filter((id) => waits.has(id))).toHaveLength(3);
  });

  test('node roles, instance profiles and launch templates are created beside the control plane, not after the add-ons', () => {
    const t = sample(mode).json;
    const addons = idsOfType(t, 'AWS::EKS::Addon');
    const beside = ids(t, ['AWS::IAM::InstanceProfile', 'AWS::EC2::LaunchTemplate'])
      .concat(idsOfType(t, 'AWS::IAM::Role').filter((id) => /NodeRole|PodExecutionRole/.test(id)));
    expect(beside.length).toBeGreaterThanOrEqual(mode === 'auto-mode' ? 1 : 2);
    for (const id of beside) {
      const waits = dependenciesOf(t, id);
      expect({ id, addons: addons.filter((a) => waits.has(a)) }).toEqual({ id, addons: [] });
    }
    // What starts nodes still waits for the networking add-ons.
    for (const id of ids(t, ['AWS::EKS::Nodegroup', 'AWS::AutoScaling::AutoScalingGroup'])) {
      expect(addons.filter((a) => dependenciesOf(t, id).has(a)).length).toBeGreaterThanOrEqual(3);
    }
  });
});
