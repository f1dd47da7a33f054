import { CfnParameter, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { AddonVersions } from '../../lib/addons/addon-versions';
import { CoreAddons, CoreAddonsOptions } from '../../lib/addons/core-addons';
import { EksCluster } from '../../lib/cluster/eks-cluster';
import { IEksCluster } from '../../lib/cluster/i-eks-cluster';
import { SUPPORTED_KUBERNETES_VERSIONS } from '../../lib/private/kubernetes-versions';
import { NodeMode, NodeModeType } from '../../lib/compute/node-mode';
import { CustomerVpc } from '../../lib/network/customer-vpc';
import { ADDON_VERSIONS, addonVersionProblem, pinnedAddonVersion } from '../../lib/private/addon-versions';
import { awsSolutionsFindings, newStack } from '../helpers/synth';

/** A stack with a CustomerVpc and an EksCluster (no kubectl provider), which installs its CoreAddons. */
function addonStack(coreAddons: CoreAddonsOptions = {}, nodeMode?: NodeMode, kubernetesVersion?: eks.KubernetesVersion) {
  const stack = newStack();
  const network = new CustomerVpc(stack, 'Network');
  const cluster = new EksCluster(stack, 'Cluster', { vpc: network.vpc, nodeMode, kubernetesVersion, coreAddons });
  return { stack, cluster, addons: cluster.coreAddons };
}

/** An imported aws-eks-v2 cluster adapted with `EksCluster.fromCluster`. */
function importedCluster(stack: Stack, nodeModeType: NodeModeType, options: { kubernetesVersion?: eks.KubernetesVersion; ipFamily?: eks.IpFamily } = {}): IEksCluster {
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-1', availabilityZones: ['a', 'b'], privateSubnetIds: ['s-1', 's-2'] });
  const cluster = eks.Cluster.fromClusterAttributes(stack, 'Imported', { clusterName: 'prod', vpc, clusterSecurityGroupId: 'sg-1', ipFamily: options.ipFamily });
  // Self-managed nodes carry a security group of their own, which must be stated.
  const nodeSecurityGroups = [cluster.clusterSecurityGroup, ec2.SecurityGroup.fromSecurityGroupId(stack, 'NodeSg', 'sg-2')];
  return EksCluster.fromCluster(stack, 'Byo', { cluster, nodeModeType, nodeSecurityGroups, kubernetesVersion: options.kubernetesVersion ?? eks.KubernetesVersion.V1_34 });
}

/** An aws-eks-v2 cluster of this app with one managed node group, adapted with `EksCluster.fromCluster`. */
function ownedCluster(stack: Stack) {
  const network = new CustomerVpc(stack, 'Network');
  const cluster = new eks.Cluster(stack, 'Owned', {
    vpc: network.vpc,
    version: eks.KubernetesVersion.V1_35,
    defaultCapacityType: eks.DefaultCapacityType.NODEGROUP,
    defaultCapacity: 0,
  });
  const nodegroup = cluster.addNodegroupCapacity('Nodes', { minSize: 1 });
  const byo = EksCluster.fromCluster(stack, 'Byo', { cluster, nodeModeType: NodeModeType.MANAGED, capacity: [nodegroup] });
  return { cluster, nodegroup, byo };
}

/** The add-on of `name` in the template, asserting there is exactly one. */
function addonNamed(template: Template, name: string): any {
  const found = Object.values(template.findResources('AWS::EKS::Addon', { Properties: { AddonName: name } }));
  expect(found).toHaveLength(1);
  return found[0];
}

function addonNames(template: Template): string[] {
  return Object.values(template.findResources('AWS::EKS::Addon')).map((a: any) => a.Properties.AddonName).sort();
}

const NODE_ADDONS = ['coredns', 'eks-node-monitoring-agent', 'eks-pod-identity-agent', 'kube-proxy', 'metrics-server', 'vpc-cni'];

/** What each node mode installs. */
const INSTALLED: Array<[string, () => NodeMode, NodeModeType, string[]]> = [
  ['managed', () => NodeMode.managed(), NodeModeType.MANAGED, NODE_ADDONS],
  ['self-managed', () => NodeMode.selfManaged(), NodeModeType.SELF_MANAGED, NODE_ADDONS],
  ['fargate', () => NodeMode.fargate(), NodeModeType.FARGATE, ['coredns', 'metrics-server']],
  ['auto-mode', () => NodeMode.autoMode(), NodeModeType.AUTO_MODE, ['metrics-server']],
];

describe('the add-on version table', () => {
  test('has a well-formed version of every pinned add-on for every supported Kubernetes version', () => {
    // GIVEN the table WHEN every supported version is looked up THEN each is an EKS add-on version
    for (const addon of Object.keys(ADDON_VERSIONS)) {
      for (const k8s of SUPPORTED_KUBERNETES_VERSIONS) {
        expect(pinnedAddonVersion(addon, k8s)).toMatch(/^v\d+\.\d+\.\d+-eksbuild\.\d+$/);
        expect(addonVersionProblem(addon, pinnedAddonVersion(addon, k8s), k8s)).toBeUndefined();
      }
    }
    expect(Object.keys(ADDON_VERSIONS).sort()).toEqual([...NODE_ADDONS, 'aws-ebs-csi-driver', 'aws-efs-csi-driver'].sort());
  });

  test('pins kube-proxy to the Kubernetes minor it is built for', () => {
    // GIVEN the table THEN each kube-proxy pin starts with its Kubernetes version
    for (const k8s of SUPPORTED_KUBERNETES_VERSIONS) {
      expect(pinnedAddonVersion('kube-proxy', k8s).startsWith(`v${k8s}.`)).toBe(true);
    }
  });

  test('accepts what may well exist: a newer CoreDNS line, an older VPC CNI build, a pre-release tag', () => {
    // GIVEN versions the offline rule cannot prove wrong THEN none is rejected
    expect(addonVersionProblem('coredns', 'v1.15.0-eksbuild.1', '1.36')).toBeUndefined();
    expect(addonVersionProblem('vpc-cni', 'v1.22.4-eksbuild.3', '1.36')).toBeUndefined();
    expect(addonVersionProblem('kube-proxy', 'v1.36.0-minimal-eksbuild.2', '1.36')).toBeUndefined();
    expect(addonVersionProblem('some-other-addon', 'v3.0.0-eksbuild.1', '1.36')).toBeUndefined();
  });

  test('throws for a Kubernetes version with no row', () => {
    // WHEN an unknown version is looked up THEN the error points at the table
    expect(() => pinnedAddonVersion('coredns', '1.20')).toThrow(/No pinned version of add-on 'coredns' for Kubernetes 1.20; see lib\/private\/addon-versions.ts/);
  });
});

describe('CoreAddons on managed nodes', () => {
  let stack: Stack;
  let template: Template;
  let addons: CoreAddons;
  beforeAll(() => {
    // GIVEN an EksCluster on Kubernetes 1.36 with managed nodes WHEN it installs its CoreAddons with no options
    ({ stack, addons } = addonStack());
    template = Template.fromStack(stack);
  });

  test('installs the six core add-ons as native AWS::EKS::Addon resources, at the versions pinned for 1.36', () => {
    expect(addonNames(template)).toEqual(NODE_ADDONS);
    for (const name of NODE_ADDONS) {
      expect(addonNamed(template, name).Properties.AddonVersion).toBe(ADDON_VERSIONS[name]['1.36']);
    }
    expect(addons.kubernetesVersion).toBe('1.36');
    expect(addons.nodeModeType).toBe(NodeModeType.MANAGED);
  });

  test('puts every add-on on the cluster by reference, with OVERWRITE conflict resolution', () => {
    const clusterId = Object.keys(template.findResources('AWS::EKS::Cluster'))[0];
    for (const name of NODE_ADDONS) {
      expect(addonNamed(template, name).Properties).toMatchObject({ ClusterName: { Ref: clusterId }, ResolveConflicts: 'OVERWRITE' });
    }
  });

  test('keeps networking, kube-proxy, DNS and the Pod Identity Agent running when their add-on is deleted, but not the Metrics Server', () => {
    for (const name of ['vpc-cni', 'kube-proxy', 'coredns', 'eks-pod-identity-agent']) {
      expect(addonNamed(template, name).Properties.PreserveOnDelete).toBe(true);
    }
    expect(addonNamed(template, 'metrics-server').Properties.PreserveOnDelete).toBe(false);
    expect(addonNamed(template, 'eks-node-monitoring-agent').Properties.PreserveOnDelete).toBe(false);
  });

  test('gives the VPC CNI its own Pod Identity role with AmazonEKS_CNI_Policy, associated with kube-system/aws-node', () => {
    const cni = addonNamed(template, 'vpc-cni');
    const roleId = Object.keys(template.findResources('AWS::IAM::Role', {
      Properties: { ManagedPolicyArns: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AmazonEKS_CNI_Policy']] }] },
    }));
    expect(roleId).toHaveLength(1);
    expect(cni.Properties.PodIdentityAssociations).toEqual([{ ServiceAccount: 'aws-node', RoleArn: { 'Fn::GetAtt': [roleId[0], 'Arn'] } }]);
    // No add-on other than the VPC CNI gets a role.
    for (const name of NODE_ADDONS.filter((n) => n !== 'vpc-cni')) {
      expect(addonNamed(template, name).Properties.PodIdentityAssociations).toBeUndefined();
      expect(addonNamed(template, name).Properties.ServiceAccountRoleArn).toBeUndefined();
    }
  });

  test('lets only EKS Pod Identity assume the VPC CNI role, with sts:AssumeRole and sts:TagSession', () => {
    const role = template.toJSON().Resources[stack.getLogicalId(addons.vpcCniRole!.node.defaultChild as any)];
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([{
      Effect: 'Allow',
      Principal: { Service: 'pods.eks.amazonaws.com' },
      Action: ['sts:AssumeRole', 'sts:TagSession'],
    }]);
  });

  test('creates the Pod Identity Agent before the VPC CNI, which gets its credentials from it', () => {
    const agentId = stack.getLogicalId(addons.podIdentityAgent!);
    expect(addonNamed(template, 'vpc-cni').DependsOn).toEqual(expect.arrayContaining([agentId]));
  });

  test('sends no configuration values when none are asked for', () => {
    for (const name of NODE_ADDONS) {
      expect(addonNamed(template, name).Properties.ConfigurationValues).toBeUndefined();
    }
  });

  test("has exactly one eks-pod-identity-agent add-on: aws-eks-v2's lazy getter was never triggered", () => {
    expect(Object.keys(template.findResources('AWS::EKS::Addon', { Properties: { AddonName: 'eks-pod-identity-agent' } }))).toHaveLength(1);
    expect(stack.node.findAll().some((c) => c.node.id === 'EksPodIdentityAgentAddon')).toBe(false);
  });

  test('adds no kubectl Lambda: add-ons are EKS API resources, not manifests', () => {
    // Only the VPC's restrict-default-security-group custom resource has a Lambda.
    expect(Object.keys(template.findResources('AWS::Lambda::Function'))).toEqual([expect.stringMatching(/^CustomVpcRestrictDefaultSG/)]);
    expect(Object.keys(template.findResources('Custom::AWSCDK-EKS-KubernetesResource'))).toHaveLength(0);
    expect(Object.keys(template.findResources('Custom::AWSCDK-EKS-HelmChart'))).toHaveLength(0);
  });
});

describe('CoreAddons options', () => {
  let template: Template;
  beforeAll(() => {
    // GIVEN CoreAddons with CoreDNS replicas and raw values, raw VPC CNI values, a kube-proxy
    // addonVersion override and the Metrics Server kept on delete
    const { stack } = addonStack({
      coreDns: { replicas: 3, configurationValues: { podDisruptionBudget: { enabled: true, maxUnavailable: 1 } } },
      kubeProxy: { addonVersion: 'v1.36.1-eksbuild.2' },
      metricsServer: { preserveOnDelete: true },
      vpcCni: { configurationValues: { env: { ENABLE_PREFIX_DELEGATION: 'true' } } },
    });
    template = Template.fromStack(stack);
  });

  test('passes CoreDNS replicas as replicaCount, merged with the raw values, as JSON configurationValues', () => {
    expect(JSON.parse(addonNamed(template, 'coredns').Properties.ConfigurationValues)).toEqual({
      replicaCount: 3,
      podDisruptionBudget: { enabled: true, maxUnavailable: 1 },
    });
  });

  test('passes raw VPC CNI values through and keeps its Pod Identity association', () => {
    const cni = addonNamed(template, 'vpc-cni').Properties;
    expect(JSON.parse(cni.ConfigurationValues)).toEqual({ env: { ENABLE_PREFIX_DELEGATION: 'true' } });
    expect(cni.PodIdentityAssociations).toHaveLength(1);
  });

  test('uses an overridden addonVersion and keeps the pinned ones for the rest', () => {
    expect(addonNamed(template, 'kube-proxy').Properties.AddonVersion).toBe('v1.36.1-eksbuild.2');
    expect(addonNamed(template, 'coredns').Properties.AddonVersion).toBe(ADDON_VERSIONS.coredns['1.36']);
    expect(addonNamed(template, 'metrics-server').Properties.PreserveOnDelete).toBe(true);
  });
});

describe('CoreAddons follows the cluster version', () => {
  test('picks the 1.33 row when the cluster is on 1.33', () => {
    // GIVEN an EksCluster on Kubernetes 1.33 WHEN it installs its CoreAddons THEN every add-on has its 1.33 pin
    const { stack, addons } = addonStack({}, undefined, eks.KubernetesVersion.V1_33);
    const template = Template.fromStack(stack);
    for (const name of NODE_ADDONS) {
      expect(addonNamed(template, name).Properties.AddonVersion).toBe(ADDON_VERSIONS[name]['1.33']);
    }
    expect(addonNamed(template, 'kube-proxy').Properties.AddonVersion).toMatch(/^v1\.33\./);
    expect(addons.kubernetesVersion).toBe('1.33');
  });
});

describe('what CoreAddons installs is derived from the node mode', () => {
  test.each(INSTALLED)('on an EksCluster with %s capacity', (_, nodeMode, type, expected) => {
    // GIVEN an EksCluster of the mode WHEN it installs its CoreAddons
    const { stack, addons } = addonStack({}, nodeMode());
    // THEN exactly the add-ons of that mode are there
    expect(addonNames(Template.fromStack(stack))).toEqual(expected);
    expect(addons.nodeModeType).toBe(type);
  });

  test.each(INSTALLED)('on an imported cluster stated to run on %s capacity', (_, __, type, expected) => {
    // GIVEN an imported aws-eks-v2 cluster adapted with EksCluster.fromCluster, on Kubernetes 1.34
    const stack = newStack();
    const cluster = importedCluster(stack, type);
    // WHEN CoreAddons is added to it
    new CoreAddons(stack, 'CoreAddons', { cluster });
    // THEN the mode's add-ons are installed on the imported cluster, at the 1.34 pins
    const template = Template.fromStack(stack);
    expect(addonNames(template)).toEqual(expected);
    for (const name of expected) {
      expect(addonNamed(template, name).Properties).toMatchObject({ ClusterName: 'prod', AddonVersion: ADDON_VERSIONS[name]['1.34'] });
    }
  });

  test('on an aws-eks-v2 cluster of this app, at the version read off it, with CoreDNS after the stated capacity', () => {
    // GIVEN a user-owned eks.Cluster on 1.35 with a node group stated as its capacity, adapted with EksCluster.fromCluster
    const stack = newStack();
    const { byo, nodegroup } = ownedCluster(stack);
    // WHEN CoreAddons is added
    const addons = new CoreAddons(stack, 'CoreAddons', { cluster: byo });
    // THEN the six node add-ons use the 1.35 pins
    const template = Template.fromStack(stack);
    expect(addonNames(template)).toEqual(NODE_ADDONS);
    expect(addonNamed(template, 'kube-proxy').Properties.AddonVersion).toBe(ADDON_VERSIONS['kube-proxy']['1.35']);
    expect(addons.kubernetesVersion).toBe('1.35');
    // AND CoreDNS and the Metrics Server wait for the node group, which runs their pods
    const ngId = stack.getLogicalId(nodegroup.node.defaultChild as eks.CfnNodegroup);
    expect(addonNamed(template, 'coredns').DependsOn).toEqual(expect.arrayContaining([ngId]));
    expect(addonNamed(template, 'metrics-server').DependsOn).toEqual(expect.arrayContaining([ngId]));
  });
});

describe('CoreAddons on Fargate', () => {
  let template: Template;
  let addons: CoreAddons;
  beforeAll(() => {
    // GIVEN a Fargate-only EksCluster WHEN it installs its CoreAddons
    const built = addonStack({}, NodeMode.fargate());
    addons = built.addons;
    template = Template.fromStack(built.stack);
  });

  test('installs only CoreDNS and the Metrics Server: no DaemonSet add-on and no Pod Identity Agent', () => {
    expect(addonNames(template)).toEqual(['coredns', 'metrics-server']);
    expect(addons.vpcCni).toBeUndefined();
    expect(addons.vpcCniRole).toBeUndefined();
    expect(Object.keys(template.findResources('AWS::IAM::Role', { Properties: { ManagedPolicyArns: Match.arrayWith([Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith([':iam::aws:policy/AmazonEKS_CNI_Policy'])]) })]) } }))).toHaveLength(0);
  });

  test('runs CoreDNS on Fargate through computeType, with no kubectl patch', () => {
    expect(JSON.parse(addonNamed(template, 'coredns').Properties.ConfigurationValues)).toEqual({ computeType: 'Fargate' });
    expect(Object.keys(template.findResources('Custom::AWSCDK-EKS-KubernetesPatch'))).toHaveLength(0);
  });

  test('removes CoreDNS with its add-on, so no Fargate pod outlives the profile on delete', () => {
    expect(addonNamed(template, 'coredns').Properties.PreserveOnDelete).toBe(false);
  });
});

describe('CoreAddons under Auto Mode', () => {
  test('creates no VPC CNI role: networking, kube-proxy, DNS and the Pod Identity Agent are built into Auto Mode nodes', () => {
    // GIVEN an Auto Mode EksCluster WHEN it installs its CoreAddons THEN only the Metrics Server, and no CNI role
    const { stack } = addonStack({}, NodeMode.autoMode());
    const template = Template.fromStack(stack);
    expect(addonNames(template)).toEqual(['metrics-server']);
    expect(Object.keys(template.findResources('AWS::IAM::Role', { Properties: { Description: Match.stringLikeRegexp('VPC CNI') } }))).toHaveLength(0);
  });
});

describe('CoreAddons is ordered around the capacity', () => {
  const dependsOn = (template: Template, id: string): string[] => template.toJSON().Resources[id].DependsOn ?? [];

  test.each([
    ['managed', () => NodeMode.managed(), 'AWS::EKS::Nodegroup'],
    ['self-managed', () => NodeMode.selfManaged(), 'AWS::AutoScaling::AutoScalingGroup'],
  ])('on an EksCluster with %s nodes: node add-ons before the nodes, CoreDNS and the Metrics Server after them', (_, nodeMode, type) => {
    // GIVEN an EksCluster whose node mode adds nodes
    const { stack, addons } = addonStack({}, nodeMode());
    const template = Template.fromStack(stack);
    const [nodesId] = Object.keys(template.findResources(type));
    const id = (c: any) => stack.getLogicalId(c);
    // THEN the nodes wait for the CNI, kube-proxy and the agent
    expect(dependsOn(template, nodesId)).toEqual(expect.arrayContaining([id(addons.vpcCni), id(addons.kubeProxy), id(addons.podIdentityAgent)]));
    // AND CoreDNS and the Metrics Server wait for the nodes
    expect(dependsOn(template, id(addons.coreDns))).toEqual(expect.arrayContaining([nodesId]));
    expect(dependsOn(template, id(addons.metricsServer))).toEqual(expect.arrayContaining([nodesId]));
  });

  test('on a Fargate EksCluster: CoreDNS and the Metrics Server after every Fargate profile', () => {
    // GIVEN a Fargate EksCluster
    const { stack, addons } = addonStack({}, NodeMode.fargate());
    const template = Template.fromStack(stack);
    // THEN CoreDNS and the Metrics Server are created after (and deleted before) every profile
    const profiles = Object.keys(template.findResources('AWS::EKS::FargateProfile'));
    expect(profiles.length).toBeGreaterThan(0);
    expect(dependsOn(template, stack.getLogicalId(addons.coreDns!))).toEqual(expect.arrayContaining(profiles));
    expect(dependsOn(template, stack.getLogicalId(addons.metricsServer!))).toEqual(expect.arrayContaining(profiles));
  });

  test('on a managed node group added later with EksCluster.addManagedNodeGroup', () => {
    // GIVEN an EksCluster WHEN a second node group is added after the cluster
    const { stack, cluster, addons } = addonStack();
    const extra = cluster.addManagedNodeGroup('Extra');
    const template = Template.fromStack(stack);
    // THEN it is ordered like the first one
    const extraId = stack.getLogicalId(extra.node.findAll().find((c) => c instanceof eks.CfnNodegroup) as eks.CfnNodegroup);
    expect(dependsOn(template, extraId)).toEqual(expect.arrayContaining([stack.getLogicalId(addons.vpcCni!)]));
    expect(dependsOn(template, stack.getLogicalId(addons.coreDns!))).toEqual(expect.arrayContaining([extraId]));
  });

  test('on an aws-eks-v2 cluster of this app: CoreDNS waits for the stated capacity, and addCapacityDependency puts the node add-ons first', () => {
    // GIVEN a user-owned eks.Cluster whose node group is stated as its capacity
    const stack = newStack();
    const { nodegroup, byo } = ownedCluster(stack);
    // WHEN CoreAddons is added and ordered before the node group
    const addons = new CoreAddons(stack, 'CoreAddons', { cluster: byo });
    addons.addCapacityDependency(nodegroup);
    // THEN the node group waits for the node add-ons, and CoreDNS and the Metrics Server wait for it
    const template = Template.fromStack(stack);
    const ngId = stack.getLogicalId(nodegroup.node.defaultChild as eks.CfnNodegroup);
    const id = (c: any) => stack.getLogicalId(c);
    expect(dependsOn(template, ngId)).toEqual(expect.arrayContaining([id(addons.vpcCni), id(addons.kubeProxy), id(addons.podIdentityAgent)]));
    expect(dependsOn(template, id(addons.coreDns))).toEqual(expect.arrayContaining([ngId]));
    expect(dependsOn(template, id(addons.metricsServer))).toEqual(expect.arrayContaining([ngId]));
  });
});

describe('CoreAddons on an IPv6 cluster', () => {
  test('refuses the VPC CNI with its IPv4 policy, naming the way out', () => {
    // GIVEN an imported IPv6 cluster WHEN CoreAddons is added with the defaults THEN the VPC CNI is refused
    const stack = newStack();
    const cluster = importedCluster(stack, NodeModeType.MANAGED, { ipFamily: eks.IpFamily.IP_V6 });
    expect(() => new CoreAddons(stack, 'CoreAddons', { cluster })).toThrow(
      /vpcCni: got 'an IPv6 cluster'; the VPC CNI role carries AmazonEKS_CNI_Policy, which is for IPv4 clusters; set vpcCni\.enabled: false \(keep the Pod Identity agent/);
  });

  test('following the advice synthesizes: no VPC CNI, the Pod Identity agent kept', () => {
    // GIVEN an imported IPv6 cluster WHEN CoreAddons is added with vpcCni.enabled: false, as the error advises
    const stack = newStack();
    const cluster = importedCluster(stack, NodeModeType.MANAGED, { ipFamily: eks.IpFamily.IP_V6 });
    new CoreAddons(stack, 'CoreAddons', { cluster, vpcCni: { enabled: false } });
    // THEN it synthesizes with every add-on but the VPC CNI, and no CNI role
    const template = Template.fromStack(stack);
    expect(addonNames(template)).toEqual(['coredns', 'eks-node-monitoring-agent', 'eks-pod-identity-agent', 'kube-proxy', 'metrics-server']);
    template.resourceCountIs('AWS::IAM::Role', 0);
  });
});

describe('CoreAddons cdk-nag', () => {
  test('is AwsSolutions clean', () => {
    // GIVEN an EksCluster with its CoreAddons WHEN cdk-nag AwsSolutions runs THEN nothing under the add-ons is reported
    const { stack } = addonStack();
    expect(awsSolutionsFindings(stack).filter((f) => f.path.includes('/CoreAddons/'))).toEqual([]);
  });
});

describe('CoreAddons bad input', () => {
  const build = (props: CoreAddonsOptions, nodeMode?: NodeMode) => () => addonStack(props, nodeMode);

  test('rejects a malformed add-on version', () => {
    expect(build({ coreDns: { addonVersion: '1.14.3' } })).toThrow(/coreDns\.addonVersion: got '1\.14\.3'; must be an EKS add-on version such as 'v1\.19\.2-eksbuild\.1'/);
  });

  test('rejects a kube-proxy version built for another Kubernetes minor', () => {
    expect(build({ kubeProxy: { addonVersion: 'v1.33.10-eksbuild.13' } })).toThrow(/kubeProxy\.addonVersion: got 'v1\.33\.10-eksbuild\.13'; kube-proxy is built per Kubernetes minor: on Kubernetes 1\.36 it must be v1\.36/);
  });

  test('rejects a CoreDNS version older than the line pinned for the cluster version', () => {
    expect(build({ coreDns: { addonVersion: 'v1.12.4-eksbuild.18' } })).toThrow(/coreDns\.addonVersion: got 'v1\.12\.4-eksbuild\.18'; is older than the v1\.14 line EKS publishes CoreDNS on for Kubernetes 1\.36/);
  });

  test('rejects a version of another major than the pinned one', () => {
    expect(build({ metricsServer: { addonVersion: 'v1.36.0-eksbuild.1' } })).toThrow(/metricsServer\.addonVersion: got 'v1\.36\.0-eksbuild\.1'; is major version v1, but metrics-server on Kubernetes 1\.36 is on v0/);
  });

  test('rejects configuration values for an add-on that is not installed on Auto Mode', () => {
    expect(build({ coreDns: { replicas: 3 } }, NodeMode.autoMode())).toThrow(/coreDns: got 'replicas'; coredns does not accept options because it is not installed on an Auto Mode cluster \(Auto Mode nodes have/);
  });

  test('rejects configuration values for an add-on that is disabled', () => {
    expect(build({ kubeProxy: { enabled: false, configurationValues: { mode: 'ipvs' } } })).toThrow(/kubeProxy: got 'configurationValues'; kube-proxy does not accept options because it is disabled/);
  });

  test('rejects a raw configuration value that a typed option already sets', () => {
    expect(build({ coreDns: { replicas: 3, configurationValues: { replicaCount: 4 } } })).toThrow(/coreDns\.configurationValues: got 'replicaCount'; already set by a typed option/);
  });

  test('rejects asking for the VPC CNI on Fargate', () => {
    expect(build({ vpcCni: { enabled: true } }, NodeMode.fargate())).toThrow(/vpcCni\.enabled: got true; vpc-cni is not installed on a Fargate cluster: Fargate pods get networking/);
  });

  test('rejects CoreDNS off Fargate on a Fargate-only cluster', () => {
    expect(build({ coreDns: { scheduleOnFargate: false } }, NodeMode.fargate())).toThrow(/coreDns\.scheduleOnFargate: got false; a Fargate-only cluster has no nodes/);
  });

  test('rejects a CoreDNS replica count out of range', () => {
    expect(build({ coreDns: { replicas: 0 } })).toThrow(/coreDns\.replicas: got 0; must be a whole number from 1 to 50/);
  });

  test('rejects the VPC CNI without the Pod Identity Agent it gets credentials from', () => {
    expect(build({ podIdentityAgent: { enabled: false } })).toThrow(/podIdentityAgent\.enabled: got false; the VPC CNI gets its credentials through Pod Identity/);
  });

  test('names the add-ons nothing is pinned for on a Kubernetes version outside the table', () => {
    // GIVEN an imported cluster stated to run Kubernetes 1.30, which the table has no row for
    const stack = newStack();
    const cluster = importedCluster(stack, NodeModeType.AUTO_MODE, { kubernetesVersion: eks.KubernetesVersion.V1_30 });
    // WHEN CoreAddons is added without versions THEN the missing pin is named, with the prop that supplies it
    expect(() => new CoreAddons(stack, 'CoreAddons', { cluster })).toThrow(
      /CoreAddons at 'Test\/CoreAddons' has invalid props:\n {2}- metricsServer\.addonVersion: got undefined; nothing is pinned for metrics-server on Kubernetes 1\.30/);
  });

  test('asks for the add-on versions when the cluster version is a token', () => {
    // GIVEN an imported cluster whose Kubernetes version is a parameter
    const stack = newStack();
    const k8s = eks.KubernetesVersion.of(new CfnParameter(stack, 'K8s').valueAsString);
    const cluster = importedCluster(stack, NodeModeType.AUTO_MODE, { kubernetesVersion: k8s });
    // WHEN CoreAddons is added without versions THEN the version is asked for
    expect(() => new CoreAddons(stack, 'CoreAddons', { cluster })).toThrow(
      /metricsServer\.addonVersion: got undefined; the cluster's Kubernetes version is a token/);
  });

  test('rejects an unknown top-level option, naming the real one', () => {
    expect(build({ vpcCNI: {} } as CoreAddonsOptions)).toThrow(/vpcCNI: got 'a value'; is not an option of CoreAddons \(did you mean 'vpcCni'\?\)/);
  });

  test('rejects an unknown option of one add-on, such as the old name `version`', () => {
    expect(build({ coreDns: { version: 'v1.14.3-eksbuild.3' } } as CoreAddonsOptions)).toThrow(
      /coreDns\.version: got 'a value'; is not an option of CoreAddons\.coreDns[^\n]*its options are coreDns\.enabled, coreDns\.addonVersion/);
  });

  test('rejects the props that are now facts of the cluster', () => {
    // GIVEN an imported cluster WHEN CoreAddons gets the removed kubernetesVersion and nodeModeType props THEN both are refused
    const stack = newStack();
    const cluster = importedCluster(stack, NodeModeType.MANAGED);
    const props = { cluster, kubernetesVersion: eks.KubernetesVersion.V1_34, nodeModeType: NodeModeType.MANAGED };
    expect(() => new CoreAddons(stack, 'CoreAddons', props)).toThrow(
      /- kubernetesVersion: got 'a value'; is not an option of CoreAddons[^\n]*\n {2}- nodeModeType: got 'a value'; is not an option of CoreAddons/);
  });

  test('collects every problem and throws once', () => {
    expect(build({ coreDns: { addonVersion: 'bad', replicas: 99 }, kubeProxy: { addonVersion: 'v1.30.0-eksbuild.1' } })).toThrow(
      /has invalid props:\n {2}- kubeProxy\.addonVersion[^\n]*\n {2}- coreDns\.addonVersion[^\n]*\n {2}- coreDns\.replicas/);
  });

  test('never rejects a token version', () => {
    // GIVEN a CoreDNS version from a parameter WHEN the cluster installs it THEN it is passed through
    const stack = newStack();
    const network = new CustomerVpc(stack, 'Network');
    const addonVersion = new CfnParameter(stack, 'CoreDnsVersion').valueAsString;
    new EksCluster(stack, 'Cluster', { vpc: network.vpc, coreAddons: { coreDns: { addonVersion } } });
    expect(addonNamed(Template.fromStack(stack), 'coredns').Properties.AddonVersion).toEqual({ Ref: 'CoreDnsVersion' });
  });
});

describe('AddonVersions', () => {
  test('answers the same as the table and the version rule', () => {
    // GIVEN the jsii-facing class WHEN asked THEN it agrees with the table and the rule
    expect(AddonVersions.pinned('kube-proxy', '1.35')).toBe(ADDON_VERSIONS['kube-proxy']['1.35']);
    expect(AddonVersions.problemWith('kube-proxy', 'v1.35.3-eksbuild.13', '1.35')).toBeUndefined();
    expect(AddonVersions.problemWith('kube-proxy', 'v1.35.3-eksbuild.13', '1.36')).toMatch(/built per Kubernetes minor/);
  });
});

describe('CoreAddons node monitoring agent and EKS default versions', () => {
  test('the node monitoring agent is refused where the mode has no EC2 nodes, and can be left out', () => {
    // WHEN it is asked for on Auto Mode or Fargate THEN the reason is named
    expect(() => addonStack({ nodeMonitoringAgent: { enabled: true } }, NodeMode.autoMode()))
      .toThrow(/nodeMonitoringAgent.enabled: got true; eks-node-monitoring-agent is not installed on an Auto Mode cluster: .*node monitoring built in/);
    expect(() => addonStack({ nodeMonitoringAgent: { enabled: true } }, NodeMode.fargate()))
      .toThrow(/nodeMonitoringAgent.enabled: got true; eks-node-monitoring-agent is not installed on a Fargate cluster/);
    // WHEN it is disabled on managed nodes THEN it is not in the template
    const { stack } = addonStack({ nodeMonitoringAgent: { enabled: false } });
    expect(addonNames(Template.fromStack(stack))).not.toContain('eks-node-monitoring-agent');
  });

  test('useEksDefaultVersion leaves AddonVersion out, for that add-on only', () => {
    // WHEN the Metrics Server and the agent take EKS's default version
    const { stack } = addonStack({ metricsServer: { useEksDefaultVersion: true }, nodeMonitoringAgent: { useEksDefaultVersion: true } });
    const template = Template.fromStack(stack);
    // THEN their AddonVersion is unset and the others keep their pins
    expect(addonNamed(template, 'metrics-server').Properties.AddonVersion).toBeUndefined();
    expect(addonNamed(template, 'eks-node-monitoring-agent').Properties.AddonVersion).toBeUndefined();
    expect(addonNamed(template, 'coredns').Properties.AddonVersion).toBe(ADDON_VERSIONS.coredns['1.36']);
  });

  test('useEksDefaultVersion and addonVersion are one choice', () => {
    expect(() => addonStack({ kubeProxy: { useEksDefaultVersion: true, addonVersion: 'v1.36.0-eksbuild.14' } }))
      .toThrow(/kubeProxy.useEksDefaultVersion: got true; leaves the version to EKS, so addonVersion cannot be set too/);
    const { stack } = addonStack({ kubeProxy: { useEksDefaultVersion: false, addonVersion: 'v1.36.0-eksbuild.14' } });
    expect(addonNamed(Template.fromStack(stack), 'kube-proxy').Properties.AddonVersion).toBe('v1.36.0-eksbuild.14');
  });

  test('useEksDefaultVersion needs no row for the Kubernetes version', () => {
    // GIVEN an imported cluster stated to run a version with no pins
    const stack = newStack();
    const cluster = importedCluster(stack, NodeModeType.AUTO_MODE, { kubernetesVersion: eks.KubernetesVersion.V1_30 });
    // WHEN the only add-on takes EKS's default
    new CoreAddons(stack, 'CoreAddons', { cluster, metricsServer: { useEksDefaultVersion: true } });
    // THEN it synthesizes without a version
    expect(addonNamed(Template.fromStack(stack), 'metrics-server').Properties.AddonVersion).toBeUndefined();
  });
});
