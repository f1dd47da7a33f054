import { CfnParameter, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { ADDON_VERSIONS, addonVersionProblem, AddonVersions, pinnedAddonVersion } from '../../lib/addons/addon-versions';
import { CoreAddons, CoreAddonsOptions } from '../../lib/addons/core-addons';
import { EksCluster } from '../../lib/cluster/eks-cluster';
import { SUPPORTED_KUBERNETES_VERSIONS } from '../../lib/cluster/kubernetes-version';
import { NodeMode, NodeModeType } from '../../lib/compute/node-mode';
import { CustomerVpc } from '../../lib/network/customer-vpc';
import { awsSolutionsFindings, newStack } from '../helpers/synth';

/** A stack with a CustomerVpc and an EksCluster (no kubectl provider), which installs its CoreAddons. */
function addonStack(props: CoreAddonsOptions = {}, nodeMode?: NodeMode, version?: eks.KubernetesVersion) {
  const stack = newStack();
  const network = new CustomerVpc(stack, 'Network');
  const cluster = new EksCluster(stack, 'Cluster', { vpc: network.vpc, nodeMode, version, coreAddons: props });
  return { stack, cluster, addons: cluster.coreAddons };
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

const NODE_ADDONS = ['coredns', 'eks-pod-identity-agent', 'kube-proxy', 'metrics-server', 'vpc-cni'];

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
    expect(() => pinnedAddonVersion('coredns', '1.20')).toThrow(/No pinned version of add-on 'coredns' for Kubernetes 1.20/);
  });
});

describe('CoreAddons on managed nodes', () => {
  let stack: Stack;
  let template: Template;
  let addons: CoreAddons;
  beforeAll(() => {
    // GIVEN an EksCluster on Kubernetes 1.36 with managed nodes WHEN CoreAddons is added with no options
    ({ stack, addons } = addonStack());
    template = Template.fromStack(stack);
  });

  test('installs the five core add-ons as native AWS::EKS::Addon resources, at the versions pinned for 1.36', () => {
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
    // version override and the Metrics Server kept on delete
    const { stack } = addonStack({
      coreDns: { replicas: 3, configurationValues: { podDisruptionBudget: { enabled: true, maxUnavailable: 1 } } },
      kubeProxy: { version: 'v1.36.1-eksbuild.2' },
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

  test('uses an overridden version and keeps the pinned ones for the rest', () => {
    expect(addonNamed(template, 'kube-proxy').Properties.AddonVersion).toBe('v1.36.1-eksbuild.2');
    expect(addonNamed(template, 'coredns').Properties.AddonVersion).toBe(ADDON_VERSIONS.coredns['1.36']);
    expect(addonNamed(template, 'metrics-server').Properties.PreserveOnDelete).toBe(true);
  });
});

describe('CoreAddons follows the cluster version', () => {
  test('picks the 1.33 row when the cluster is on 1.33', () => {
    // GIVEN an EksCluster on Kubernetes 1.33 WHEN CoreAddons is added THEN every add-on has its 1.33 pin
    const { stack, addons } = addonStack({}, undefined, eks.KubernetesVersion.V1_33);
    const template = Template.fromStack(stack);
    for (const name of NODE_ADDONS) {
      expect(addonNamed(template, name).Properties.AddonVersion).toBe(ADDON_VERSIONS[name]['1.33']);
    }
    expect(addonNamed(template, 'kube-proxy').Properties.AddonVersion).toMatch(/^v1\.33\./);
    expect(addons.kubernetesVersion).toBe('1.33');
  });
});

describe('CoreAddons on self-managed nodes', () => {
  test('installs the same five add-ons as on managed nodes', () => {
    // GIVEN self-managed nodes WHEN CoreAddons is added with that node mode THEN all five are there
    const { stack } = addonStack({}, NodeMode.selfManaged());
    const template = Template.fromStack(stack);
    expect(addonNames(template)).toEqual(NODE_ADDONS);
    expect(addonNamed(template, 'vpc-cni').Properties.PodIdentityAssociations).toHaveLength(1);
  });
});

describe('CoreAddons on Fargate', () => {
  let template: Template;
  let addons: CoreAddons;
  beforeAll(() => {
    // GIVEN a Fargate-only EksCluster WHEN CoreAddons is added
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
  test('installs only the Metrics Server: networking, kube-proxy, DNS and the Pod Identity Agent are built into Auto Mode nodes', () => {
    // GIVEN an Auto Mode EksCluster WHEN CoreAddons is added without a node mode THEN it is derived
    const { stack, addons } = addonStack({}, NodeMode.autoMode());
    const template = Template.fromStack(stack);
    expect(addons.nodeModeType).toBe(NodeModeType.AUTO_MODE);
    expect(addonNames(template)).toEqual(['metrics-server']);
    expect(Object.keys(template.findResources('AWS::IAM::Role', { Properties: { Description: Match.stringLikeRegexp('VPC CNI') } }))).toHaveLength(0);
  });
});

describe('CoreAddons on an imported cluster', () => {
  test('works on an aws-eks-v2 cluster it did not create, given the Kubernetes version', () => {
    // GIVEN an imported cluster WHEN CoreAddons is added with its version THEN the add-ons name it
    const stack = newStack();
    const cluster = eks.Cluster.fromClusterAttributes(stack, 'Imported', { clusterName: 'prod', vpc: ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-1', availabilityZones: ['a', 'b'] }) });
    new CoreAddons(stack, 'CoreAddons', { cluster, kubernetesVersion: eks.KubernetesVersion.V1_34 });
    const template = Template.fromStack(stack);
    expect(addonNames(template)).toEqual(NODE_ADDONS);
    expect(addonNamed(template, 'coredns').Properties).toMatchObject({ ClusterName: 'prod', AddonVersion: ADDON_VERSIONS.coredns['1.34'] });
  });
});

describe('CoreAddons.addCapacityDependency', () => {
  test('creates the node add-ons before the capacity and the Deployment add-ons after it', () => {
    // GIVEN CoreAddons and a managed node group WHEN they are ordered
    const { stack, cluster, addons } = addonStack();
    const nodegroup = cluster.cluster.addNodegroupCapacity('Nodes', { minSize: 1 });
    addons.addCapacityDependency(nodegroup);
    const template = Template.fromStack(stack);
    // THEN the node group waits for the CNI, kube-proxy and the agent, and CoreDNS and the Metrics Server wait for it
    const ng = Object.values(template.findResources('AWS::EKS::Nodegroup'))[0] as any;
    const id = (c: any) => stack.getLogicalId(c);
    expect(ng.DependsOn).toEqual(expect.arrayContaining([id(addons.vpcCni), id(addons.kubeProxy), id(addons.podIdentityAgent)]));
    const ngId = Object.keys(template.findResources('AWS::EKS::Nodegroup'))[0];
    expect(addonNamed(template, 'coredns').DependsOn).toEqual(expect.arrayContaining([ngId]));
    expect(addonNamed(template, 'metrics-server').DependsOn).toEqual(expect.arrayContaining([ngId]));
  });
});

describe('CoreAddons.orderAround', () => {
  test("orders the add-ons around an EksCluster's managed node group", () => {
    // GIVEN an EksCluster with managed nodes WHEN CoreAddons is ordered around its capacity
    const { stack, cluster, addons } = addonStack();
    addons.orderAround(cluster.capacity);
    const template = Template.fromStack(stack);
    // THEN the node group waits for the VPC CNI and CoreDNS waits for the node group
    const [ngId, ng] = Object.entries(template.findResources('AWS::EKS::Nodegroup'))[0] as [string, any];
    expect(ng.DependsOn).toEqual(expect.arrayContaining([stack.getLogicalId(addons.vpcCni!)]));
    expect(addonNamed(template, 'coredns').DependsOn).toEqual(expect.arrayContaining([ngId]));
  });

  test("puts CoreDNS after an EksCluster's Fargate profiles", () => {
    // GIVEN a Fargate EksCluster WHEN it orders its CoreAddons around its capacity
    const { stack } = addonStack({}, NodeMode.fargate());
    const template = Template.fromStack(stack);
    // THEN CoreDNS is created after (and deleted before) every Fargate profile
    const profiles = Object.keys(template.findResources('AWS::EKS::FargateProfile'));
    expect(profiles.length).toBeGreaterThan(0);
    expect(addonNamed(template, 'coredns').DependsOn).toEqual(expect.arrayContaining(profiles));
  });
});

describe('CoreAddons cdk-nag', () => {
  test('is AwsSolutions clean', () => {
    // GIVEN an EksCluster with its CoreAddons WHEN cdk-nag AwsSolutions runs THEN nothing is reported
    const { stack } = addonStack();
    expect(awsSolutionsFindings(stack)).toEqual([]);
  });
});

describe('CoreAddons bad input', () => {
  const build = (props: CoreAddonsOptions, nodeMode?: NodeMode) => () => addonStack(props, nodeMode);

  test('rejects a malformed add-on version', () => {
    expect(build({ coreDns: { version: '1.14.3' } })).toThrow(/coreDns\.version: got '1\.14\.3'; must be an EKS add-on version such as 'v1\.19\.2-eksbuild\.1'/);
  });

  test('rejects a kube-proxy version built for another Kubernetes minor', () => {
    expect(build({ kubeProxy: { version: 'v1.33.10-eksbuild.13' } })).toThrow(/kubeProxy\.version: got 'v1\.33\.10-eksbuild\.13'; kube-proxy is built per Kubernetes minor: on Kubernetes 1\.36 it must be v1\.36/);
  });

  test('rejects a CoreDNS version older than the line pinned for the cluster version', () => {
    expect(build({ coreDns: { version: 'v1.12.4-eksbuild.18' } })).toThrow(/coreDns\.version: got 'v1\.12\.4-eksbuild\.18'; is older than the v1\.14 line EKS publishes CoreDNS on for Kubernetes 1\.36/);
  });

  test('rejects a version of another major than the pinned one', () => {
    expect(build({ metricsServer: { version: 'v1.36.0-eksbuild.1' } })).toThrow(/metricsServer\.version: got 'v1\.36\.0-eksbuild\.1'; is major version v1, but metrics-server on Kubernetes 1\.36 is on v0/);
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

  test('requires the Kubernetes version of an imported cluster', () => {
    const stack = newStack();
    const cluster = eks.Cluster.fromClusterAttributes(stack, 'Imported', { clusterName: 'prod', vpc: ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-1', availabilityZones: ['a', 'b'] }) });
    expect(() => new CoreAddons(stack, 'CoreAddons', { cluster })).toThrow(/CoreAddons at 'Test\/CoreAddons' has invalid props:\n {2}- kubernetesVersion: got undefined; required for a cluster whose version cannot be read/);
  });

  test('collects every problem and throws once', () => {
    expect(build({ coreDns: { version: 'bad', replicas: 99 }, kubeProxy: { version: 'v1.30.0-eksbuild.1' } })).toThrow(
      /has invalid props:\n {2}- kubeProxy\.version[^\n]*\n {2}- coreDns\.version[^\n]*\n {2}- coreDns\.replicas/);
  });

  test('never rejects a token version', () => {
    const stack = newStack();
    const network = new CustomerVpc(stack, 'Network');
    const version = new CfnParameter(stack, 'CoreDnsVersion').valueAsString;
    new EksCluster(stack, 'Cluster', { vpc: network.vpc, coreAddons: { coreDns: { version } } });
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
