import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { EksCluster } from '../../lib/cluster/eks-cluster';
import { NodeMode } from '../../lib/compute/node-mode';
import { SelfManagedNodes } from '../../lib/compute/self-managed-nodes';
import { CustomerVpc } from '../../lib/network/customer-vpc';
import { awsSolutionsFindings, Finding, newStack } from '../helpers/synth';
import { clusterStack, managedPolicyNames, onlyResource, refId } from './fixtures';

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
    // the CustomerVpc is 10.0.0.0/16, so EKS picks 172.20.0.0/16 for services
    expect(userData).toContain('cidr: 172.20.0.0/16');
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
      .toEqual(['AmazonEC2ContainerRegistryReadOnly', 'AmazonEKSWorkerNodePolicy']);
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

  test('is AwsSolutions clean', () => {
    // THEN no unacknowledged cdk-nag finding
    expect(findings).toEqual([]);
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
      cluster: cluster.cluster,
      amiType: eks.NodegroupAmiType.BOTTLEROCKET_ARM_64,
      instanceTypes: [new ec2.InstanceType('m7g.large'), new ec2.InstanceType('c7g.large')],
      spot: true,
      desiredSize: 3,
      labels: { 'example.com/pool': 'batch' },
      taints: [{ key: 'batch', value: 'true', effect: eks.TaintEffect.NO_EXECUTE }, { key: 'batch', effect: eks.TaintEffect.NO_SCHEDULE }],
      podTrafficWithClusterSecurityGroup: false,
      maxBatchSize: 2,
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

describe('SelfManagedNodes on an imported cluster', () => {
  function importedCluster(stack: Stack) {
    const vpc = new CustomerVpc(stack, 'Network').vpc;
    return eks.Cluster.fromClusterAttributes(stack, 'Imported', {
      clusterName: 'theirs', vpc, clusterEndpoint: 'https://example.eks.amazonaws.com',
      clusterCertificateAuthorityData: 'Q0E=', clusterSecurityGroupId: 'sg-12345678',
    });
  }

  test('requires the version and service CIDR it cannot read', () => {
    // GIVEN an imported cluster WHEN nodes are added without version and service CIDR THEN both are named
    const stack = newStack();
    const cluster = importedCluster(stack);
    expect(() => new SelfManagedNodes(stack, 'Nodes', { cluster }))
      .toThrow(/SelfManagedNodes at 'Test\/Nodes'[\s\S]*version: got undefined; is required[\s\S]*serviceIpv4Cidr: got undefined; is required/);
  });

  test('uses the given version and service CIDR', () => {
    // GIVEN an imported cluster WHEN version and service CIDR are given THEN the AMI and NodeConfig use them
    const stack = newStack();
    const cluster = importedCluster(stack);
    new SelfManagedNodes(stack, 'Nodes', { cluster, version: eks.KubernetesVersion.V1_34, serviceIpv4Cidr: '10.100.0.0/16' });
    const template = Template.fromStack(stack);
    const params = template.findParameters('*', { Type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>' });
    expect(Object.values(params).map((p: any) => p.Default)).toEqual(['/aws/service/eks/optimized-ami/1.34/amazon-linux-2023/x86_64/standard/recommended/image_id']);
    const ltId = Object.keys(template.findResources('AWS::EC2::LaunchTemplate'))[0];
    const userData = userDataOf(template, ltId);
    expect(userData).toContain('name: theirs');
    expect(userData).toContain('cidr: 10.100.0.0/16');
    template.hasResourceProperties('AWS::EKS::AccessEntry', { ClusterName: 'theirs', Type: 'EC2_LINUX' });
  });
});
