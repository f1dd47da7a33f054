import { CfnParameter, Size, Stack } from 'aws-cdk-lib';
import { KubectlV36Layer } from '@aws-cdk/lambda-layer-kubectl-v36';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as efs from 'aws-cdk-lib/aws-efs';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as kms from 'aws-cdk-lib/aws-kms';
import { pinnedAddonVersion } from '../../lib/addons/addon-versions';
import { CustomerVpc, EfsCsiStorage, EksCluster, NodeMode, NodeModeType, VolumeReclaimPolicy } from '../../lib';
import { testApp } from '../helpers/synth';
import { clusterStack, manifestObjects, objectOf, TEST_AZS } from './storage-fixtures';

function efsAddons(template: Template): Record<string, any> {
  return template.findResources('AWS::EKS::Addon', { Properties: { AddonName: 'aws-efs-csi-driver' } });
}

describe('EfsCsiStorage on managed nodes, with defaults', () => {
  let template: Template;

  beforeAll(() => {
    // GIVEN a managed-node cluster in 3 AZs with the kubectl provider
    const { stack, eksCluster } = clusterStack(NodeMode.managed());
    // WHEN EFS storage is added with defaults, and one static volume
    const storage = new EfsCsiStorage(stack, 'Efs', { cluster: eksCluster.cluster, nodeModeType: eksCluster.nodeModeType, nodeSubnets: eksCluster.nodeSubnets });
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

  test('one mount target in the private subnet of every node AZ, all behind the mount target security group', () => {
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

  test('NFS (2049) is open only from the cluster and control-plane security groups, never from a CIDR', () => {
    // THEN
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress', {
      Properties: { GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EfsMountTargetSecurityGroup'), 'GroupId'] } },
    }));
    expect(ingress.map((r) => r.Properties.SourceSecurityGroupId).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual([
      { 'Fn::GetAtt': [expect.stringMatching(/^Cluster[0-9A-F]+$/), 'ClusterSecurityGroupId'] },
      { 'Fn::GetAtt': [expect.stringMatching(/^ClusterControlPlaneSecurityGroup/), 'GroupId'] },
    ]);
    for (const rule of ingress) {
      expect(rule.Properties).toMatchObject({ IpProtocol: 'tcp', FromPort: 2049, ToPort: 2049 });
      expect(rule.Properties.CidrIp).toBeUndefined();
    }
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

  test('the add-on waits for the mount targets', () => {
    // THEN
    const [addon] = Object.values(efsAddons(template));
    expect(addon.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^EfsFileSystemEfsMountTarget1/), expect.stringMatching(/^EfsFileSystemEfsMountTarget3/)]));
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
    // WHEN EFS storage is added with a static volume
    storage = new EfsCsiStorage(stack, 'Efs', { cluster: eksCluster.cluster, nodeModeType: eksCluster.nodeModeType });
    storage.addStaticVolume('Data', { name: 'data', path: '/data', capacity: Size.gibibytes(100) });
    template = Template.fromStack(stack);
  });

  test('installs no add-on and no driver role: the driver is built into Fargate', () => {
    // THEN
    expect(Object.keys(efsAddons(template))).toHaveLength(0);
    template.resourcePropertiesCountIs('AWS::IAM::Role', { Description: Match.stringLikeRegexp('EFS CSI controller') }, 0);
  });

  test('creates no dynamic StorageClass, only the static volume', () => {
    // THEN
    const kinds = manifestObjects(template, 'Efs').map((o) => `${o.kind}/${o.metadata.name}`).sort();
    expect(kinds).toEqual(['PersistentVolume/data', 'PersistentVolumeClaim/data']);
    expect(storage.storageClassName).toBeUndefined();
    expect(objectOf(manifestObjects(template, 'EfsData'), 'PersistentVolume', 'data').spec.capacity.storage).toBe('100Gi');
  });

  test('still creates the encrypted, retained file system with mount targets reachable from the cluster security group', () => {
    // THEN
    template.hasResource('AWS::EFS::FileSystem', { Properties: { Encrypted: true, BackupPolicy: { Status: 'ENABLED' } }, DeletionPolicy: 'Retain' });
    template.resourceCountIs('AWS::EFS::MountTarget', 3);
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 2049,
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.anyValue(), 'ClusterSecurityGroupId'] },
    });
  });
});

describe('EfsCsiStorage per node mode and options', () => {
  test('Auto Mode nodes get the add-on and the dynamic StorageClass', () => {
    // GIVEN an Auto Mode cluster
    const { stack, eksCluster } = clusterStack(NodeMode.autoMode());
    // WHEN
    new EfsCsiStorage(stack, 'Efs', { cluster: eksCluster.cluster, nodeModeType: NodeModeType.AUTO_MODE, reclaimPolicy: VolumeReclaimPolicy.DELETE });
    // THEN
    const template = Template.fromStack(stack);
    expect(Object.keys(efsAddons(template))).toHaveLength(1);
    expect(objectOf(manifestObjects(template, 'EfsStorageClass'), 'StorageClass', 'efs-ap').reclaimPolicy).toBe('Delete');
  });

  test('self-managed nodes get the add-on, and NFS from their own security group', () => {
    // GIVEN a self-managed cluster, whose nodes carry their own security group
    const { stack, eksCluster } = clusterStack(NodeMode.selfManaged());
    // WHEN
    new EfsCsiStorage(stack, 'Efs', {
      cluster: eksCluster.cluster,
      nodeModeType: eksCluster.nodeModeType,
      clientSecurityGroups: [eksCluster.capacity.selfManagedNodes!.securityGroup],
    });
    // THEN
    const template = Template.fromStack(stack);
    expect(Object.keys(efsAddons(template))).toHaveLength(1);
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EfsMountTargetSecurityGroup'), 'GroupId'] },
      FromPort: 2049,
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('SelfManagedNodesSecurityGroup'), 'GroupId'] },
    });
  });

  test('an existing file system is used as is: no file system or key is created, NFS is opened on its security group', () => {
    // GIVEN a file system of the user's
    const { stack, eksCluster } = clusterStack(NodeMode.managed());
    const fileSystem = efs.FileSystem.fromFileSystemAttributes(stack, 'Existing', {
      fileSystemId: 'fs-0123456789abcdef0',
      securityGroup: ec2.SecurityGroup.fromSecurityGroupId(stack, 'ExistingSg', 'sg-0123456789abcdef0'),
    });
    // WHEN
    const storage = new EfsCsiStorage(stack, 'Efs', {
      cluster: eksCluster.cluster,
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

  test('a given key and extra client security groups are used', () => {
    // GIVEN
    const { stack, eksCluster, network } = clusterStack(NodeMode.selfManaged());
    const key = new kms.Key(stack, 'OwnKey', { enableKeyRotation: true });
    const nodesSg = new ec2.SecurityGroup(stack, 'NodesSg', { vpc: network.vpc });
    // WHEN
    new EfsCsiStorage(stack, 'Efs', { cluster: eksCluster.cluster, nodeModeType: NodeModeType.SELF_MANAGED, encryptionKey: key, clientSecurityGroups: [nodesSg] });
    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::EFS::FileSystem', { KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^OwnKey'), 'Arn'] } });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 2049,
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^NodesSg'), 'GroupId'] },
    });
  });
});

test("the app's denyAnonymousAccess feature flag cannot lock the CSI driver out of the file system", () => {
  // GIVEN an app with the flag new CDK projects turn on WHEN EfsCsiStorage creates its file system
  const app = testApp({ context: { '@aws-cdk/aws-efs:denyAnonymousAccess': true } });
  const stack = new Stack(app, 'Test');
  const network = new CustomerVpc(stack, 'Network');
  const eksCluster = new EksCluster(stack, 'Cluster', { vpc: network.vpc, kubectlLayer: new KubectlV36Layer(stack, 'KubectlLayer') });
  new EfsCsiStorage(stack, 'Efs', { cluster: eksCluster.cluster, nodeSubnets: eksCluster.nodeSubnets });
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

  test('dynamic provisioning on Fargate is rejected with the reason and the way out', () => {
    // GIVEN a Fargate cluster
    const fargate = clusterStack(NodeMode.fargate());
    // WHEN / THEN
    expect(() => new EfsCsiStorage(fargate.stack, 'Efs', { cluster: fargate.eksCluster.cluster, nodeModeType: NodeModeType.FARGATE, dynamicProvisioning: true }))
      .toThrow(/EfsCsiStorage at 'Test\/Efs' has invalid props:\n {2}- dynamicProvisioning: got true; the EFS driver built into Fargate supports static provisioning only.*addStaticVolume/);
  });

  test('self-managed nodes without their security group are rejected: NFS would not be allowed from them', () => {
    // WHEN / THEN
    expect(() => new EfsCsiStorage(stack, 'SelfManaged', { cluster: managed.cluster, nodeModeType: NodeModeType.SELF_MANAGED }))
      .toThrow(/clientSecurityGroups: got undefined; self-managed nodes carry their own security group.*EksCluster.capacity.selfManagedNodes.securityGroup/);
  });

  test('an existing file system plus creation props is rejected, naming them', () => {
    // GIVEN
    const fileSystem = efs.FileSystem.fromFileSystemAttributes(stack, 'Existing', {
      fileSystemId: 'fs-0123456789abcdef0',
      securityGroup: ec2.SecurityGroup.fromSecurityGroupId(stack, 'ExistingSg', 'sg-0123456789abcdef0'),
    });
    // WHEN / THEN
    expect(() => new EfsCsiStorage(stack, 'Both', {
      cluster: managed.cluster,
      fileSystem,
      encryptionKey: new kms.Key(stack, 'Key'),
      throughputMode: efs.ThroughputMode.BURSTING,
    })).toThrow(/fileSystem: got 'an existing file system'; cannot be combined with props that create one \(encryptionKey, throughputMode\)/);
  });

  test('nodes in an AZ where the VPC has no private subnet are rejected, naming the AZ', () => {
    // GIVEN node subnets in an AZ the VPC has no private subnet in
    const elsewhere = ec2.Subnet.fromSubnetAttributes(stack, 'Elsewhere', { subnetId: 'subnet-0d', availabilityZone: 'us-east-1d' });
    // WHEN / THEN
    expect(() => new EfsCsiStorage(stack, 'Gap', { cluster: managed.cluster, nodeSubnets: { subnets: [elsewhere] } }))
      .toThrow(/nodeSubnets: got 'nodes in us-east-1d'; the VPC has no private subnet there for an EFS mount target \(private subnets are in us-east-1a, us-east-1b, us-east-1c\)/);
  });

  test('a cluster VPC with no private subnets is rejected', () => {
    // GIVEN an imported cluster in a VPC with public subnets only
    const publicOnly = new ec2.Vpc(stack, 'PublicOnly', {
      availabilityZones: ['us-east-1a', 'us-east-1b'],
      natGateways: 0,
      subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC }],
    });
    const imported = efsImportedCluster(stack, publicOnly);
    // WHEN / THEN
    expect(() => new EfsCsiStorage(stack, 'NoPrivate', { cluster: imported, dynamicProvisioning: false }))
      .toThrow(/cluster: got 'a VPC with no private subnets'; EFS mount targets go in a private \(or isolated\) subnet of every Availability Zone where nodes run/);
  });

  test('an imported cluster without its cluster security group is rejected: NFS could not be allowed from it', () => {
    // GIVEN a cluster imported with its VPC but no clusterSecurityGroupId
    const imported = eks.Cluster.fromClusterAttributes(stack, 'NoSgCluster', { clusterName: 'no-sg', vpc: managed.vpc });
    // WHEN / THEN
    expect(() => new EfsCsiStorage(stack, 'NoSg', { cluster: imported, nodeModeType: NodeModeType.FARGATE }))
      .toThrow(/cluster: got 'an imported cluster without clusterSecurityGroupId'; NFS is allowed from the cluster security group.*clusterSecurityGroupId/);
  });

  test('inverted and out-of-range gid ranges, bad permissions, base path and class name are all reported at once', () => {
    // WHEN / THEN
    let message = '';
    try {
      new EfsCsiStorage(stack, 'Bad', {
        cluster: managed.cluster,
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
    expect(() => new EfsCsiStorage(stack, 'Inverted', { cluster: managed.cluster, gidRangeStart: 7000, gidRangeEnd: 7000 }))
      .toThrow(/gidRangeStart: got 7000; must be less than gidRangeEnd \(7000\)/);
    expect(() => new EfsCsiStorage(stack, 'Zero', { cluster: managed.cluster, gidRangeStart: 0 }))
      .toThrow(/gidRangeStart: got 0; must be a whole number from 1 to 4294967295/);
  });

  test('a static volume with a bad name, path, uid, gid or permissions is rejected', () => {
    // GIVEN
    const storage = new EfsCsiStorage(stack, 'Static', { cluster: managed.cluster, storageClassName: 'static-ok' });
    // WHEN / THEN
    let message = '';
    try {
      storage.addStaticVolume('Bad', { name: 'Data', path: 'data', uid: -1, gid: 1.5, permissions: 'rwx' });
    } catch (e) {
      message = String(e);
    }
    expect(message).toMatch(/EfsCsiStorage.addStaticVolume at 'Test\/Static\/Bad' has invalid props/);
    expect(message).toMatch(/name: got 'Data'; must be a DNS-1123 subdomain/);
    expect(message).toMatch(/path: got 'data'; must be an absolute path/);
    expect(message).toMatch(/uid: got -1; must be a whole number from 0 to 4294967295/);
    expect(message).toMatch(/gid: got 1.5; must be a whole number from 0 to 4294967295/);
    expect(message).toMatch(/permissions: got 'rwx'; must be octal permissions/);
  });

  test('without a kubectl provider, dynamic provisioning is rejected naming kubectlLayer', () => {
    // GIVEN
    const noKubectl = clusterStack(NodeMode.managed(), { kubectl: false });
    // WHEN / THEN
    expect(() => new EfsCsiStorage(noKubectl.stack, 'Efs', { cluster: noKubectl.eksCluster.cluster }))
      .toThrow(/cluster: got 'a cluster without a kubectl provider'; The StorageClass is a Kubernetes manifest.*EksCluster's kubectlLayer/);
  });

  test('tokens are never rejected', () => {
    // GIVEN values known only at deploy time
    const tokenStack = clusterStack(NodeMode.managed());
    const start = new CfnParameter(tokenStack.stack, 'GidStart', { type: 'Number' }).valueAsNumber;
    const perms = new CfnParameter(tokenStack.stack, 'Perms').valueAsString;
    // WHEN
    const storage = new EfsCsiStorage(tokenStack.stack, 'Efs', { cluster: tokenStack.eksCluster.cluster, gidRangeStart: start, directoryPerms: perms });
    storage.addStaticVolume('Data', { name: 'data', path: new CfnParameter(tokenStack.stack, 'Path').valueAsString });
    // THEN the parameters reach the StorageClass
    const template = Template.fromStack(tokenStack.stack);
    const storageClass = objectOf(manifestObjects(template, 'EfsStorageClass'), 'StorageClass', 'efs-ap');
    expect(storageClass.parameters).toMatchObject({ gidRangeStart: '<Ref:GidStart>', directoryPerms: '<Ref:Perms>' });
  });
});

/** An aws-eks-v2 cluster imported into `vpc`, with a cluster security group. */
function efsImportedCluster(stack: Stack, vpc: ec2.IVpc): eks.ICluster {
  return eks.Cluster.fromClusterAttributes(stack, 'ImportedCluster', { clusterName: 'imported', vpc, clusterSecurityGroupId: 'sg-0cluster' });
}
