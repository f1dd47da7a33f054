import { Duration, Size, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { EksCluster, FsxLustreCsiStorage, NodeMode, NodeModeType } from '../../lib';
import { awsSolutionsFindings } from '../helpers/synth';
import { clusterStack, manifestObjects, objectOf } from './storage-fixtures';

const ADDON_VERSION = 'v1.5.0-eksbuild.1';

describe('FsxLustreCsiStorage on managed nodes', () => {
  let stack: Stack;
  let template: Template;

  beforeAll(() => {
    // GIVEN a managed-node cluster with the kubectl provider
    let eksCluster: EksCluster;
    ({ stack, eksCluster } = clusterStack(NodeMode.managed()));
    // WHEN FSx for Lustre storage and a static volume are added
    const storage = new FsxLustreCsiStorage(stack, 'Lustre', { cluster: eksCluster.cluster, nodeModeType: eksCluster.nodeModeType, addonVersion: ADDON_VERSION });
    storage.addStaticVolume('Scratch', { name: 'training-data', namespace: 'ml' });
    template = Template.fromStack(stack);
  });

  test('the file system is PERSISTENT_2, encrypted with a rotating key, backed up daily, in one private subnet, and retained', () => {
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

  test('Lustre ports are open only between the file system and the cluster security group, in both directions', () => {
    // THEN
    const fsSg = { 'Fn::GetAtt': [Match.stringLikeRegexp('^LustreSecurityGroup'), 'GroupId'] };
    const clusterSg = { 'Fn::GetAtt': [Match.stringLikeRegexp('^Cluster[0-9A-F]+$'), 'ClusterSecurityGroupId'] };
    for (const [from, to] of [[988, 988], [1018, 1023]]) {
      template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { GroupId: fsSg, SourceSecurityGroupId: clusterSg, FromPort: from, ToPort: to, IpProtocol: 'tcp' });
      template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { GroupId: clusterSg, SourceSecurityGroupId: fsSg, FromPort: from, ToPort: to, IpProtocol: 'tcp' });
      template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', { GroupId: fsSg, DestinationSecurityGroupId: clusterSg, FromPort: from, ToPort: to });
    }
    const rules = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress', { Properties: { GroupId: fsSg } }));
    expect(rules.every((r) => r.Properties.CidrIp === undefined)).toBe(true);
    expect(rules.length).toBeGreaterThanOrEqual(2);
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

  test('a static volume mounts the file system by id, DNS name and mount name, Retain, bound to its claim', () => {
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
  });

  test('cdk-nag AwsSolutions finds nothing unacknowledged on it', () => {
    // WHEN
    const findings = awsSolutionsFindings(stack).filter((f) => f.path.startsWith('Test/Lustre'));
    // THEN
    expect(findings).toEqual([]);
  });
});

describe('FsxLustreCsiStorage on self-managed nodes', () => {
  test('Lustre traffic is allowed with the nodes\' own security group, both ways', () => {
    // GIVEN a self-managed cluster
    const { stack, eksCluster } = clusterStack(NodeMode.selfManaged());
    // WHEN
    new FsxLustreCsiStorage(stack, 'Lustre', {
      cluster: eksCluster.cluster,
      nodeModeType: eksCluster.nodeModeType,
      addonVersion: ADDON_VERSION,
      clientSecurityGroups: [eksCluster.capacity.selfManagedNodes!.securityGroup],
    });
    // THEN
    const template = Template.fromStack(stack);
    const fsSg = { 'Fn::GetAtt': [Match.stringLikeRegexp('^LustreSecurityGroup'), 'GroupId'] };
    const nodeSg = { 'Fn::GetAtt': [Match.stringLikeRegexp('SelfManagedNodesSecurityGroup'), 'GroupId'] };
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { GroupId: fsSg, SourceSecurityGroupId: nodeSg, FromPort: 1018, ToPort: 1023 });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { GroupId: nodeSg, SourceSecurityGroupId: fsSg, FromPort: 988, ToPort: 988 });
  });
});

describe('FsxLustreCsiStorage bad input', () => {
  let stack: Stack;
  let managed: EksCluster;

  beforeAll(() => {
    // GIVEN one managed cluster, never synthesized
    ({ stack, eksCluster: managed } = clusterStack(NodeMode.managed()));
  });

  test('self-managed nodes without their security group are rejected', () => {
    // WHEN / THEN
    expect(() => new FsxLustreCsiStorage(stack, 'SelfManaged', { cluster: managed.cluster, nodeModeType: NodeModeType.SELF_MANAGED, addonVersion: ADDON_VERSION }))
      .toThrow(/clientSecurityGroups: got undefined; self-managed nodes carry their own security group/);
  });

  test('Fargate is rejected', () => {
    // WHEN / THEN
    expect(() => new FsxLustreCsiStorage(stack, 'Fargate', { cluster: managed.cluster, nodeModeType: NodeModeType.FARGATE, addonVersion: ADDON_VERSION }))
      .toThrow(/FsxLustreCsiStorage at 'Test\/Fargate' has invalid props:\n {2}- nodeModeType: got 'fargate'; the FSx for Lustre CSI driver does not run on Fargate/);
  });

  test('capacity, throughput and backup retention outside what PERSISTENT_2 allows are reported at once', () => {
    // WHEN / THEN
    let message = '';
    try {
      new FsxLustreCsiStorage(stack, 'Bad', {
        cluster: managed.cluster,
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

  test('with no pinned version for the Kubernetes version and none given, addonVersion is required', () => {
    // WHEN / THEN (no table row will ever exist for 1.20)
    expect(() => new FsxLustreCsiStorage(stack, 'NoVersion', { cluster: managed.cluster, kubernetesVersion: eks.KubernetesVersion.of('1.20') }))
      .toThrow(/addonVersion: got undefined; lib\/addons\/addon-versions.ts pins no aws-fsx-csi-driver version for this Kubernetes version; pass one/);
  });

  test('an imported cluster without its cluster security group, or in a VPC without private subnets, is rejected', () => {
    // GIVEN a cluster imported into a public-only VPC, with no cluster security group
    const publicOnly = new ec2.Vpc(stack, 'PublicOnly', {
      availabilityZones: ['us-east-1a', 'us-east-1b'],
      natGateways: 0,
      subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC }],
    });
    const imported = eks.Cluster.fromClusterAttributes(stack, 'Imported', { clusterName: 'imported', vpc: publicOnly });
    // WHEN / THEN
    expect(() => new FsxLustreCsiStorage(stack, 'OnImported', { cluster: imported, addonVersion: ADDON_VERSION }))
      .toThrow(/cluster: got 'a VPC with no private subnets where nodes run'.*\n.*cluster: got 'an imported cluster without clusterSecurityGroupId'/);
  });

  test('a capacity of 4800 GiB and 500 MB/s/TiB are accepted', () => {
    // GIVEN a fresh cluster stack
    const fresh = clusterStack(NodeMode.managed());
    // WHEN
    new FsxLustreCsiStorage(fresh.stack, 'Lustre', { cluster: fresh.eksCluster.cluster, addonVersion: ADDON_VERSION, storageCapacity: Size.gibibytes(4800), perUnitStorageThroughput: 500 });
    // THEN
    Template.fromStack(fresh.stack).hasResourceProperties('AWS::FSx::FileSystem', {
      StorageCapacity: 4800,
      LustreConfiguration: Match.objectLike({ PerUnitStorageThroughput: 500 }),
    });
  });
});
