import { KubectlV36Layer } from '@aws-cdk/lambda-layer-kubectl-v36';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { EksCluster } from '../../lib/cluster/eks-cluster';
import { IEksCluster } from '../../lib/cluster/i-eks-cluster';
import { WorkloadRole } from '../../lib/cluster/workload-role';
import { NodeMode, NodeModeType } from '../../lib/compute/node-mode';
import { AlbIngress } from '../../lib/ingress/alb-ingress';
import { CustomerVpc } from '../../lib/network/customer-vpc';
import { EbsCsiStorage } from '../../lib/storage/ebs-csi-storage';
import { EfsCsiStorage } from '../../lib/storage/efs-csi-storage';
import { FsxLustreCsiStorage } from '../../lib/storage/fsx-lustre-csi-storage';
import { newStack } from '../helpers/synth';

/**
 * The README's composition, with nothing but `cluster` passed: every capability on every node
 * mode, on an EksCluster and on a bring-your-own aws-eks-v2 cluster, is either right for the mode
 * or refused at synth. There is no composition prop left to forget.
 */

const MODES = [NodeModeType.MANAGED, NodeModeType.SELF_MANAGED, NodeModeType.FARGATE, NodeModeType.AUTO_MODE];
const NODE_MODES: Record<NodeModeType, () => NodeMode> = {
  [NodeModeType.MANAGED]: () => NodeMode.managed(),
  [NodeModeType.SELF_MANAGED]: () => NodeMode.selfManaged(),
  [NodeModeType.FARGATE]: () => NodeMode.fargate(),
  [NodeModeType.AUTO_MODE]: () => NodeMode.autoMode(),
};

type Ownership = 'owned' | 'bring-your-own';

/** A cluster of `mode`: an EksCluster, or a plain aws-eks-v2 cluster with its capacity, adapted. */
function clusterOf(stack: Stack, mode: NodeModeType, ownership: Ownership): IEksCluster {
  const vpc = new CustomerVpc(stack, 'Network').vpc;
  const kubectlLayer = new KubectlV36Layer(stack, 'KubectlLayer');
  if (ownership === 'owned') {
    return new EksCluster(stack, 'Cluster', { vpc, nodeMode: NODE_MODES[mode](), kubectlLayer });
  }
  const autoMode = mode === NodeModeType.AUTO_MODE;
  const own = new eks.Cluster(stack, 'Own', {
    vpc,
    version: eks.KubernetesVersion.V1_36,
    kubectlProviderOptions: { kubectlLayer },
    ...(autoMode ? {} : { defaultCapacityType: eks.DefaultCapacityType.NODEGROUP, defaultCapacity: 0 }),
  });
  const capacity = [];
  let nodeSecurityGroups: ec2.ISecurityGroup[] | undefined;
  if (mode === NodeModeType.MANAGED) {
    capacity.push(own.addNodegroupCapacity('Nodes', { minSize: 2 }));
  } else if (mode === NodeModeType.SELF_MANAGED) {
    const nodes = own.addAutoScalingGroupCapacity('Nodes', { instanceType: new ec2.InstanceType('m6i.large'), minCapacity: 2 });
    capacity.push(nodes);
    nodeSecurityGroups = [own.clusterSecurityGroup, ...nodes.connections.securityGroups];
  } else if (mode === NodeModeType.FARGATE) {
    capacity.push(own.addFargateProfile('Default', { selectors: [{ namespace: 'default' }, { namespace: 'kube-system' }] }));
  }
  return EksCluster.fromCluster(stack, 'Cluster', { cluster: own, nodeModeType: mode, capacity, nodeSecurityGroups });
}

const addonNames = (t: Template) => Object.values(t.findResources('AWS::EKS::Addon')).map((r: any) => r.Properties.AddonName);
const manifests = (t: Template) => JSON.stringify(t.findResources('Custom::AWSCDK-EKS-KubernetesResource'));
const charts = (t: Template) => Object.keys(t.findResources('Custom::AWSCDK-EKS-HelmChart', { Properties: { Chart: 'aws-load-balancer-controller' } }));
/** The service accounts bound through Pod Identity: associations of their own, and those an add-on carries. */
const associations = (t: Template) => [
  ...Object.values(t.findResources('AWS::EKS::PodIdentityAssociation')).map((r: any) => r.Properties.ServiceAccount),
  ...Object.values(t.findResources('AWS::EKS::Addon')).flatMap((r: any) => (r.Properties.PodIdentityAssociations ?? []).map((a: any) => a.ServiceAccount)),
];
/** The StorageClass provisioners the manifests name (the manifests are JSON inside JSON). */
const provisioners = (t: Template) => [...manifests(t).matchAll(/provisioner\\+":\\+"([^\\"]+)/g)].map((m) => m[1]);

const CASES: Array<[NodeModeType, Ownership]> = MODES.flatMap((mode) => (['owned', 'bring-your-own'] as Ownership[]).map((o): [NodeModeType, Ownership] => [mode, o]));

describe.each(CASES)('on a %s cluster (%s), every capability takes only the cluster', (mode, ownership) => {
  const fargate = mode === NodeModeType.FARGATE;
  const autoMode = mode === NodeModeType.AUTO_MODE;

  test('EBS block storage: the add-on and its provisioner on nodes, Auto Mode\'s driver on Auto Mode, refused on Fargate', () => {
    const stack = newStack();
    const cluster = clusterOf(stack, mode, ownership);
    const build = () => new EbsCsiStorage(stack, 'Ebs', { cluster });
    if (fargate) {
      expect(build).toThrow(/EbsCsiStorage at 'Test\/Ebs' has invalid props:\n {2}- cluster: got 'a fargate cluster'; EBS volumes cannot attach to Fargate pods/);
      return;
    }
    build();
    const t = Template.fromStack(stack);
    expect(addonNames(t).includes('aws-ebs-csi-driver')).toBe(!autoMode);
    expect(provisioners(t)).toEqual([autoMode ? 'ebs.csi.eks.amazonaws.com' : 'ebs.csi.aws.com']);
    expect(associations(t).includes('ebs-csi-controller-sa')).toBe(!autoMode);
  });

  test('EFS file storage: the add-on with Pod Identity on nodes, the built-in driver (static volumes) on Fargate', () => {
    const stack = newStack();
    new EfsCsiStorage(stack, 'Efs', { cluster: clusterOf(stack, mode, ownership) });
    const t = Template.fromStack(stack);
    expect(addonNames(t).includes('aws-efs-csi-driver')).toBe(!fargate);
    expect(associations(t).includes('efs-csi-controller-sa')).toBe(!fargate);
    expect(provisioners(t)).toEqual(fargate ? [] : ['efs.csi.aws.com']);
    t.resourceCountIs('AWS::EFS::MountTarget', 3);
  });

  test('FSx for Lustre: the add-on on nodes, refused on Fargate', () => {
    const stack = newStack();
    const cluster = clusterOf(stack, mode, ownership);
    const build = () => new FsxLustreCsiStorage(stack, 'Fsx', { cluster, addonVersion: 'v1.8.0-eksbuild.1' });
    if (fargate) {
      expect(build).toThrow(/FsxLustreCsiStorage at 'Test\/Fsx' has invalid props:\n {2}- cluster: got 'a fargate cluster'; the FSx for Lustre CSI driver does not run on Fargate/);
      return;
    }
    build();
    const t = Template.fromStack(stack);
    expect(addonNames(t)).toContain('aws-fsx-csi-driver');
    t.resourceCountIs('AWS::FSx::FileSystem', 1);
  });

  test('ingress: Auto Mode\'s built-in load balancing, IRSA on Fargate, Pod Identity on nodes', () => {
    const stack = newStack();
    const ingress = new AlbIngress(stack, 'Ingress', { cluster: clusterOf(stack, mode, ownership) });
    const t = Template.fromStack(stack);
    expect(ingress.controllerInstalled).toBe(!autoMode);
    expect(charts(t)).toHaveLength(autoMode ? 0 : 1);
    expect(manifests(t).includes('eks.amazonaws.com/alb')).toBe(autoMode);
    expect(associations(t).includes('aws-load-balancer-controller')).toBe(!autoMode && !fargate);
    const federated = JSON.stringify(t.findResources('AWS::IAM::Role')).includes('sts:AssumeRoleWithWebIdentity');
    expect(federated).toBe(fargate);
  });

  test('workload role: IRSA on Fargate, Pod Identity elsewhere', () => {
    const stack = newStack();
    const role = new WorkloadRole(stack, 'App', { cluster: clusterOf(stack, mode, ownership), namespace: 'app', serviceAccount: 'app' });
    const t = Template.fromStack(stack);
    expect(role.usesIrsa).toBe(fargate);
    expect(associations(t).includes('app')).toBe(!fargate);
    expect(Object.keys(role.serviceAccountAnnotations)).toEqual(fargate ? ['eks.amazonaws.com/role-arn'] : []);
  });
});
