import { CfnParameter, Duration, Size, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { EksCluster, FsxLustreCsiStorage, NodeMode, NodeModeType } from '../../lib';
import { awsSolutionsFindings } from '../helpers/synth';
import {
  clusterStack, dependsOnOf, importedByoCluster, logicalIdsOf, manifestObjects, NODE_MODES, objectOf, ownedByoCluster,
} from './storage-fixtures';

const ADDON_VERSION = 'v1.5.0-eksbuild.1';

const FS_SG = { 'Fn::GetAtt': [Match.stringLikeRegexp('LustreSecurityGroup'), 'GroupId'] };

function fsxAddons(template: Template): Record<string, any> {
  return template.findResources('AWS::EKS::Addon', { Properties: { AddonName: 'aws-fsx-csi-driver' } });
}

describe('FsxLustreCsiStorage on managed nodes', () => {
  let stack: Stack;
  let template: Template;

  beforeAll(() => {
    // GIVEN a managed-node cluster with the kubectl provider
    let eksCluster: EksCluster;
    ({ stack, eksCluster } = clusterStack(NodeMode.managed()));
    // WHEN FSx for Lustre storage and a static volume are added
    const storage = new FsxLustreCsiStorage(stack, 'Lustre', { cluster: eksCluster, addonVersion: ADDON_VERSION });
    storage.addStaticVolume('Scratch', { name: 'training-data', namespace: 'ml' });
    template = Template.fromStack(stack);
  });

  test("the file system is PERSISTENT_2, encrypted with a rotating key, backed up daily, in the first node subnet, and retained", () => {
    // THEN
    template.hasResource('AWS::FSx::FileSystem', {
      Properties: {
        FileSystemType: 'LUSTRE',
        FileSystemTypeVersion: '2.15',
        StorageCapacity: 1200,
        KmsKeyId: { Ref: Match.stringLikeRegexp('^LustreFileSystemKey') },
        SubnetIds: [{ Ref: Match.stringLikeRegexp('^NetworkVpcPrivateSubnet1') }],
        LustreConfiguration: Match.objectLike({
          DeploymentType: 'PERSISTENT_2',
          PerUnitStorageThroughput: 125,
          DataCompressionType: 'LZ4',
          AutomaticBackupRetentionDays: 7,
          CopyTagsToBackups: true,
        }),
      },
      DeletionPolicy: 'Retain',
    });
    template.hasResource('AWS::KMS::Key', { Properties: { EnableKeyRotation: true, Description: Match.stringLikeRegexp('FSx for Lustre') }, DeletionPolicy: 'Retain' });
  });

  test('its new key denies kms:CreateGrant unless the grant is for an AWS resource (Control Tower CT.KMS.PR.3)', () => {
    // THEN
    template.hasResourceProperties('AWS::KMS::Key', {
      Description: Match.stringLikeRegexp('FSx for Lustre'),
      KeyPolicy: { Statement: Match.arrayWith([{
        Sid: 'DenyGrantsExceptForAwsResources', Effect: 'Deny', Principal: { AWS: '*' }, Action: 'kms:CreateGrant', Resource: '*',
        Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
      }]) },
    });
  });

  test('Lustre ports are open only between the file system and the cluster security group, in both directions', () => {
    // THEN
    const clusterSg = { 'Fn::GetAtt': [Match.stringLikeRegexp('^Cluster[0-9A-F]+$'), 'ClusterSecurityGroupId'] };
    for (const [from, to] of [[988, 988], [1018, 1023]]) {
      template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { GroupId: FS_SG, SourceSecurityGroupId: clusterSg, FromPort: from, ToPort: to, IpProtocol: 'tcp' });
      template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { GroupId: clusterSg, SourceSecurityGroupId: FS_SG, FromPort: from, ToPort: to, IpProtocol: 'tcp' });
      template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', { GroupId: FS_SG, DestinationSecurityGroupId: clusterSg, FromPort: from, ToPort: to });
    }
    const rules = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress', { Properties: { GroupId: FS_SG } }));
    expect(rules.every((r) => r.Properties.CidrIp === undefined)).toBe(true);
    // every rule comes from the file servers themselves or from the cluster security group
    const sources = new Set(rules.map((r) => JSON.stringify(r.Properties.SourceSecurityGroupId)));
    expect([...sources].sort()).toEqual([
      JSON.stringify({ 'Fn::GetAtt': [logicalIdsOf(template, 'AWS::EKS::Cluster', 'Cluster')[0], 'ClusterSecurityGroupId'] }),
      JSON.stringify({ 'Fn::GetAtt': [logicalIdsOf(template, 'AWS::EC2::SecurityGroup', 'LustreSecurityGroup')[0], 'GroupId'] }),
    ].sort());
  });

  test('installs the aws-fsx-csi-driver add-on with no IAM role: static volumes need no AWS permissions', () => {
    // THEN
    template.hasResourceProperties('AWS::EKS::Addon', {
      AddonName: 'aws-fsx-csi-driver',
      AddonVersion: ADDON_VERSION,
      ResolveConflicts: 'OVERWRITE',
      PodIdentityAssociations: Match.absent(),
      ServiceAccountRoleArn: Match.absent(),
    });
  });

  test('the add-on waits for the node group and the Pod Identity agent; the key, security group and file system wait for no node', () => {
    // THEN
    const nodeGroup = logicalIdsOf(template, 'AWS::EKS::Nodegroup', 'ClusterNodeGroup');
    expect(nodeGroup).toHaveLength(1);
    expect(Object.values(dependsOnOf(template, 'AWS::EKS::Addon', 'LustreAddon'))[0])
      .toEqual(expect.arrayContaining([nodeGroup[0], expect.stringMatching(/^ClusterCoreAddonsPodIdentityAgent/)]));
    for (const [type, prefix] of [['AWS::KMS::Key', 'LustreFileSystemKey'], ['AWS::EC2::SecurityGroup', 'LustreSecurityGroup'], ['AWS::FSx::FileSystem', 'LustreFileSystem']]) {
      for (const dependsOn of Object.values(dependsOnOf(template, type, prefix))) {
        expect(dependsOn).not.toContain(nodeGroup[0]);
      }
    }
  });

  test('a static volume mounts the file system by id, DNS name and mount name, Retain, bound to its claim, after the add-on', () => {
    // THEN
    const objects = manifestObjects(template, 'LustreScratch');
    expect(objectOf(objects, 'PersistentVolume', 'training-data').spec).toMatchObject({
      capacity: { storage: '1200Gi' },
      accessModes: ['ReadWriteMany'],
      persistentVolumeReclaimPolicy: 'Retain',
      claimRef: { namespace: 'ml', name: 'training-data' },
      csi: {
        driver: 'fsx.csi.aws.com',
        volumeHandle: expect.stringMatching(/^<Ref:LustreFileSystem/),
        volumeAttributes: {
          dnsname: expect.stringMatching(/^<Ref:LustreFileSystem[0-9A-F]+>\.fsx\.us-east-1\.<Ref:AWS::URLSuffix>$/),
          mountname: expect.stringMatching(/^<LustreFileSystem[0-9A-F]+\.LustreMountName>$/),
        },
      },
    });
    expect(objectOf(objects, 'PersistentVolumeClaim', 'training-data').spec).toMatchObject({ volumeName: 'training-data', storageClassName: '' });
    expect(Object.values(dependsOnOf(template, 'Custom::AWSCDK-EKS-KubernetesResource', 'LustreScratchVolume'))[0])
      .toEqual(expect.arrayContaining([expect.stringMatching(/^LustreAddon/)]));
  });

  test('cdk-nag AwsSolutions finds nothing unacknowledged on it', () => {
    // WHEN
    const findings = awsSolutionsFindings(stack).filter((f) => f.path.startsWith('Test/Lustre'));
    // THEN
    expect(findings).toEqual([]);
  });
});

describe('FsxLustreCsiStorage derives everything from the cluster, per node mode', () => {
  test('self-managed nodes: Lustre traffic with their own security group too, both ways, and the add-on waits for their Auto Scaling group', () => {
    // GIVEN a self-managed cluster
    const { stack, eksCluster } = clusterStack(NodeMode.selfManaged());
    // WHEN
    eksCluster.addFsxLustreStorage('Lustre', { addonVersion: ADDON_VERSION });
    // THEN
    const template = Template.fromStack(stack);
    const nodeSg = { 'Fn::GetAtt': [Match.stringLikeRegexp('^ClusterSelfManagedNodesSecurityGroup'), 'GroupId'] };
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { GroupId: FS_SG, SourceSecurityGroupId: nodeSg, FromPort: 1018, ToPort: 1023 });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { GroupId: nodeSg, SourceSecurityGroupId: FS_SG, FromPort: 988, ToPort: 988 });
    template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', { GroupId: FS_SG, DestinationSecurityGroupId: nodeSg, FromPort: 988, ToPort: 988 });
    const asg = logicalIdsOf(template, 'AWS::AutoScaling::AutoScalingGroup', 'ClusterSelfManagedNodes');
    expect(Object.values(dependsOnOf(template, 'AWS::EKS::Addon', 'ClusterLustreAddon'))[0]).toEqual(expect.arrayContaining(asg));
    for (const dependsOn of Object.values(dependsOnOf(template, 'AWS::FSx::FileSystem', 'ClusterLustreFileSystem'))) {
      expect(dependsOn).not.toContain(asg[0]);
    }
  });

  test.each([NodeModeType.MANAGED, NodeModeType.AUTO_MODE])('%s: the add-on is installed', (type) => {
    // GIVEN
    const { stack, eksCluster } = clusterStack(NODE_MODES[type]());
    // WHEN
    const storage = new FsxLustreCsiStorage(stack, 'Lustre', { cluster: eksCluster, addonVersion: ADDON_VERSION });
    // THEN
    expect(Object.keys(fsxAddons(Template.fromStack(stack)))).toHaveLength(1);
    expect(storage.addon.addonName).toBe('aws-fsx-csi-driver');
  });

  test('a Fargate cluster is refused: the driver does not run on Fargate', () => {
    // GIVEN
    const { stack, eksCluster } = clusterStack(NodeMode.fargate());
    // WHEN / THEN
    expect(() => new FsxLustreCsiStorage(stack, 'Fargate', { cluster: eksCluster, addonVersion: ADDON_VERSION }))
      .toThrow(/FsxLustreCsiStorage at 'Test\/Fargate' has invalid props:\n {2}- cluster: got 'a fargate cluster'; the FSx for Lustre CSI driver does not run on Fargate/);
  });
});

describe('FsxLustreCsiStorage on a bring-your-own cluster (EksCluster.fromCluster)', () => {
  test('an owned aws-eks-v2 cluster: Lustre with its cluster security group, the add-on after its node group', () => {
    // GIVEN
    const { stack, byo } = ownedByoCluster(NodeModeType.MANAGED);
    // WHEN
    new FsxLustreCsiStorage(stack, 'Lustre', { cluster: byo, addonVersion: ADDON_VERSION });
    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: FS_SG, SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Owned[0-9A-F]+$'), 'ClusterSecurityGroupId'] }, FromPort: 988,
    });
    expect(Object.values(dependsOnOf(template, 'AWS::EKS::Addon', 'LustreAddon'))[0])
      .toEqual(expect.arrayContaining(logicalIdsOf(template, 'AWS::EKS::Nodegroup', 'OwnedNodegroupDefaultCapacity')));
  });

  test("an imported cluster: the file system goes in the first of its stated node subnets, Lustre with its stated groups", () => {
    // GIVEN an imported self-managed cluster whose nodes run in two given subnets
    const { stack, network } = clusterStack(NodeMode.managed());
    const nodesSg = ec2.SecurityGroup.fromSecurityGroupId(stack, 'NodesSg', 'sg-0nodes');
    const clusterSg = ec2.SecurityGroup.fromSecurityGroupId(stack, 'ClusterSg', 'sg-0cluster');
    const imported = importedByoCluster(stack, 'Imported', network.vpc, NodeModeType.SELF_MANAGED, { nodeSecurityGroups: [clusterSg, nodesSg] });
    // WHEN
    new FsxLustreCsiStorage(stack, 'Lustre', { cluster: imported, addonVersion: ADDON_VERSION });
    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::FSx::FileSystem', { SubnetIds: [{ Ref: Match.stringLikeRegexp('^NetworkVpcPrivateSubnet1') }] });
    template.hasResourceProperties('AWS::EKS::Addon', { AddonName: 'aws-fsx-csi-driver', ClusterName: 'imported' });
    for (const sg of ['sg-0cluster', 'sg-0nodes']) {
      template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { GroupId: FS_SG, SourceSecurityGroupId: sg, FromPort: 988 });
      template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { GroupId: sg, SourceSecurityGroupId: FS_SG, FromPort: 1018 });
    }
  });
});

describe('FsxLustreCsiStorage bad input', () => {
  let stack: Stack;
  let managed: EksCluster;

  beforeAll(() => {
    // GIVEN one managed cluster, never synthesized
    ({ stack, eksCluster: managed } = clusterStack(NodeMode.managed()));
  });

  test('props of the old API, or misspelt ones, are refused naming the nearest real prop', () => {
    // WHEN / THEN
    expect(() => new FsxLustreCsiStorage(stack, 'Old', { cluster: managed, addonVersion: ADDON_VERSION, clientSecurityGroups: [], subnets: {} } as any))
      .toThrow(/FsxLustreCsiStorage at 'Test\/Old' has invalid props:\n {2}- clientSecurityGroups: got 'a value'; is not an option of FsxLustreCsiStorage.*\n {2}- subnets: got 'a value'; is not an option of FsxLustreCsiStorage/);
    expect(() => new FsxLustreCsiStorage(stack, 'Typo', { cluster: managed, addonVersion: ADDON_VERSION, storageCapacityGiB: 1200 } as any))
      .toThrow(/storageCapacityGiB: got 'a value'; is not an option of FsxLustreCsiStorage \(did you mean 'storageCapacity'\?\)/);
  });

  test('capacity, throughput and backup retention outside what PERSISTENT_2 allows are reported at once', () => {
    // WHEN / THEN
    let message = '';
    try {
      new FsxLustreCsiStorage(stack, 'Bad', {
        cluster: managed,
        addonVersion: ADDON_VERSION,
        storageCapacity: Size.gibibytes(2000),
        perUnitStorageThroughput: 200,
        backupRetention: Duration.days(0),
      });
    } catch (e) {
      message = String(e);
    }
    expect(message).toMatch(/storageCapacity \(GiB\): got 2000; PERSISTENT_2 takes 1200 GiB or a multiple of 2400 GiB/);
    expect(message).toMatch(/perUnitStorageThroughput: got 200; must be one of 125, 250, 500, 1000/);
    expect(message).toMatch(/backupRetention \(days\): got 0; must be a whole number of days from 1 to 90/);
  });

  test("with no version pinned for the cluster's Kubernetes version and none given, addonVersion is required", () => {
    // WHEN / THEN (the table pins no aws-fsx-csi-driver version yet)
    expect(() => managed.addFsxLustreStorage('NoVersion'))
      .toThrow(/addonVersion: got undefined; lib\/private\/addon-versions.ts pins no aws-fsx-csi-driver version for Kubernetes 1.36; pass one such as 'v1.5.0-eksbuild.1'/);
  });

  test('an add-on version that is not an EKS version is refused', () => {
    // WHEN / THEN
    expect(() => new FsxLustreCsiStorage(stack, 'Latest', { cluster: managed, addonVersion: '1.5.0' }))
      .toThrow(/addonVersion: got '1.5.0'; must be an EKS add-on version/);
  });

  test('a cluster whose node subnets select nothing (a VPC without private subnets) is refused', () => {
    // GIVEN a cluster imported into a public-only VPC
    const publicOnly = new ec2.Vpc(stack, 'PublicOnly', {
      availabilityZones: ['us-east-1a', 'us-east-1b'],
      natGateways: 0,
      subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC }],
    });
    const imported = importedByoCluster(stack, 'PublicOnlyCluster', publicOnly, NodeModeType.MANAGED);
    // WHEN / THEN
    expect(() => new FsxLustreCsiStorage(stack, 'OnImported', { cluster: imported, addonVersion: ADDON_VERSION }))
      .toThrow(/cluster: got 'a cluster whose vpcSubnets select no subnets'; the Lustre file system goes in one of the cluster's node subnets/);
  });

  test('a static volume with bad names, an unknown option, or on a cluster without kubectl is refused', () => {
    // GIVEN
    const storage = new FsxLustreCsiStorage(stack, 'Static', { cluster: managed, addonVersion: ADDON_VERSION });
    // WHEN / THEN
    expect(() => storage.addStaticVolume('Bad', { name: 'Data_1', namespace: 'ML' }))
      .toThrow(/name: got 'Data_1'; must be a DNS-1123 subdomain.*\n.*namespace: got 'ML'; must be a DNS-1123 label/);
    expect(() => storage.addStaticVolume('Extra', { name: 'extra', path: '/x' } as any))
      .toThrow(/path: got 'a value'; is not an option of FsxLustreCsiStorage.addStaticVolume\(\)/);
    const noKubectl = clusterStack(NodeMode.managed(), { kubectl: false });
    const noKubectlStorage = new FsxLustreCsiStorage(noKubectl.stack, 'Lustre', { cluster: noKubectl.eksCluster, addonVersion: ADDON_VERSION });
    expect(() => noKubectlStorage.addStaticVolume('Data', { name: 'data' }))
      .toThrow(/cluster: got 'a cluster without a kubectl provider'; The PersistentVolume \(a Kubernetes manifest\) needs it.*kubectlLayer/);
  });

  test('a capacity of 4800 GiB and 500 MB/s/TiB are accepted', () => {
    // GIVEN a fresh cluster stack
    const fresh = clusterStack(NodeMode.managed());
    // WHEN
    new FsxLustreCsiStorage(fresh.stack, 'Lustre', { cluster: fresh.eksCluster, addonVersion: ADDON_VERSION, storageCapacity: Size.gibibytes(4800), perUnitStorageThroughput: 500 });
    // THEN
    Template.fromStack(fresh.stack).hasResourceProperties('AWS::FSx::FileSystem', {
      StorageCapacity: 4800,
      LustreConfiguration: Match.objectLike({ PerUnitStorageThroughput: 500 }),
    });
  });

  test('tokens are never refused', () => {
    // GIVEN values known only at deploy time
    const fresh = clusterStack(NodeMode.managed());
    const throughput = new CfnParameter(fresh.stack, 'Throughput', { type: 'Number' }).valueAsNumber;
    const capacity = new CfnParameter(fresh.stack, 'CapacityGiB', { type: 'Number' }).valueAsNumber;
    const addonVersion = new CfnParameter(fresh.stack, 'AddonVersion').valueAsString;
    const namespace = new CfnParameter(fresh.stack, 'Namespace').valueAsString;
    // WHEN
    const storage = new FsxLustreCsiStorage(fresh.stack, 'Lustre', {
      cluster: fresh.eksCluster, addonVersion, perUnitStorageThroughput: throughput, storageCapacity: Size.gibibytes(capacity),
    });
    storage.addStaticVolume('Data', { name: 'data', namespace });
    // THEN the parameters reach the file system, the add-on and the volume
    const template = Template.fromStack(fresh.stack);
    template.hasResourceProperties('AWS::FSx::FileSystem', {
      StorageCapacity: { Ref: 'CapacityGiB' },
      LustreConfiguration: Match.objectLike({ PerUnitStorageThroughput: { Ref: 'Throughput' }, DeploymentType: 'PERSISTENT_2' }),
    });
    expect(objectOf(manifestObjects(template, 'LustreData'), 'PersistentVolume', 'data').spec.capacity.storage).toBe('<Ref:CapacityGiB>Gi');
    template.hasResourceProperties('AWS::EKS::Addon', { AddonName: 'aws-fsx-csi-driver', AddonVersion: { Ref: 'AddonVersion' } });
    expect(objectOf(manifestObjects(template, 'LustreData'), 'PersistentVolumeClaim', 'data').metadata.namespace).toBe('<Ref:Namespace>');
  });
});
