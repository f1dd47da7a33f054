import { CfnParameter, RemovalPolicy, Size, Stack } from 'aws-cdk-lib';
import { KubectlV36Layer } from '@aws-cdk/lambda-layer-kubectl-v36';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as efs from 'aws-cdk-lib/aws-efs';
import * as kms from 'aws-cdk-lib/aws-kms';
import { pinnedAddonVersion } from '../../lib/private/addon-versions';
import { CustomerVpc, EfsCsiStorage, EksCluster, IEksCluster, NodeMode, NodeModeType, VolumeReclaimPolicy } from '../../lib';
import { isolatedVpc } from '../helpers/isolated-vpc';
import { logicalIdOf, testApp } from '../helpers/synth';
import {
  clusterStack, dependsOnOf, importedByoCluster, logicalIdsOf, manifestObjects, NODE_MODES, objectOf, ownedByoCluster, TEST_AZS,
} from './storage-fixtures';

function efsAddons(template: Template): Record<string, any> {
  return template.findResources('AWS::EKS::Addon', { Properties: { AddonName: 'aws-efs-csi-driver' } });
}

/** The `DependsOn` of the one EFS CSI add-on. */
function addonDependsOn(template: Template): string[] {
  const addons = Object.values(efsAddons(template));
  expect(addons).toHaveLength(1);
  return addons[0].DependsOn ?? [];
}

/** The source security groups of the NFS rules on the mount target security group. */
function nfsSources(template: Template): unknown[] {
  return Object.values(template.findResources('AWS::EC2::SecurityGroupIngress', {
    Properties: { GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('MountTargetSecurityGroup'), 'GroupId'] }, FromPort: 2049, ToPort: 2049 },
  })).map((r) => r.Properties.SourceSecurityGroupId);
}

/** Asserts that the key, file system, mount targets and their security group depend on none of `capacity`. */
function expectStorageWaitsForNoNode(template: Template, prefix: string, capacity: string[]): void {
  for (const [type, part] of [
    ['AWS::KMS::Key', 'FileSystemKey'],
    ['AWS::EFS::FileSystem', 'FileSystem'],
    ['AWS::EFS::MountTarget', 'FileSystemEfsMountTarget'],
    ['AWS::EC2::SecurityGroup', 'MountTargetSecurityGroup'],
  ]) {
    const found = dependsOnOf(template, type, `${prefix}${part}`);
    expect(Object.keys(found).length).toBeGreaterThan(0);
    for (const dependsOn of Object.values(found)) {
      for (const id of capacity) {
        expect(dependsOn).not.toContain(id);
      }
      expect(dependsOn.filter((d) => d.startsWith('ClusterCoreAddons'))).toEqual([]);
    }
  }
}

describe('EfsCsiStorage on managed nodes, with defaults', () => {
  let template: Template;

  beforeAll(() => {
    // GIVEN a managed-node cluster in 3 AZs with the kubectl provider
    const { stack, eksCluster } = clusterStack(NodeMode.managed());
    // WHEN EFS storage is added with only the cluster, and one static volume
    const storage = new EfsCsiStorage(stack, 'Efs', { cluster: eksCluster });
    storage.addStaticVolume('Shared', { name: 'shared', namespace: 'apps', path: '/shared', uid: 2000, gid: 3000 });
    template = Template.fromStack(stack);
  });

  test('the file system is encrypted with a rotating customer-managed key, backed up, and retained', () => {
    // THEN
    template.hasResource('AWS::EFS::FileSystem', {
      Properties: {
        Encrypted: true,
        KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EfsFileSystemKey'), 'Arn'] },
        BackupPolicy: { Status: 'ENABLED' },
        PerformanceMode: 'generalPurpose',
        ThroughputMode: 'elastic',
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    template.hasResource('AWS::KMS::Key', {
      Properties: { EnableKeyRotation: true, Description: Match.stringLikeRegexp('EFS file system') },
      DeletionPolicy: 'Retain',
    });
  });

  test('the key denies kms:CreateGrant unless the grant is for an AWS resource (Control Tower CT.KMS.PR.3)', () => {
    // THEN
    template.hasResourceProperties('AWS::KMS::Key', {
      Description: Match.stringLikeRegexp('EFS file system'),
      KeyPolicy: { Statement: Match.arrayWith([{
        Sid: 'DenyGrantsExceptForAwsResources', Effect: 'Deny', Principal: { AWS: '*' }, Action: 'kms:CreateGrant', Resource: '*',
        Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
      }]) },
    });
  });

  test('the file system is in an AWS Backup plan of its own: daily, 35 days, in a retained vault encrypted with its key', () => {
    // THEN a vault, retained, with the file system's key
    const keyArn = { 'Fn::GetAtt': [Match.stringLikeRegexp('^EfsFileSystemKey'), 'Arn'] };
    const vaultId = logicalIdOf(template, 'AWS::Backup::BackupVault', { Properties: { EncryptionKeyArn: keyArn } });
    expect(template.toJSON().Resources[vaultId]).toEqual(expect.objectContaining({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' }));
    // a plan backing up daily into it, kept 35 days
    const planId = logicalIdOf(template, 'AWS::Backup::BackupPlan', {
      Properties: { BackupPlan: { BackupPlanRule: [Match.objectLike({
        TargetBackupVault: { 'Fn::GetAtt': [vaultId, 'BackupVaultName'] },
        ScheduleExpression: 'cron(0 5 * * ? *)',
        Lifecycle: { DeleteAfterDays: 35 },
      })] } },
    });
    // and the file system selected into that plan
    const fileSystemId = logicalIdOf(template, 'AWS::EFS::FileSystem');
    const [selection] = Object.values(template.findResources('AWS::Backup::BackupSelection', {
      Properties: { BackupPlanId: { 'Fn::GetAtt': [planId, 'BackupPlanId'] } },
    })) as any[];
    expect(JSON.stringify(selection.Properties.BackupSelection.Resources)).toContain(`"Ref":"${fileSystemId}"`);
  });

  test("one mount target in every AZ of the cluster's node subnets, all behind the mount target security group", () => {
    // THEN
    const mountTargets = Object.values(template.findResources('AWS::EFS::MountTarget'));
    expect(mountTargets).toHaveLength(3);
    const subnets = template.findResources('AWS::EC2::Subnet');
    const azs = mountTargets.map((mt) => subnets[mt.Properties.SubnetId.Ref].Properties.AvailabilityZone);
    expect(azs.sort()).toEqual(TEST_AZS);
    for (const mt of mountTargets) {
      expect(mt.Properties.SubnetId.Ref).toMatch(/^NetworkVpcPrivateSubnet/);
      expect(mt.Properties.SecurityGroups).toEqual([{ 'Fn::GetAtt': [expect.stringMatching(/^EfsMountTargetSecurityGroup/), 'GroupId'] }]);
    }
  });

  test("NFS (2049) is open only from the cluster's node security groups (here the cluster security group), never from a CIDR", () => {
    // THEN
    expect(nfsSources(template)).toEqual([{ 'Fn::GetAtt': [expect.stringMatching(/^Cluster[0-9A-F]+$/), 'ClusterSecurityGroupId'] }]);
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress', {
      Properties: { GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EfsMountTargetSecurityGroup'), 'GroupId'] } },
    }));
    expect(ingress).toHaveLength(1);
    expect(ingress[0].Properties).toMatchObject({ IpProtocol: 'tcp', FromPort: 2049, ToPort: 2049 });
    expect(ingress[0].Properties.CidrIp).toBeUndefined();
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('EFS mount targets'),
      SecurityGroupIngress: Match.absent(),
      SecurityGroupEgress: [Match.objectLike({ CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic' })],
    });
  });

  test('installs the aws-efs-csi-driver add-on, pinned, with its own Pod Identity role carrying AmazonEFSCSIDriverPolicy', () => {
    // THEN
    template.hasResourceProperties('AWS::EKS::Addon', {
      AddonName: 'aws-efs-csi-driver',
      AddonVersion: pinnedAddonVersion('aws-efs-csi-driver', '1.36'),
      ResolveConflicts: 'OVERWRITE',
      PodIdentityAssociations: [{
        RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EfsDriverRole'), 'Arn'] },
        ServiceAccount: 'efs-csi-controller-sa',
      }],
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [{ Action: ['sts:AssumeRole', 'sts:TagSession'], Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' } }] },
      ManagedPolicyArns: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/service-role/AmazonEFSCSIDriverPolicy']] }],
    });
  });

  test('the add-on waits for the mount targets, the managed node group and the Pod Identity agent', () => {
    // THEN
    expect(addonDependsOn(template)).toEqual(expect.arrayContaining([
      ...logicalIdsOf(template, 'AWS::EFS::MountTarget', 'EfsFileSystemEfsMountTarget'),
      logicalIdsOf(template, 'AWS::EKS::Nodegroup', 'ClusterNodeGroup')[0],
      expect.stringMatching(/^ClusterCoreAddonsPodIdentityAgent/),
    ]));
  });

  test('the key, the file system, its mount targets and their security group wait for no node', () => {
    // THEN
    expectStorageWaitsForNoNode(template, 'Efs', logicalIdsOf(template, 'AWS::EKS::Nodegroup', 'ClusterNodeGroup'));
  });

  test('the StorageClass provisions an access point per claim, with Retain', () => {
    // THEN
    expect(objectOf(manifestObjects(template, 'EfsStorageClass'), 'StorageClass', 'efs-ap')).toMatchObject({
      provisioner: 'efs.csi.aws.com',
      parameters: {
        provisioningMode: 'efs-ap',
        fileSystemId: expect.stringMatching(/^<Ref:EfsFileSystem[0-9A-F]+>$/),
        directoryPerms: '700',
        gidRangeStart: '50000',
        gidRangeEnd: '7000000',
        basePath: '/dynamic_provisioning',
      },
      reclaimPolicy: 'Retain',
    });
  });

  test('a static volume is an access point, a Retain PersistentVolume with <fsid>::<access point id>, and a claim bound to it', () => {
    // THEN
    template.hasResourceProperties('AWS::EFS::AccessPoint', {
      FileSystemId: { Ref: Match.stringLikeRegexp('^EfsFileSystem') },
      PosixUser: { Uid: '2000', Gid: '3000' },
      RootDirectory: { Path: '/shared', CreationInfo: { OwnerUid: '2000', OwnerGid: '3000', Permissions: '750' } },
    });
    const objects = manifestObjects(template, 'EfsSharedVolume');
    expect(objectOf(objects, 'PersistentVolume', 'shared').spec).toEqual({
      capacity: { storage: '5Gi' },
      volumeMode: 'Filesystem',
      accessModes: ['ReadWriteMany'],
      persistentVolumeReclaimPolicy: 'Retain',
      storageClassName: '',
      claimRef: { namespace: 'apps', name: 'shared' },
      csi: { driver: 'efs.csi.aws.com', volumeHandle: expect.stringMatching(/^<Ref:EfsFileSystem[0-9A-F]+>::<Ref:EfsSharedAccessPoint[0-9A-F]+>$/) },
    });
    expect(objectOf(objects, 'PersistentVolumeClaim', 'shared')).toMatchObject({
      metadata: { namespace: 'apps' },
      spec: { accessModes: ['ReadWriteMany'], storageClassName: '', volumeName: 'shared', resources: { requests: { storage: '5Gi' } } },
    });
  });
});

describe('EfsCsiStorage on Fargate', () => {
  let template: Template;
  let storage: EfsCsiStorage;

  beforeAll(() => {
    // GIVEN a Fargate-only cluster
    const { stack, eksCluster } = clusterStack(NodeMode.fargate());
    // WHEN EFS storage is added through the cluster, with a static volume
    storage = eksCluster.addEfsStorage('Efs');
    storage.addStaticVolume('Data', { name: 'data', path: '/data', capacity: Size.gibibytes(100) });
    template = Template.fromStack(stack);
  });

  test('installs no add-on and no driver role: the driver is built into Fargate', () => {
    // THEN
    expect(Object.keys(efsAddons(template))).toHaveLength(0);
    template.resourcePropertiesCountIs('AWS::IAM::Role', { Description: Match.stringLikeRegexp('EFS CSI controller') }, 0);
    expect(storage.addon).toBeUndefined();
  });

  test('creates no dynamic StorageClass, only the static volume', () => {
    // THEN
    const kinds = manifestObjects(template, 'ClusterEfs').map((o) => `${o.kind}/${o.metadata.name}`).sort();
    expect(kinds).toEqual(['PersistentVolume/data', 'PersistentVolumeClaim/data']);
    expect(storage.storageClassName).toBeUndefined();
    expect(objectOf(manifestObjects(template, 'ClusterEfsData'), 'PersistentVolume', 'data').spec.capacity.storage).toBe('100Gi');
  });

  test('still creates the encrypted, retained file system with mount targets reachable from the cluster security group, which Fargate pods carry', () => {
    // THEN
    template.hasResource('AWS::EFS::FileSystem', { Properties: { Encrypted: true, BackupPolicy: { Status: 'ENABLED' } }, DeletionPolicy: 'Retain' });
    template.resourceCountIs('AWS::EFS::MountTarget', 3);
    expect(nfsSources(template)).toEqual([{ 'Fn::GetAtt': [expect.stringMatching(/^Cluster[0-9A-F]+$/), 'ClusterSecurityGroupId'] }]);
  });
});

describe('EfsCsiStorage derives everything from the cluster, per node mode', () => {
  test.each(Object.values(NodeModeType))('%s: an add-on and a StorageClass exactly where nodes run the driver', (type) => {
    // GIVEN a cluster of the node mode
    const { stack, eksCluster } = clusterStack(NODE_MODES[type]());
    // WHEN
    const storage = new EfsCsiStorage(stack, 'Efs', { cluster: eksCluster });
    // THEN
    const template = Template.fromStack(stack);
    const onNodes = type !== NodeModeType.FARGATE;
    expect(Object.keys(efsAddons(template))).toHaveLength(onNodes ? 1 : 0);
    expect(manifestObjects(template, 'EfsStorageClass').map((o) => o.kind)).toEqual(onNodes ? ['StorageClass'] : []);
    expect(storage.storageClassName).toBe(onNodes ? 'efs-ap' : undefined);
  });

  test('self-managed nodes: NFS from their own security group too, and the add-on waits for their Auto Scaling group', () => {
    // GIVEN a self-managed cluster, whose nodes carry their own security group
    const { stack, eksCluster } = clusterStack(NodeMode.selfManaged());
    // WHEN
    new EfsCsiStorage(stack, 'Efs', { cluster: eksCluster });
    // THEN
    const template = Template.fromStack(stack);
    expect(nfsSources(template)).toEqual(expect.arrayContaining([
      { 'Fn::GetAtt': [expect.stringMatching(/^Cluster[0-9A-F]+$/), 'ClusterSecurityGroupId'] },
      { 'Fn::GetAtt': [expect.stringMatching(/^ClusterSelfManagedNodesSecurityGroup/), 'GroupId'] },
    ]));
    const asg = logicalIdsOf(template, 'AWS::AutoScaling::AutoScalingGroup', 'ClusterSelfManagedNodes');
    expect(asg).toHaveLength(1);
    expect(addonDependsOn(template)).toEqual(expect.arrayContaining([asg[0], expect.stringMatching(/^ClusterCoreAddonsPodIdentityAgent/)]));
    expectStorageWaitsForNoNode(template, 'Efs', asg);
  });

  test('Auto Mode: the add-on and the StorageClass (Auto Mode has no built-in EFS driver)', () => {
    // GIVEN an Auto Mode cluster
    const { stack, eksCluster } = clusterStack(NodeMode.autoMode());
    // WHEN
    new EfsCsiStorage(stack, 'Efs', { cluster: eksCluster, reclaimPolicy: VolumeReclaimPolicy.DELETE });
    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::EKS::Addon', { AddonName: 'aws-efs-csi-driver', AddonVersion: pinnedAddonVersion('aws-efs-csi-driver', '1.36') });
    expect(objectOf(manifestObjects(template, 'EfsStorageClass'), 'StorageClass', 'efs-ap').reclaimPolicy).toBe('Delete');
  });

  test('self-managed nodes added after the storage fail synth, naming them and the way out', () => {
    // GIVEN EFS storage on a managed cluster
    const { stack, eksCluster } = clusterStack(NodeMode.managed());
    eksCluster.addEfsStorage('Efs');
    // WHEN self-managed nodes come later
    eksCluster.addSelfManagedNodes('Later');
    // THEN
    expect(() => Template.fromStack(stack))
      .toThrow(/EfsCsiStorage at 'Test\/Cluster\/Efs' allows traffic only from the node security groups.*Test\/Cluster\/Later\/SecurityGroup came later: add the storage after the capacity/);
  });
});

describe('EfsCsiStorage on a bring-your-own cluster (EksCluster.fromCluster)', () => {
  test('an owned aws-eks-v2 cluster: mount targets in its node subnets, NFS from its security group, add-on after its node group', () => {
    // GIVEN a plain aws-eks-v2 cluster on 1.35 with its default node group, adapted
    const { stack, byo } = ownedByoCluster(NodeModeType.MANAGED);
    // WHEN
    new EfsCsiStorage(stack, 'Efs', { cluster: byo });
    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EFS::MountTarget', 3);
    expect(nfsSources(template)).toEqual([{ 'Fn::GetAtt': [expect.stringMatching(/^Owned[0-9A-F]+$/), 'ClusterSecurityGroupId'] }]);
    template.hasResourceProperties('AWS::EKS::Addon', { AddonName: 'aws-efs-csi-driver', AddonVersion: pinnedAddonVersion('aws-efs-csi-driver', '1.35') });
    const nodeGroup = logicalIdsOf(template, 'AWS::EKS::Nodegroup', 'OwnedNodegroupDefaultCapacity');
    expect(addonDependsOn(template)).toEqual(expect.arrayContaining(nodeGroup));
    expectStorageWaitsForNoNode(template, 'Efs', nodeGroup);
  });

  test('an imported self-managed cluster: NFS from every stated node security group', () => {
    // GIVEN a cluster imported by attributes, with its nodes' security group stated
    const { stack, network } = clusterStack(NodeMode.managed());
    const clusterSg = ec2.SecurityGroup.fromSecurityGroupId(stack, 'ImportedClusterSg', 'sg-0cluster');
    const nodesSg = ec2.SecurityGroup.fromSecurityGroupId(stack, 'ImportedNodesSg', 'sg-0nodes');
    const imported = importedByoCluster(stack, 'Imported', network.vpc, NodeModeType.SELF_MANAGED, { nodeSecurityGroups: [clusterSg, nodesSg] });
    // WHEN
    new EfsCsiStorage(stack, 'Efs', { cluster: imported });
    // THEN
    const template = Template.fromStack(stack);
    expect(nfsSources(template).sort()).toEqual(['sg-0cluster', 'sg-0nodes']);
    template.hasResourceProperties('AWS::EKS::Addon', { AddonName: 'aws-efs-csi-driver', ClusterName: 'imported', AddonVersion: pinnedAddonVersion('aws-efs-csi-driver', '1.34') });
  });

  test("mount targets follow the cluster's vpcSubnets, one per Availability Zone", () => {
    // GIVEN an imported cluster whose nodes run in two subnets of us-east-1a and one of us-east-1b
    const { stack, network } = clusterStack(NodeMode.managed());
    const subnets = [
      ec2.Subnet.fromSubnetAttributes(stack, 'A1', { subnetId: 'subnet-0a1', availabilityZone: 'us-east-1a' }),
      ec2.Subnet.fromSubnetAttributes(stack, 'A2', { subnetId: 'subnet-0a2', availabilityZone: 'us-east-1a' }),
      ec2.Subnet.fromSubnetAttributes(stack, 'B1', { subnetId: 'subnet-0b1', availabilityZone: 'us-east-1b' }),
    ];
    const imported = importedByoCluster(stack, 'Imported', network.vpc, NodeModeType.MANAGED);
    const inSubnets: IEksCluster = Object.create(imported, { vpcSubnets: { value: { subnets } } });
    // WHEN
    new EfsCsiStorage(stack, 'Efs', { cluster: inSubnets });
    // THEN
    const mountTargets = Object.values(Template.fromStack(stack).findResources('AWS::EFS::MountTarget'));
    expect(mountTargets.map((mt) => mt.Properties.SubnetId).sort()).toEqual(['subnet-0a1', 'subnet-0b1']);
  });
});

describe('EfsCsiStorage options', () => {
  test('an existing file system is used as is: no file system or key is created, NFS is opened on its security group', () => {
    // GIVEN a file system of the user's
    const { stack, eksCluster } = clusterStack(NodeMode.managed());
    const fileSystem = efs.FileSystem.fromFileSystemAttributes(stack, 'Existing', {
      fileSystemId: 'fs-0123456789abcdef0',
      securityGroup: ec2.SecurityGroup.fromSecurityGroupId(stack, 'ExistingSg', 'sg-0123456789abcdef0'),
    });
    // WHEN
    const storage = new EfsCsiStorage(stack, 'Efs', {
      cluster: eksCluster,
      fileSystem,
      storageClassName: 'shared',
      directoryPerms: '0750',
      gidRangeStart: 1000,
      gidRangeEnd: 2000,
      basePath: '/k8s',
    });
    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EFS::FileSystem', 0);
    template.resourcePropertiesCountIs('AWS::KMS::Key', { Description: Match.stringLikeRegexp('EFS') }, 0);
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: 'sg-0123456789abcdef0',
      FromPort: 2049,
      ToPort: 2049,
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.anyValue(), 'ClusterSecurityGroupId'] },
    });
    expect(objectOf(manifestObjects(template, 'EfsStorageClass'), 'StorageClass', 'shared').parameters).toEqual({
      provisioningMode: 'efs-ap',
      fileSystemId: 'fs-0123456789abcdef0',
      directoryPerms: '0750',
      gidRangeStart: '1000',
      gidRangeEnd: '2000',
      basePath: '/k8s',
    });
    expect(storage.encryptionKey).toBeUndefined();
  });

  test('backup: false creates no backup plan, vault or selection; EFS automatic backups stay on', () => {
    // GIVEN
    const { stack, eksCluster } = clusterStack(NodeMode.managed());
    // WHEN
    const storage = new EfsCsiStorage(stack, 'Efs', { cluster: eksCluster, backup: false });
    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Backup::BackupPlan', 0);
    template.resourceCountIs('AWS::Backup::BackupVault', 0);
    template.resourceCountIs('AWS::Backup::BackupSelection', 0);
    template.hasResourceProperties('AWS::EFS::FileSystem', { BackupPolicy: { Status: 'ENABLED' } });
    expect(storage.backupPlan).toBeUndefined();
  });

  test('a throw-away file system (removalPolicy DESTROY) has no backup plan unless asked for', () => {
    // GIVEN a file system meant to be destroyed with the stack
    const { stack, eksCluster } = clusterStack(NodeMode.managed());
    new EfsCsiStorage(stack, 'Efs', { cluster: eksCluster, removalPolicy: RemovalPolicy.DESTROY });
    // THEN nothing is left behind: no plan, and no retained vault
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Backup::BackupPlan', 0);
    template.resourceCountIs('AWS::Backup::BackupVault', 0);
  });

  test('asked for on a throw-away file system, the backup vault is still retained (it holds the recovery points)', () => {
    const { stack, eksCluster } = clusterStack(NodeMode.managed());
    new EfsCsiStorage(stack, 'Efs', { cluster: eksCluster, removalPolicy: RemovalPolicy.DESTROY, backup: true });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Backup::BackupPlan', 1);
    template.hasResource('AWS::Backup::BackupVault', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  test('a given backup plan gets the file system selected into it, and no plan or vault of its own', () => {
    // GIVEN the user's plan
    const { stack, eksCluster } = clusterStack(NodeMode.managed());
    const plan = backup.BackupPlan.fromBackupPlanId(stack, 'OrgPlan', 'plan-0123');
    // WHEN
    const storage = new EfsCsiStorage(stack, 'Efs', { cluster: eksCluster, backupPlan: plan });
    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Backup::BackupPlan', 0);
    template.resourceCountIs('AWS::Backup::BackupVault', 0);
    template.hasResourceProperties('AWS::Backup::BackupSelection', { BackupPlanId: 'plan-0123' });
    expect(storage.backupPlan).toBe(plan);
  });

  test('a given key and the bursting throughput mode are used', () => {
    // GIVEN
    const { stack, eksCluster } = clusterStack(NodeMode.managed());
    const key = new kms.Key(stack, 'OwnKey', { enableKeyRotation: true });
    // WHEN
    new EfsCsiStorage(stack, 'Efs', { cluster: eksCluster, encryptionKey: key, throughputMode: efs.ThroughputMode.BURSTING });
    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::EFS::FileSystem', { KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^OwnKey'), 'Arn'] }, ThroughputMode: 'bursting' });
    template.resourcePropertiesCountIs('AWS::KMS::Key', { Description: Match.stringLikeRegexp('EFS') }, 0);
  });
});

test("the app's denyAnonymousAccess feature flag cannot lock the CSI driver out of the file system", () => {
  // GIVEN an app with the flag new CDK projects turn on WHEN EfsCsiStorage creates its file system
  const app = testApp({ context: { '@aws-cdk/aws-efs:denyAnonymousAccess': true } });
  const stack = new Stack(app, 'Test');
  const network = new CustomerVpc(stack, 'Network');
  const eksCluster = new EksCluster(stack, 'Cluster', { vpc: network.vpc, kubectlLayer: new KubectlV36Layer(stack, 'KubectlLayer') });
  eksCluster.addEfsStorage('Efs');
  // THEN no file system policy requires IAM-authenticated mounts (the driver mounts without IAM)
  const [fileSystem] = Object.values(Template.fromStack(stack).findResources('AWS::EFS::FileSystem')) as any[];
  expect(fileSystem.Properties.FileSystemPolicy).toBeUndefined();
});

describe('EfsCsiStorage bad input', () => {
  let stack: Stack;
  let managed: EksCluster;

  beforeAll(() => {
    // GIVEN one managed cluster, never synthesized, shared by the error cases
    ({ stack, eksCluster: managed } = clusterStack(NodeMode.managed()));
  });

  test('props of the old API, or misspelt ones, are refused naming the nearest real prop', () => {
    // WHEN a plain-JS caller passes removed or misspelt props / THEN
    expect(() => new EfsCsiStorage(stack, 'Old', { cluster: managed, clientSecurityGroups: [], nodeSubnets: {} } as any))
      .toThrow(/EfsCsiStorage at 'Test\/Old' has invalid props:\n {2}- clientSecurityGroups: got 'a value'; is not an option of EfsCsiStorage.*\n {2}- nodeSubnets: got 'a value'; is not an option of EfsCsiStorage/);
    expect(() => new EfsCsiStorage(stack, 'Typo', { cluster: managed, gidRangeStrat: 1000 } as any))
      .toThrow(/gidRangeStrat: got 'a value'; is not an option of EfsCsiStorage \(did you mean 'gidRangeStart'\?\)/);
  });

  test('a backup plan with backup: false is refused (with backup left on, the plan is used: see options)', () => {
    // WHEN / THEN
    const plan = backup.BackupPlan.fromBackupPlanId(stack, 'Plan', 'plan-0123');
    expect(() => new EfsCsiStorage(stack, 'PlanOff', { cluster: managed, backup: false, backupPlan: plan }))
      .toThrow(/EfsCsiStorage at 'Test\/PlanOff' has invalid props:\n {2}- backupPlan: got 'a backup plan'; cannot be combined with backup: false/);
  });

  test('dynamic provisioning on Fargate is refused with the reason and the way out', () => {
    // GIVEN a Fargate cluster
    const fargate = clusterStack(NodeMode.fargate());
    // WHEN / THEN
    expect(() => new EfsCsiStorage(fargate.stack, 'Efs', { cluster: fargate.eksCluster, dynamicProvisioning: true }))
      .toThrow(/EfsCsiStorage at 'Test\/Efs' has invalid props:\n {2}- dynamicProvisioning: got true; the EFS driver built into Fargate supports static provisioning only.*addStaticVolume/);
  });

  test('StorageClass options and an add-on version on Fargate are refused: there is neither', () => {
    // GIVEN a Fargate cluster
    const fargate = clusterStack(NodeMode.fargate());
    // WHEN / THEN
    let message = '';
    try {
      new EfsCsiStorage(fargate.stack, 'Efs', { cluster: fargate.eksCluster, storageClassName: 'shared', gidRangeStart: 1000, addonVersion: 'v2.1.9-eksbuild.1' });
    } catch (e) {
      message = String(e);
    }
    expect(message).toMatch(/storageClassName: got 'shared'; shapes the dynamic provisioning StorageClass, which is off on a Fargate cluster; leave it unset/);
    expect(message).toMatch(/gidRangeStart: got 1000; shapes the dynamic provisioning StorageClass/);
    expect(message).toMatch(/addonVersion: got 'v2.1.9-eksbuild.1'; Fargate has the EFS driver built in and installs no add-on/);
  });

  test('StorageClass options with dynamic provisioning turned off are refused', () => {
    // WHEN / THEN
    expect(() => new EfsCsiStorage(stack, 'Off', { cluster: managed, dynamicProvisioning: false, reclaimPolicy: VolumeReclaimPolicy.DELETE }))
      .toThrow(/reclaimPolicy: got 'Delete'; shapes the dynamic provisioning StorageClass, which is off; leave it unset/);
  });

  test('the provisioned throughput mode is refused, naming what is allowed', () => {
    // WHEN / THEN
    expect(() => new EfsCsiStorage(stack, 'Provisioned', { cluster: managed, throughputMode: efs.ThroughputMode.PROVISIONED }))
      .toThrow(/throughputMode: got 'provisioned'; must be one of elastic, bursting: provisioned throughput needs a rate this construct does not take/);
  });

  test('an existing file system plus creation props is refused, naming them', () => {
    // GIVEN
    const fileSystem = efs.FileSystem.fromFileSystemAttributes(stack, 'Existing', {
      fileSystemId: 'fs-0123456789abcdef0',
      securityGroup: ec2.SecurityGroup.fromSecurityGroupId(stack, 'ExistingSg', 'sg-0123456789abcdef0'),
    });
    // WHEN / THEN
    expect(() => new EfsCsiStorage(stack, 'Both', {
      cluster: managed,
      fileSystem,
      encryptionKey: new kms.Key(stack, 'Key'),
      throughputMode: efs.ThroughputMode.BURSTING,
    })).toThrow(/fileSystem: got 'an existing file system'; cannot be combined with props that create one \(encryptionKey, throughputMode\)/);
    expect(() => new EfsCsiStorage(stack, 'WithBackup', { cluster: managed, fileSystem, backup: false }))
      .toThrow(/fileSystem: got 'an existing file system'; cannot be combined with props that create one \(backup\)/);
  });

  test('a cluster whose node subnets select nothing (a VPC without private subnets) is refused', () => {
    // GIVEN a cluster imported into a VPC with public subnets only
    const publicOnly = new ec2.Vpc(stack, 'PublicOnly', {
      availabilityZones: ['us-east-1a', 'us-east-1b'],
      natGateways: 0,
      subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC }],
    });
    const imported = importedByoCluster(stack, 'PublicOnlyCluster', publicOnly, NodeModeType.MANAGED);
    // WHEN / THEN
    expect(() => new EfsCsiStorage(stack, 'NoPrivate', { cluster: imported, dynamicProvisioning: false }))
      .toThrow(/cluster: got 'a cluster whose vpcSubnets select no subnets'; EFS mount targets go in every Availability Zone of the cluster's node subnets/);
  });

  test('a cluster handle with no node security groups is refused: NFS could not be allowed from anything', () => {
    // GIVEN a handle that states no node security group
    const imported = importedByoCluster(stack, 'NoGroups', managed.vpc, NodeModeType.MANAGED);
    const noGroups: IEksCluster = Object.create(imported, { nodeSecurityGroups: { value: [] } });
    // WHEN / THEN
    expect(() => new EfsCsiStorage(stack, 'NoSg', { cluster: noGroups }))
      .toThrow(/cluster: got 'a cluster with no nodeSecurityGroups'; NFS is allowed from the security groups node and pod traffic comes from/);
  });

  test('inverted and out-of-range gid ranges, bad permissions, base path and class name are all reported at once', () => {
    // WHEN / THEN
    let message = '';
    try {
      new EfsCsiStorage(stack, 'Bad', {
        cluster: managed,
        gidRangeStart: 5000000000,
        gidRangeEnd: 9000,
        directoryPerms: '799',
        basePath: 'relative',
        storageClassName: '-efs',
      });
    } catch (e) {
      message = String(e);
    }
    expect(message).toMatch(/EfsCsiStorage at 'Test\/Bad' has invalid props/);
    expect(message).toMatch(/storageClassName: got '-efs'; must be a DNS-1123 subdomain/);
    expect(message).toMatch(/directoryPerms: got '799'; must be octal permissions/);
    expect(message).toMatch(/gidRangeStart: got 5000000000; must be a whole number from 1 to 4294967295/);
    expect(message).toMatch(/gidRangeStart: got 5000000000; must be less than gidRangeEnd \(9000\)/);
    expect(message).toMatch(/basePath: got 'relative'; must be an absolute path/);
    expect(() => new EfsCsiStorage(stack, 'Inverted', { cluster: managed, gidRangeStart: 7000, gidRangeEnd: 7000 }))
      .toThrow(/gidRangeStart: got 7000; must be less than gidRangeEnd \(7000\)/);
    expect(() => new EfsCsiStorage(stack, 'Zero', { cluster: managed, gidRangeStart: 0 }))
      .toThrow(/gidRangeStart: got 0; must be a whole number from 1 to 4294967295/);
  });

  test('an add-on version on another major line is refused: the 2.x line is gone with the 3.x pin', () => {
    // WHEN / THEN
    expect(() => new EfsCsiStorage(stack, 'Major', { cluster: managed, addonVersion: 'v2.1.15-eksbuild.1' }))
      .toThrow(/addonVersion: got 'v2.1.15-eksbuild.1'; is major version v2, but aws-efs-csi-driver on Kubernetes 1.36 is on v3/);
  });

  test('a static volume with a bad name, namespace, path, uid, gid, permissions or an unknown option is refused', () => {
    // GIVEN
    const storage = new EfsCsiStorage(stack, 'Static', { cluster: managed, storageClassName: 'static-ok' });
    // WHEN / THEN
    let message = '';
    try {
      storage.addStaticVolume('Bad', { name: 'Data', namespace: 'a.b', path: 'data', uid: -1, gid: 1.5, permissions: 'rwx' });
    } catch (e) {
      message = String(e);
    }
    expect(message).toMatch(/EfsCsiStorage.addStaticVolume at 'Test\/Static\/Bad' has invalid props/);
    expect(message).toMatch(/name: got 'Data'; must be a DNS-1123 subdomain/);
    expect(message).toMatch(/namespace: got 'a.b'; must be a DNS-1123 label/);
    expect(message).toMatch(/path: got 'data'; must be an absolute path/);
    expect(message).toMatch(/uid: got -1; must be a whole number from 0 to 4294967295/);
    expect(message).toMatch(/gid: got 1.5; must be a whole number from 0 to 4294967295/);
    expect(message).toMatch(/permissions: got 'rwx'; must be octal permissions/);
    expect(() => storage.addStaticVolume('Extra', { name: 'extra', path: '/extra', size: Size.gibibytes(1) } as any))
      .toThrow(/size: got 'a value'; is not an option of EfsCsiStorage.addStaticVolume\(\)/);
  });

  test('without a kubectl provider, dynamic provisioning is refused naming kubectlLayer', () => {
    // GIVEN
    const noKubectl = clusterStack(NodeMode.managed(), { kubectl: false });
    // WHEN / THEN
    expect(() => new EfsCsiStorage(noKubectl.stack, 'Efs', { cluster: noKubectl.eksCluster }))
      .toThrow(/cluster: got 'a cluster without a kubectl provider'; The StorageClass \(a Kubernetes manifest\) needs it.*kubectlLayer/);
  });

  test('tokens are never refused', () => {
    // GIVEN values known only at deploy time
    const tokenStack = clusterStack(NodeMode.managed());
    const start = new CfnParameter(tokenStack.stack, 'GidStart', { type: 'Number' }).valueAsNumber;
    const perms = new CfnParameter(tokenStack.stack, 'Perms').valueAsString;
    const basePath = new CfnParameter(tokenStack.stack, 'BasePath').valueAsString;
    const className = new CfnParameter(tokenStack.stack, 'ClassName').valueAsString;
    // WHEN
    const storage = new EfsCsiStorage(tokenStack.stack, 'Efs', {
      cluster: tokenStack.eksCluster, gidRangeStart: start, directoryPerms: perms, basePath, storageClassName: className,
    });
    storage.addStaticVolume('Data', {
      name: 'data',
      path: new CfnParameter(tokenStack.stack, 'Path').valueAsString,
      uid: new CfnParameter(tokenStack.stack, 'Uid', { type: 'Number' }).valueAsNumber,
    });
    // THEN the parameters reach the StorageClass and the access point
    const template = Template.fromStack(tokenStack.stack);
    const [storageClass] = manifestObjects(template, 'EfsStorageClass');
    expect(storageClass.metadata.name).toBe('<Ref:ClassName>');
    expect(storageClass.parameters).toMatchObject({ gidRangeStart: '<Ref:GidStart>', directoryPerms: '<Ref:Perms>', basePath: '<Ref:BasePath>' });
    template.hasResourceProperties('AWS::EFS::AccessPoint', { RootDirectory: Match.objectLike({ Path: { Ref: 'Path' } }) });
  });
});

describe('EfsCsiStorage with no internet path', () => {
  test('a bring-your-own isolated VPC without the elasticfilesystem endpoint fails at synth, naming it; with it, it synthesizes', () => {
    // GIVEN an isolated VPC of this app, with or without the EFS endpoint, and dynamic provisioning (the default)
    const build = (withEfs: boolean) => {
      const stack = new Stack(testApp(), 'Test');
      const vpc = isolatedVpc(stack, 'Byo', withEfs ? [] : ['elasticfilesystem']);
      const cluster = new EksCluster(stack, 'Cluster', { vpc, kubectlLayer: new KubectlV36Layer(stack, 'KubectlLayer') });
      new EfsCsiStorage(stack, 'Efs', { cluster });
      return () => Template.fromStack(stack);
    };
    // WHEN synthesized THEN the missing endpoint and its caller are named
    expect(build(false)).toThrow(/EfsCsiStorage at 'Test\/Efs' has invalid props:\s+- cluster: got 'VPC Test\/Byo with isolated subnets only and no 'elasticfilesystem' endpoint'; the EFS CSI driver \(dynamic provisioning\) calls elasticfilesystem/);
    expect(build(true)).not.toThrow();
  });

  test('static provisioning only (Fargate) calls no EFS API, so the endpoint is not required', () => {
    const stack = new Stack(testApp(), 'Test');
    const vpc = isolatedVpc(stack, 'Byo', ['elasticfilesystem']);
    const cluster = new EksCluster(stack, 'Cluster', { vpc, nodeMode: NodeMode.fargate(), kubectlLayer: new KubectlV36Layer(stack, 'KubectlLayer') });
    new EfsCsiStorage(stack, 'Efs', { cluster });
    expect(Template.fromStack(stack).findResources('AWS::EFS::FileSystem')).not.toEqual({});
  });
});
