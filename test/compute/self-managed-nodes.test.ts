import { CfnParameter, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { EksCluster } from '../../lib/cluster/eks-cluster';
import { NodeMode, NodeModeType } from '../../lib/compute/node-mode';
import { SelfManagedNodes } from '../../lib/compute/self-managed-nodes';
import { CustomerVpc } from '../../lib/network/customer-vpc';
import { awsSolutionsFindings, Finding, newStack } from '../helpers/synth';
import {
  clusterStack, coreAddonIds, dependsOn, importedClusterStack, importedEksCluster, managedPolicyNames, onlyId, onlyResource,
  ownClusterStack, refId,
} from './fixtures';

/** The user data of a launch template as text, with tokens rendered as `${Token}` JSON. */
function userDataOf(template: Template, ltId: string): string {
  const b64 = template.toJSON().Resources[ltId].Properties.LaunchTemplateData.UserData;
  const join = b64['Fn::Base64'];
  if (typeof join === 'string') {
    return join;
  }
  return join['Fn::Join'][1].map((p: any) => (typeof p === 'string' ? p : JSON.stringify(p))).join('');
}

describe('self-managed nodes (AL2023 default)', () => {
  let template: Template;
  let cluster: EksCluster;
  let findings: Finding[];
  beforeAll(() => {
    // GIVEN a cluster with self-managed nodes and default options
    ({ cluster } = clusterStack({ nodeMode: NodeMode.selfManaged() }));
    findings = awsSolutionsFindings(Stack.of(cluster));
    template = Template.fromStack(Stack.of(cluster));
  });

  test('resolves the EKS-optimized AL2023 AMI of the cluster version from its public SSM parameter at deploy time', () => {
    // THEN the AMI is a CloudFormation SSM parameter, not a synth-time lookup
    const params = template.findParameters('*', { Type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>' });
    const defaults = Object.values(params).map((p: any) => p.Default);
    expect(defaults).toEqual(['/aws/service/eks/optimized-ami/1.36/amazon-linux-2023/x86_64/standard/recommended/image_id']);
    const lt = onlyResource(template, 'AWS::EC2::LaunchTemplate');
    expect(lt.Properties.LaunchTemplateData.ImageId).toEqual({ Ref: Object.keys(params)[0] });
  });

  test('joins with a nodeadm NodeConfig in MIME multipart user data: name, endpoint, CA and service CIDR', () => {
    // THEN the user data is what nodeadm reads
    const ltId = Object.keys(template.findResources('AWS::EC2::LaunchTemplate'))[0];
    const userData = userDataOf(template, ltId);
    const clusterId = Object.keys(template.findResources('AWS::EKS::Cluster'))[0];
    expect(userData).toContain('Content-Type: multipart/mixed; boundary="BOUNDARY"');
    expect(userData).toContain('Content-Type: application/node.eks.aws');
    expect(userData).toContain('kind: NodeConfig');
    expect(userData).toContain(`name: {"Ref":"${clusterId}"}`);
    expect(userData).toContain(`apiServerEndpoint: {"Fn::GetAtt":["${clusterId}","Endpoint"]}`);
    expect(userData).toContain(`certificateAuthority: {"Fn::GetAtt":["${clusterId}","CertificateAuthorityData"]}`);
    // the cluster's serviceIpv4Cidr: EksCluster's default for the 10.0.0.0/16 CustomerVpc, set on the cluster too
    expect(userData).toContain('cidr: 172.20.0.0/16');
    expect(cluster.serviceIpv4Cidr).toBe('172.20.0.0/16');
    template.hasResourceProperties('AWS::EKS::Cluster', { KubernetesNetworkConfig: Match.objectLike({ ServiceIpv4Cidr: '172.20.0.0/16' }) });
    expect(userData).toMatch(/--BOUNDARY--\n$/);
  });

  test('launch template: IMDSv2 hop limit 1, encrypted gp3 root, no public IP, no key, the node role as instance profile', () => {
    // THEN the instances are locked down
    const data = onlyResource(template, 'AWS::EC2::LaunchTemplate').Properties.LaunchTemplateData;
    expect(data.MetadataOptions).toEqual(expect.objectContaining({ HttpTokens: 'required', HttpPutResponseHopLimit: 1 }));
    expect(data.BlockDeviceMappings).toEqual([
      { DeviceName: '/dev/xvda', Ebs: { VolumeSize: 50, VolumeType: 'gp3', Encrypted: true, DeleteOnTermination: true } },
    ]);
    expect(data.NetworkInterfaces).toEqual([expect.objectContaining({ AssociatePublicIpAddress: false, DeviceIndex: 0 })]);
    expect(data.KeyName).toBeUndefined();
    expect(data.InstanceType).toBe('m6i.large');
    const profile = onlyResource(template, 'AWS::IAM::InstanceProfile');
    expect(managedPolicyNames(template, refId(profile.Properties.Roles[0])).sort())
      .toEqual(['AmazonEC2ContainerRegistryPullOnly', 'AmazonEKSWorkerNodePolicy']);
  });

  test('an EC2_LINUX access entry with no policies lets the node role join, before any instance starts', () => {
    // THEN no aws-auth ConfigMap is needed
    const entries = template.findResources('AWS::EKS::AccessEntry', { Properties: { Type: 'EC2_LINUX' } });
    const [entryId, entry] = Object.entries(entries)[0] as [string, any];
    expect(Object.keys(entries)).toHaveLength(1);
    expect(entry.Properties.AccessPolicies ?? []).toEqual([]);
    const profile = onlyResource(template, 'AWS::IAM::InstanceProfile');
    expect(refId(entry.Properties.PrincipalArn)).toBe(refId(profile.Properties.Roles[0]));
    expect(Stack.of(cluster).resolve(cluster.capacity.nodeRole!.roleArn)).toEqual(entry.Properties.PrincipalArn);
    const asg = onlyResource(template, 'AWS::AutoScaling::AutoScalingGroup');
    expect(asg.DependsOn).toEqual(expect.arrayContaining([entryId]));
  });

  test('detailed monitoring on in the launch template (Control Tower CT.EC2.PR.10)', () => {
    // THEN
    const lt = onlyResource(template, 'AWS::EC2::LaunchTemplate');
    expect(lt.Properties.LaunchTemplateData.Monitoring).toEqual({ Enabled: true });
  });

  test('the Auto Scaling group states the AZs of its subnets as well (Control Tower CT.AUTOSCALING.PR.1)', () => {
    // THEN one AZ per node subnet, the same Fn::GetAZs picks as the subnets'
    const asg = onlyResource(template, 'AWS::AutoScaling::AutoScalingGroup');
    const subnetAzs = asg.Properties.VPCZoneIdentifier.map((ref: any) => template.toJSON().Resources[ref.Ref].Properties.AvailabilityZone);
    expect(subnetAzs).toHaveLength(3);
    expect(asg.Properties.AvailabilityZones).toEqual(subnetAzs);
  });

  test('Auto Scaling group: 2 to 6 nodes, rolling update on launch template change, cluster ownership tag on instances', () => {
    // THEN the group replaces nodes one at a time when the template changes
    const asg = onlyResource(template, 'AWS::AutoScaling::AutoScalingGroup');
    expect(asg.Properties).toEqual(expect.objectContaining({ MinSize: '2', MaxSize: '6' }));
    expect(asg.Properties.DesiredCapacity).toBeUndefined();
    expect(asg.UpdatePolicy.AutoScalingRollingUpdate).toEqual(expect.objectContaining({ MaxBatchSize: 1, MinInstancesInService: 2 }));
    expect(asg.Properties.LaunchTemplate.Version).toEqual({ 'Fn::GetAtt': [expect.any(String), 'LatestVersionNumber'] });
    const clusterId = Object.keys(template.findResources('AWS::EKS::Cluster'))[0];
    expect(asg.Properties.Tags).toEqual(expect.arrayContaining([{
      Key: { 'Fn::Join': ['', ['kubernetes.io/cluster/', { Ref: clusterId }]] }, Value: 'owned', PropagateAtLaunch: true,
    }]));
  });

  test('labels and taints become kubelet flags in the NodeConfig', () => {
    // GIVEN AL2023 self-managed nodes with a label and two taints THEN nodeadm passes them to the kubelet
    const { cluster: c } = clusterStack({ nodeMode: NodeMode.selfManaged({
      labels: { 'example.com/pool': 'general', 'tier': 'web' },
      taints: [{ key: 'dedicated', value: 'web', effect: eks.TaintEffect.NO_SCHEDULE }, { key: 'spot', effect: eks.TaintEffect.PREFER_NO_SCHEDULE }],
    }) });
    const t = Template.fromStack(Stack.of(c));
    const userData = userDataOf(t, Object.keys(t.findResources('AWS::EC2::LaunchTemplate'))[0]);
    expect(userData).toContain([
      '  kubelet:',
      '    flags:',
      '      - "--node-labels=example.com/pool=general,tier=web"',
      '      - "--register-with-taints=dedicated=web:NoSchedule,spot:PreferNoSchedule"',
    ].join('\n'));
  });

  test('security groups: all traffic among nodes and both ways with the cluster security group (which covers kubelet, webhooks and the API)', () => {
    // THEN exactly these rules exist, none from an IP range, with no ports on all-protocol rules
    const clusterSg = { 'Fn::GetAtt': [Object.keys(template.findResources('AWS::EKS::Cluster'))[0], 'ClusterSecurityGroupId'] };
    const nodeSgId = Object.keys(template.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('Self-managed') } }))[0];
    const nodeSg = { 'Fn::GetAtt': [nodeSgId, 'GroupId'] };
    const rules = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')).map((r: any) => r.Properties)
      .filter((p) => JSON.stringify(p).includes(nodeSgId));
    const summary = rules.map((p) => [p.GroupId === undefined ? '?' : (JSON.stringify(p.GroupId) === JSON.stringify(nodeSg) ? 'node' : 'cluster'),
      JSON.stringify(p.SourceSecurityGroupId) === JSON.stringify(nodeSg) ? 'node' : 'cluster', p.IpProtocol, p.FromPort, p.ToPort]);
    expect(summary).toEqual(expect.arrayContaining([
      ['node', 'node', '-1', undefined, undefined],
      ['node', 'cluster', '-1', undefined, undefined],
      ['cluster', 'node', '-1', undefined, undefined],
    ]));
    expect(summary).toHaveLength(3);
    expect(JSON.stringify(clusterSg)).toContain('ClusterSecurityGroupId');
    for (const p of rules) {
      expect(p.CidrIp).toBeUndefined();
    }
    const sg = template.toJSON().Resources[nodeSgId].Properties;
    expect(sg.SecurityGroupIngress).toBeUndefined();
  });

  test('keeps its logical ids under the cluster (<cluster>/SelfManagedNodes) and its security group joins the cluster\'s node security groups', () => {
    // THEN the nodes are where they always were, and storage would allow traffic from their security group
    expect(onlyId(template, 'AWS::AutoScaling::AutoScalingGroup')).toMatch(/^EksSelfManagedNodesAutoScalingGroupASG[0-9A-F]{8}$/);
    const nodes = cluster.capacity.selfManagedNodes!;
    expect(nodes.node.path).toBe('Test/Eks/SelfManagedNodes');
    expect(cluster.nodeSecurityGroups).toContain(nodes.securityGroup);
    expect(cluster.nodeSecurityGroups).toContain(cluster.cluster.clusterSecurityGroup);
  });

  test('is AwsSolutions clean', () => {
    // THEN no unacknowledged cdk-nag finding
    expect(findings).toEqual([]);
  });
});

describe('the service CIDR nodeadm is told is the cluster\'s serviceIpv4Cidr', () => {
  test.each([
    ['the default', undefined, '172.20.0.0/16'],
    ['a non-default block', '10.100.0.0/16', '10.100.0.0/16'],
    ['a /20 block', '192.168.16.0/20', '192.168.16.0/20'],
  ])('%s', (_name, serviceIpv4Cidr, expected) => {
    // GIVEN a self-managed EksCluster with that serviceIpv4Cidr, and nodes added beside the mode's
    const { stack, cluster } = clusterStack({ nodeMode: NodeMode.selfManaged(), serviceIpv4Cidr });
    cluster.addSelfManagedNodes('Added');
    // THEN the cluster is created with it, and every NodeConfig carries it
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::EKS::Cluster', { KubernetesNetworkConfig: Match.objectLike({ ServiceIpv4Cidr: expected }) });
    const userData = Object.keys(template.findResources('AWS::EC2::LaunchTemplate')).map((id) => userDataOf(template, id));
    expect(userData).toHaveLength(2);
    for (const data of userData) {
      expect(data).toContain(`    cidr: ${expected}\n`);
    }
  });

  test('on a bring-your-own eks.Cluster, the serviceIpv4Cidr set on it', () => {
    // GIVEN a plain eks.Cluster with a service CIDR, adapted as self-managed
    const { stack, cluster } = ownClusterStack({ nodeModeType: NodeModeType.SELF_MANAGED }, { serviceIpv4Cidr: '10.100.0.0/16' });
    new SelfManagedNodes(stack, 'Nodes', { cluster });
    // THEN the NodeConfig carries it
    const template = Template.fromStack(stack);
    expect(userDataOf(template, onlyId(template, 'AWS::EC2::LaunchTemplate'))).toContain('    cidr: 10.100.0.0/16\n');
  });
});

describe('self-managed Bottlerocket spot nodes with labels and taints', () => {
  let template: Template;
  let findings: Finding[];
  beforeAll(() => {
    // GIVEN a managed cluster with Graviton Bottlerocket spot nodes added, without pod traffic to the cluster security group
    const stack = newStack();
    const vpc = new CustomerVpc(stack, 'Network').vpc;
    const cluster = new EksCluster(stack, 'Eks', { vpc });
    new SelfManagedNodes(stack, 'Spot', {
      cluster,
      amiType: eks.NodegroupAmiType.BOTTLEROCKET_ARM_64,
      instanceTypes: [new ec2.InstanceType('m7g.large'), new ec2.InstanceType('c7g.large')],
      spot: true,
      desiredSize: 3,
      labels: { 'example.com/pool': 'batch' },
      taints: [{ key: 'batch', value: 'true', effect: eks.TaintEffect.NO_EXECUTE }, { key: 'batch', effect: eks.TaintEffect.NO_SCHEDULE }],
      podTrafficWithClusterSecurityGroup: false,
      maxBatchSize: 2,
      detailedMonitoring: false,
    });
    findings = awsSolutionsFindings(stack);
    template = Template.fromStack(stack);
  });

  test('resolves the Bottlerocket arm64 AMI from SSM and configures it with TOML settings, labels and taints', () => {
    // THEN the Bottlerocket parameter and settings are used
    const params = template.findParameters('*', { Type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>' });
    expect(Object.values(params).map((p: any) => p.Default)).toContain('/aws/service/bottlerocket/aws-k8s-1.36/arm64/latest/image_id');
    const ltId = Object.keys(template.findResources('AWS::EC2::LaunchTemplate', {
      Properties: { LaunchTemplateData: { UserData: Match.anyValue(), IamInstanceProfile: Match.anyValue() } },
    }))[0];
    const userData = userDataOf(template, ltId);
    expect(userData).toMatch(/^\[settings\.kubernetes\]\ncluster-name = "/);
    expect(userData).toContain('api-server = "');
    expect(userData).toContain('cluster-certificate = "');
    expect(userData).toContain('[settings.kubernetes.node-labels]\n"example.com/pool" = "batch"');
    expect(userData).toContain('[settings.kubernetes.node-taints]\n"batch" = ["true:NoExecute", ":NoSchedule"]');
    expect(userData).not.toContain('MIME-Version');
    expect(template.toJSON().Resources[ltId].Properties.LaunchTemplateData.BlockDeviceMappings).toEqual([
      expect.objectContaining({ DeviceName: '/dev/xvda', Ebs: expect.objectContaining({ Encrypted: true, VolumeType: 'gp3' }) }),
      expect.objectContaining({ DeviceName: '/dev/xvdb', Ebs: expect.objectContaining({ Encrypted: true, VolumeSize: 50 }) }),
    ]);
  });

  test('detailedMonitoring: false turns detailed monitoring off in its launch template', () => {
    // THEN
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({ UserData: Match.anyValue(), Monitoring: { Enabled: false } }),
    });
  });

  test('spot runs price-capacity-optimized across every instance type, with capacity rebalancing', () => {
    // THEN a mixed instances policy spreads over both types
    const asg = onlyResource(template, 'AWS::AutoScaling::AutoScalingGroup');
    expect(asg.Properties.CapacityRebalance).toBe(true);
    expect(asg.Properties.DesiredCapacity).toBe('3');
    expect(asg.UpdatePolicy.AutoScalingRollingUpdate.MaxBatchSize).toBe(2);
    const policy = asg.Properties.MixedInstancesPolicy;
    expect(policy.InstancesDistribution).toEqual(expect.objectContaining({
      OnDemandPercentageAboveBaseCapacity: 0, SpotAllocationStrategy: 'price-capacity-optimized',
    }));
    expect(policy.LaunchTemplate.Overrides).toEqual([{ InstanceType: 'm7g.large' }, { InstanceType: 'c7g.large' }]);
  });

  test('without pod traffic to the cluster security group only the four kubelet/API/node rules exist', () => {
    // THEN no all-traffic rule joins the node and cluster security groups
    const nodeSgId = Object.keys(template.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('Self-managed') } }))[0];
    const rules = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')).map((r: any) => r.Properties)
      .filter((p) => JSON.stringify(p).includes(nodeSgId));
    expect(rules.map((p) => [p.IpProtocol, p.FromPort, p.ToPort]).sort()).toEqual([
      ['-1', undefined, undefined], ['tcp', 1025, 65535], ['tcp', 10250, 10250], ['tcp', 443, 443],
    ]);
  });

  test('is AwsSolutions clean, the mixed-instances EBS finding acknowledged on the group', () => {
    // THEN no unacknowledged cdk-nag finding
    expect(findings).toEqual([]);
  });
});

describe('SelfManagedNodes on a bring-your-own cluster', () => {
  test('an imported cluster: the stated version picks the AMI and the stated service CIDR goes to nodeadm', () => {
    // GIVEN an imported cluster adapted with its version and service CIDR stated
    const stack = newStack();
    const vpc = new CustomerVpc(stack, 'Network').vpc;
    const own = importedEksCluster(stack, vpc);
    const cluster = EksCluster.fromCluster(stack, 'Byo', {
      cluster: own, nodeModeType: NodeModeType.SELF_MANAGED, kubernetesVersion: eks.KubernetesVersion.V1_34,
      serviceIpv4Cidr: '10.100.0.0/16', nodeSecurityGroups: [own.clusterSecurityGroup],
    });
    // WHEN nodes are added
    const nodes = new SelfManagedNodes(stack, 'Nodes', { cluster });
    // THEN the AMI and the NodeConfig use them, the nodes join by name, and their security group joins the adapter's
    const template = Template.fromStack(stack);
    const params = template.findParameters('*', { Type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>' });
    expect(Object.values(params).map((p: any) => p.Default)).toEqual(['/aws/service/eks/optimized-ami/1.34/amazon-linux-2023/x86_64/standard/recommended/image_id']);
    const userData = userDataOf(template, onlyId(template, 'AWS::EC2::LaunchTemplate'));
    expect(userData).toContain('name: theirs');
    expect(userData).toContain('cidr: 10.100.0.0/16');
    template.hasResourceProperties('AWS::EKS::AccessEntry', { ClusterName: 'theirs', Type: 'EC2_LINUX' });
    expect(cluster.nodeSecurityGroups).toEqual([own.clusterSecurityGroup, nodes.securityGroup]);
  });

  test('AL2023 nodes on a cluster whose service CIDR is unknown name serviceIpv4Cidr on the cluster', () => {
    // GIVEN an imported cluster adapted without a service CIDR WHEN AL2023 nodes are added THEN synth fails naming it
    const { stack, cluster } = importedClusterStack({ nodeModeType: NodeModeType.MANAGED });
    expect(() => new SelfManagedNodes(stack, 'Nodes', { cluster }))
      .toThrow(/SelfManagedNodes at 'Test\/Nodes'[\s\S]*cluster\.serviceIpv4Cidr: got undefined; is unknown, and nodeadm on Amazon Linux 2023 nodes needs the cluster's service CIDR: state serviceIpv4Cidr in EksCluster\.fromCluster\(\)/);
  });

  test('an eks.Cluster of this app without a service CIDR set is no guess either', () => {
    // GIVEN a plain eks.Cluster that leaves the service CIDR to EKS WHEN AL2023 nodes are added THEN it is asked for
    const { stack, cluster } = ownClusterStack();
    expect(() => new SelfManagedNodes(stack, 'Nodes', { cluster })).toThrow(/cluster\.serviceIpv4Cidr: got undefined; is unknown/);
  });

  test('a service CIDR from a CloudFormation parameter goes to nodeadm as is', () => {
    // GIVEN an imported cluster whose service CIDR is a token WHEN AL2023 nodes are added THEN the NodeConfig references it
    const stack = newStack();
    const vpc = new CustomerVpc(stack, 'Network').vpc;
    const cluster = EksCluster.fromCluster(stack, 'Byo', {
      cluster: importedEksCluster(stack, vpc), nodeModeType: NodeModeType.MANAGED, kubernetesVersion: eks.KubernetesVersion.V1_36,
      serviceIpv4Cidr: new CfnParameter(stack, 'ServiceCidr').valueAsString,
    });
    new SelfManagedNodes(stack, 'Nodes', { cluster });
    const template = Template.fromStack(stack);
    expect(userDataOf(template, onlyId(template, 'AWS::EC2::LaunchTemplate'))).toContain('    cidr: {"Ref":"ServiceCidr"}\n');
  });

  test('Bottlerocket nodes need no service CIDR', () => {
    // GIVEN the same cluster WHEN Bottlerocket nodes are added THEN they are created with TOML settings
    const { stack, cluster } = importedClusterStack();
    new SelfManagedNodes(stack, 'Nodes', { cluster, amiType: eks.NodegroupAmiType.BOTTLEROCKET_X86_64 });
    const template = Template.fromStack(stack);
    expect(userDataOf(template, onlyId(template, 'AWS::EC2::LaunchTemplate'))).toContain('cluster-name = "theirs"');
    const params = template.findParameters('*', { Type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>' });
    expect(Object.values(params).map((p: any) => p.Default)).toEqual(['/aws/service/bottlerocket/aws-k8s-1.35/x86_64/latest/image_id']);
  });

  test('an imported cluster without endpoint, certificate or cluster security group names each', () => {
    // GIVEN a cluster imported by name only WHEN nodes are added THEN the three missing attributes are named
    const stack = newStack();
    const vpc = new CustomerVpc(stack, 'Network').vpc;
    const bare = eks.Cluster.fromClusterAttributes(stack, 'Bare', { clusterName: 'theirs', vpc });
    const cluster = EksCluster.fromCluster(stack, 'Byo', {
      cluster: bare, nodeModeType: NodeModeType.MANAGED, kubernetesVersion: eks.KubernetesVersion.V1_35,
      serviceIpv4Cidr: '172.20.0.0/16', nodeSecurityGroups: [ec2.SecurityGroup.fromSecurityGroupId(stack, 'Sg', 'sg-1')],
    });
    expect(() => new SelfManagedNodes(stack, 'Nodes', { cluster })).toThrow(
      /cluster: got 'Test\/Bare'; self-managed nodes need the cluster's clusterEndpoint[\s\S]*clusterCertificateAuthorityData[\s\S]*clusterSecurityGroupId: pass it to eks\.Cluster\.fromClusterAttributes/);
  });
});

describe('core add-on ordering around self-managed nodes', () => {
  test.each([
    ['NodeMode.selfManaged()', (c: EksCluster) => c.capacity.selfManagedNodes!],
    ['addSelfManagedNodes', (c: EksCluster) => c.addSelfManagedNodes('Added')],
    ['new SelfManagedNodes', (c: EksCluster) => new SelfManagedNodes(Stack.of(c), 'Standalone', { cluster: c })],
  ])('the Auto Scaling group of %s waits for vpc-cni, kube-proxy and the Pod Identity agent, CoreDNS waits for it, and its security group is a node security group', (_how, add) => {
    // GIVEN a self-managed EksCluster WHEN nodes are added that way
    const { stack, cluster } = clusterStack({ nodeMode: NodeMode.selfManaged() });
    const nodes = add(cluster);
    // THEN the networking add-ons go first and CoreDNS after, and storage would allow the nodes' traffic
    const template = Template.fromStack(stack);
    const addons = coreAddonIds(template);
    const asgId = stack.getLogicalId(nodes.autoScalingGroup.node.defaultChild as any);
    expect(dependsOn(template, asgId)).toEqual(expect.arrayContaining([addons.VpcCni, addons.KubeProxy, addons.PodIdentityAgent]));
    expect(dependsOn(template, addons.CoreDns)).toContain(asgId);
    expect(cluster.nodeSecurityGroups).toContain(nodes.securityGroup);
  });
});

describe.each([
  [NodeModeType.FARGATE, () => NodeMode.fargate()],
  [NodeModeType.AUTO_MODE, () => NodeMode.autoMode()],
])('self-managed nodes on a %s cluster', (type, mode) => {
  test('are refused, on an EksCluster and on a bring-your-own cluster of that mode', () => {
    // GIVEN clusters of the mode WHEN self-managed nodes are added THEN synth fails naming why nodes would never be Ready
    const refusal = new RegExp(`cluster: got 'nodeModeType ${type}'; EC2 nodes need the VPC CNI and kube-proxy, which a ${type} cluster does not install; ` +
      'choose NodeMode.managed\\(\\) or NodeMode.selfManaged\\(\\) and add Fargate profiles beside it');
    const { cluster } = clusterStack({ nodeMode: mode() });
    expect(() => cluster.addSelfManagedNodes('Legacy')).toThrow(/SelfManagedNodes at 'Test\/Eks\/Legacy' has invalid props/);
    expect(() => cluster.addSelfManagedNodes('Legacy2')).toThrow(refusal);
    const imported = importedClusterStack({ nodeModeType: type, serviceIpv4Cidr: '172.20.0.0/16' });
    expect(() => new SelfManagedNodes(imported.stack, 'Nodes', { cluster: imported.cluster })).toThrow(refusal);
  });
});

describe('SelfManagedNodes props', () => {
  test('props of the old API are named as unknown', () => {
    // GIVEN an EksCluster WHEN a JavaScript caller passes version, serviceIpv4Cidr and subnets THEN each is named
    const { stack, cluster } = clusterStack({ nodeMode: NodeMode.selfManaged() });
    expect(() => new SelfManagedNodes(stack, 'Nodes', {
      cluster, version: eks.KubernetesVersion.V1_35, serviceIpv4Cidr: '10.100.0.0/16', subnets: {},
    } as any)).toThrow(/version: got 'a value'; is not an option of SelfManagedNodes[\s\S]*serviceIpv4Cidr: got 'a value'; is not an option of SelfManagedNodes[\s\S]*subnets: got 'a value'; is not an option of SelfManagedNodes \(did you mean 'vpcSubnets'\?\)/);
  });

  test('vpcSubnets in public subnets are refused', () => {
    // WHEN the nodes are put in the public subnets THEN it is refused
    const { stack, cluster } = clusterStack({ nodeMode: NodeMode.selfManaged() });
    expect(() => new SelfManagedNodes(stack, 'Nodes', { cluster, vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } }))
      .toThrow(/vpcSubnets: got 'public subnets'; self-managed nodes must run in private subnets/);
  });
});
