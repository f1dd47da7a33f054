import { CfnParameter, Size, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { pinnedAddonVersion } from '../../lib/private/addon-versions';
import { EbsCsiStorage, EksCluster, IEksCluster, NodeMode, NodeModeType, VolumeReclaimPolicy } from '../../lib';
import {
  clusterStack, dependsOnOf, importedByoCluster, logicalIdsOf, manifestObjects, NODE_MODES, objectOf, ownedByoCluster,
} from './storage-fixtures';

const KEY_ACTIONS = [
  'kms:Encrypt',
  'kms:Decrypt',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
  'kms:DescribeKey',
];

function ebsAddons(template: Template): Record<string, any> {
  return template.findResources('AWS::EKS::Addon', { Properties: { AddonName: 'aws-ebs-csi-driver' } });
}

/** The `DependsOn` of the one EBS CSI add-on. */
function addonDependsOn(template: Template): string[] {
  const addons = Object.values(ebsAddons(template));
  expect(addons).toHaveLength(1);
  return addons[0].DependsOn ?? [];
}

describe('EbsCsiStorage on managed nodes, with defaults', () => {
  let template: Template;
  let storage: EbsCsiStorage;

  beforeAll(() => {
    // GIVEN a managed-node cluster with the kubectl provider
    const { stack, eksCluster } = clusterStack(NodeMode.managed());
    // WHEN EBS storage is added with only the cluster, and one claim
    storage = new EbsCsiStorage(stack, 'Ebs', { cluster: eksCluster });
    storage.addVolumeClaim('Data', { name: 'data', namespace: 'apps', size: Size.gibibytes(20) });
    template = Template.fromStack(stack);
  });

  test('installs the aws-ebs-csi-driver add-on at the version pinned for the cluster version, bound to its role through Pod Identity', () => {
    // THEN
    template.hasResourceProperties('AWS::EKS::Addon', {
      AddonName: 'aws-ebs-csi-driver',
      AddonVersion: pinnedAddonVersion('aws-ebs-csi-driver', '1.36'),
      ClusterName: { Ref: Match.stringLikeRegexp('^Cluster') },
      ResolveConflicts: 'OVERWRITE',
      PodIdentityAssociations: [{
        RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EbsDriverRole'), 'Arn'] },
        ServiceAccount: 'ebs-csi-controller-sa',
      }],
    });
    expect(Object.keys(ebsAddons(template))).toHaveLength(1);
  });

  test('runs the node plugin in the host network, so it reads IMDSv2 under the nodes\' hop limit of 1', () => {
    // THEN the add-on's configuration sets node.hostNetwork
    const [addon] = Object.values(ebsAddons(template));
    expect(JSON.parse(addon.Properties.ConfigurationValues)).toEqual({ node: { hostNetwork: true } });
  });

  test('the driver role trusts only EKS Pod Identity and carries AmazonEBSCSIDriverPolicy', () => {
    // THEN
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [{
          Action: ['sts:AssumeRole', 'sts:TagSession'],
          Effect: 'Allow',
          Principal: { Service: 'pods.eks.amazonaws.com' },
        }],
      },
      ManagedPolicyArns: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy']] }],
    });
  });

  test('its new key denies kms:CreateGrant unless the grant is for an AWS resource (Control Tower CT.KMS.PR.3)', () => {
    // THEN
    template.hasResourceProperties('AWS::KMS::Key', {
      Description: Match.stringLikeRegexp('EBS volumes'),
      KeyPolicy: { Statement: Match.arrayWith([{
        Sid: 'DenyGrantsExceptForAwsResources', Effect: 'Deny', Principal: { AWS: '*' }, Action: 'kms:CreateGrant', Resource: '*',
        Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
      }]) },
    });
  });

  test('the driver role may use the volume key through a customer managed policy (no inline policy): grants only for AWS resources, and the data key operations', () => {
    // THEN
    const keyArn = { 'Fn::GetAtt': [Match.stringLikeRegexp('^EbsVolumeKey'), 'Arn'] };
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^EbsDriverRole') }],
      PolicyDocument: {
        Statement: [
          {
            Action: ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant'],
            Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
            Effect: 'Allow',
            Resource: keyArn,
            Sid: 'GrantsForAwsResourcesOnly',
          },
          { Action: KEY_ACTIONS, Effect: 'Allow', Resource: keyArn, Sid: 'EncryptedVolumes' },
        ],
      },
    });
  });

  test('the add-on waits for the key policy, the managed node group and the Pod Identity agent', () => {
    // THEN
    const dependsOn = addonDependsOn(template);
    expect(dependsOn).toEqual(expect.arrayContaining([
      expect.stringMatching(/^EbsVolumeKeyManagedPolicy/),
      logicalIdsOf(template, 'AWS::EKS::Nodegroup', 'ClusterNodeGroup')[0],
      expect.stringMatching(/^ClusterCoreAddonsPodIdentityAgent/),
    ]));
  });

  test('the volume key, the driver role and its key policy wait for no node', () => {
    // THEN
    const nodeGroup = logicalIdsOf(template, 'AWS::EKS::Nodegroup', 'ClusterNodeGroup')[0];
    for (const [type, prefix] of [['AWS::KMS::Key', 'EbsVolumeKey'], ['AWS::IAM::Role', 'EbsDriverRole'], ['AWS::IAM::ManagedPolicy', 'EbsVolumeKeyManagedPolicy']]) {
      for (const dependsOn of Object.values(dependsOnOf(template, type, prefix))) {
        expect(dependsOn).not.toContain(nodeGroup);
        expect(dependsOn.filter((d) => d.startsWith('ClusterCoreAddons'))).toEqual([]);
      }
    }
  });

  test('creates a customer-managed key with rotation, retained when it leaves the stack', () => {
    // THEN
    template.hasResource('AWS::KMS::Key', {
      Properties: { EnableKeyRotation: true, Description: Match.stringLikeRegexp('EBS volumes of StorageClass ebs-gp3') },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  test('the default StorageClass is gp3, encrypted with the key, WaitForFirstConsumer, expandable and Retain', () => {
    // THEN
    const storageClass = objectOf(manifestObjects(template, 'EbsStorageClass'), 'StorageClass', 'ebs-gp3');
    expect(storageClass).toMatchObject({
      apiVersion: 'storage.k8s.io/v1',
      metadata: { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
      provisioner: 'ebs.csi.aws.com',
      parameters: {
        'type': 'gp3',
        'encrypted': 'true',
        'csi.storage.k8s.io/fstype': 'ext4',
        'kmsKeyId': expect.stringMatching(/^<EbsVolumeKey[0-9A-F]+\.Arn>$/),
      },
      reclaimPolicy: 'Retain',
      volumeBindingMode: 'WaitForFirstConsumer',
      allowVolumeExpansion: true,
    });
    expect(storageClass.parameters.iops).toBeUndefined();
    expect(storage.storageClassName).toBe('ebs-gp3');
    // Any node with the EBS CSI driver may attach: no topology restriction.
    expect(storageClass.allowedTopologies).toBeUndefined();
  });

  test('the StorageClass is applied after the add-on, and a claim after the StorageClass', () => {
    // THEN
    expect(Object.values(dependsOnOf(template, 'Custom::AWSCDK-EKS-KubernetesResource', 'EbsStorageClass'))[0])
      .toEqual(expect.arrayContaining([expect.stringMatching(/^EbsAddon/)]));
    expect(Object.values(dependsOnOf(template, 'Custom::AWSCDK-EKS-KubernetesResource', 'EbsDataClaim'))[0])
      .toEqual(expect.arrayContaining([expect.stringMatching(/^EbsStorageClass/)]));
  });

  test('addVolumeClaim adds a ReadWriteOnce claim of the StorageClass with the size in Gi', () => {
    // THEN
    const claim = objectOf(manifestObjects(template, 'EbsData'), 'PersistentVolumeClaim', 'data');
    expect(claim).toMatchObject({
      metadata: { namespace: 'apps' },
      spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'ebs-gp3', resources: { requests: { storage: '20Gi' } } },
    });
  });
});

describe('EbsCsiStorage options', () => {
  let template: Template;

  beforeAll(() => {
    // GIVEN a managed-node cluster and a key of the user's
    const { stack, eksCluster } = clusterStack(NodeMode.managed());
    const key = kms.Key.fromKeyArn(stack, 'OwnKey', 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    // WHEN every option is set
    new EbsCsiStorage(stack, 'Ebs', {
      cluster: eksCluster,
      encryptionKey: key,
      storageClassName: 'fast.gp3',
      defaultStorageClass: false,
      reclaimPolicy: VolumeReclaimPolicy.DELETE,
      iops: 6000,
      throughputMiBps: 500,
      addonVersion: 'v1.40.0-eksbuild.1',
      nodeHostNetwork: false,
    });
    template = Template.fromStack(stack);
  });

  test('uses the given key and creates none', () => {
    // THEN
    const keys = template.findResources('AWS::KMS::Key', { Properties: { Description: Match.stringLikeRegexp('EBS volumes') } });
    expect(Object.keys(keys)).toHaveLength(0);
    const storageClass = objectOf(manifestObjects(template, 'EbsStorageClass'), 'StorageClass', 'fast.gp3');
    expect(storageClass.parameters.kmsKeyId).toBe('arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'EncryptedVolumes', Resource: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab' })]) },
    });
  });

  test('renders the non-default class, Delete reclaim policy, IOPS and throughput', () => {
    // THEN
    const storageClass = objectOf(manifestObjects(template, 'EbsStorageClass'), 'StorageClass', 'fast.gp3');
    expect(storageClass).toMatchObject({
      metadata: { annotations: { 'storageclass.kubernetes.io/is-default-class': 'false' } },
      parameters: { iops: '6000', throughput: '500' },
      reclaimPolicy: 'Delete',
    });
  });

  test('the add-on version can be overridden', () => {
    // THEN
    template.hasResourceProperties('AWS::EKS::Addon', { AddonName: 'aws-ebs-csi-driver', AddonVersion: 'v1.40.0-eksbuild.1' });
  });

  test('nodeHostNetwork: false sends no configuration values', () => {
    const [addon] = Object.values(ebsAddons(template));
    expect(addon.Properties.ConfigurationValues).toBeUndefined();
  });
});

describe('EbsCsiStorage derives everything from the cluster, per node mode', () => {
  test.each([NodeModeType.MANAGED, NodeModeType.SELF_MANAGED])('%s: the add-on and the ebs.csi.aws.com StorageClass, after the capacity and the Pod Identity agent', (type) => {
    // GIVEN a cluster of the node mode
    const { stack, eksCluster } = clusterStack(NODE_MODES[type]());
    // WHEN storage is added through the cluster
    const storage = eksCluster.addEbsStorage('Ebs');
    // THEN
    const template = Template.fromStack(stack);
    expect(storage.provisioner).toBe('ebs.csi.aws.com');
    expect(objectOf(manifestObjects(template, 'ClusterEbsStorageClass'), 'StorageClass', 'ebs-gp3').provisioner).toBe('ebs.csi.aws.com');
    const capacity = type === NodeModeType.MANAGED
      ? logicalIdsOf(template, 'AWS::EKS::Nodegroup', 'ClusterNodeGroup')
      : logicalIdsOf(template, 'AWS::AutoScaling::AutoScalingGroup', 'ClusterSelfManagedNodes');
    expect(capacity).toHaveLength(1);
    expect(addonDependsOn(template)).toEqual(expect.arrayContaining([capacity[0], expect.stringMatching(/^ClusterCoreAddonsPodIdentityAgent/)]));
  });

  describe('Auto Mode', () => {
    let template: Template;
    let storage: EbsCsiStorage;

    beforeAll(() => {
      // GIVEN an Auto Mode cluster
      const { stack, eksCluster } = clusterStack(NodeMode.autoMode());
      // WHEN
      storage = new EbsCsiStorage(stack, 'Ebs', { cluster: eksCluster });
      template = Template.fromStack(stack);
    });

    test('installs no add-on and no driver role: Auto Mode has its own block storage driver', () => {
      // THEN
      expect(Object.keys(ebsAddons(template))).toHaveLength(0);
      template.resourcePropertiesCountIs('AWS::IAM::Role', { Description: Match.stringLikeRegexp('EBS CSI controller') }, 0);
      expect(storage.addon).toBeUndefined();
      expect(storage.driverRole).toBeUndefined();
    });

    test('the StorageClass uses the Auto Mode provisioner, with the same encryption and Retain, on Auto Mode nodes only', () => {
      // THEN
      expect(storage.provisioner).toBe(EbsCsiStorage.AUTO_MODE_PROVISIONER);
      expect(objectOf(manifestObjects(template, 'EbsStorageClass'), 'StorageClass', 'ebs-gp3')).toMatchObject({
        provisioner: 'ebs.csi.eks.amazonaws.com',
        parameters: { type: 'gp3', encrypted: 'true', kmsKeyId: expect.stringMatching(/^<EbsVolumeKey/) },
        reclaimPolicy: 'Retain',
        volumeBindingMode: 'WaitForFirstConsumer',
        allowedTopologies: [{ matchLabelExpressions: [{ key: 'eks.amazonaws.com/compute-type', values: ['auto'] }] }],
      });
    });

    test("the cluster's role, which Auto Mode creates volumes with, may use the key", () => {
      // THEN
      template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
        Roles: [{ Ref: Match.stringLikeRegexp('^ClusterClusterRole') }],
        PolicyDocument: {
          Statement: [
            Match.objectLike({ Action: ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant'], Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } } }),
            Match.objectLike({ Action: KEY_ACTIONS, Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EbsVolumeKey'), 'Arn'] } }),
          ],
        },
      });
    });
  });

  test('a Fargate cluster is refused: EBS volumes cannot attach to Fargate pods', () => {
    // GIVEN a Fargate cluster
    const { stack, eksCluster } = clusterStack(NodeMode.fargate());
    // WHEN / THEN
    expect(() => new EbsCsiStorage(stack, 'Ebs', { cluster: eksCluster }))
      .toThrow(/EbsCsiStorage at 'Test\/Ebs' has invalid props:\n {2}- cluster: got 'a fargate cluster'; EBS volumes cannot attach to Fargate pods.*managed, self-managed or auto-mode/);
  });
});

describe('EbsCsiStorage on a bring-your-own cluster (EksCluster.fromCluster)', () => {
  test('an owned aws-eks-v2 cluster with managed nodes: its version picks the add-on, and the add-on waits for its node group', () => {
    // GIVEN a plain aws-eks-v2 cluster on 1.35 with its default node group, adapted
    const { stack, byo } = ownedByoCluster(NodeModeType.MANAGED);
    // WHEN
    new EbsCsiStorage(stack, 'Ebs', { cluster: byo });
    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::EKS::Addon', {
      AddonName: 'aws-ebs-csi-driver',
      AddonVersion: pinnedAddonVersion('aws-ebs-csi-driver', '1.35'),
      ClusterName: { Ref: Match.stringLikeRegexp('^Owned') },
    });
    expect(addonDependsOn(template)).toEqual(expect.arrayContaining(logicalIdsOf(template, 'AWS::EKS::Nodegroup', 'OwnedNodegroupDefaultCapacity')));
    expect(objectOf(manifestObjects(template, 'EbsStorageClass'), 'StorageClass', 'ebs-gp3').provisioner).toBe('ebs.csi.aws.com');
  });

  test("an owned aws-eks-v2 cluster on Auto Mode: the key goes to the role read off the cluster", () => {
    // GIVEN a plain aws-eks-v2 Auto Mode cluster, adapted
    const { stack, byo } = ownedByoCluster(NodeModeType.AUTO_MODE);
    // WHEN
    new EbsCsiStorage(stack, 'Ebs', { cluster: byo });
    // THEN
    const template = Template.fromStack(stack);
    expect(Object.keys(ebsAddons(template))).toHaveLength(0);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^OwnedRole') }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'EncryptedVolumes' })]) },
    });
  });

  test('an imported cluster: the stated Kubernetes version picks the add-on', () => {
    // GIVEN a cluster imported by attributes, stated to be on 1.34
    const { stack, network } = clusterStack(NodeMode.managed());
    const imported = importedByoCluster(stack, 'Imported', network.vpc, NodeModeType.MANAGED);
    // WHEN
    new EbsCsiStorage(stack, 'Ebs', { cluster: imported });
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::EKS::Addon', {
      AddonName: 'aws-ebs-csi-driver',
      ClusterName: 'imported',
      AddonVersion: pinnedAddonVersion('aws-ebs-csi-driver', '1.34'),
    });
  });

  test('an imported Auto Mode cluster with its stated role: the key goes to that role', () => {
    // GIVEN
    const { stack, network } = clusterStack(NodeMode.managed());
    const clusterRole = iam.Role.fromRoleArn(stack, 'ImportedRole', 'arn:aws:iam::111122223333:role/imported-cluster-role');
    const imported = importedByoCluster(stack, 'Imported', network.vpc, NodeModeType.AUTO_MODE, { clusterRole });
    // WHEN
    new EbsCsiStorage(stack, 'Ebs', { cluster: imported });
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: ['imported-cluster-role'],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'EncryptedVolumes' })]) },
    });
  });

  test('an imported Auto Mode cluster whose role is unknown is refused, naming clusterRole', () => {
    // GIVEN an Auto Mode cluster imported without its role
    const { stack, network } = clusterStack(NodeMode.managed());
    const imported = importedByoCluster(stack, 'Imported', network.vpc, NodeModeType.AUTO_MODE);
    // WHEN / THEN
    expect(() => new EbsCsiStorage(stack, 'Ebs', { cluster: imported }))
      .toThrow(/cluster: got 'an Auto Mode cluster whose clusterRole is unknown'; Auto Mode creates EBS volumes with the cluster IAM role.*state `clusterRole` in EksCluster.fromCluster\(\)/);
  });

  test('a Kubernetes version the table pins nothing for is refused, naming addonVersion (the version comes from the cluster)', () => {
    // GIVEN an imported cluster stated to be on 1.32, which the table has no row for
    const { stack, network } = clusterStack(NodeMode.managed());
    const role = iam.Role.fromRoleArn(stack, 'KubectlRole', 'arn:aws:iam::111122223333:role/kubectl');
    const cluster = eks.Cluster.fromClusterAttributes(stack, 'OldCluster', {
      clusterName: 'old',
      vpc: network.vpc,
      clusterSecurityGroupId: 'sg-0old',
      kubectlProvider: eks.KubectlProvider.fromKubectlProviderAttributes(stack, 'Kubectl', { serviceToken: 'arn:aws:lambda:us-east-1:111122223333:function:kubectl', role }),
    });
    const old = EksCluster.fromCluster(stack, 'Old', { cluster, nodeModeType: NodeModeType.MANAGED, kubernetesVersion: eks.KubernetesVersion.V1_32 });
    // WHEN / THEN
    expect(() => new EbsCsiStorage(stack, 'Ebs', { cluster: old }))
      .toThrow(/addonVersion: got undefined; lib\/private\/addon-versions.ts pins no aws-ebs-csi-driver version for Kubernetes 1.32; pass one/);
  });
});

describe('EbsCsiStorage bad input', () => {
  let stack: Stack;
  let managed: EksCluster;

  beforeAll(() => {
    // GIVEN one managed cluster, never synthesized, shared by the error cases
    ({ stack, eksCluster: managed } = clusterStack(NodeMode.managed()));
  });

  test('props of the old API, or misspelt ones, are refused naming the nearest real prop', () => {
    // WHEN a plain-JS caller passes removed or misspelt props / THEN
    expect(() => new EbsCsiStorage(stack, 'Old', { cluster: managed, nodeModeType: NodeModeType.MANAGED, kubernetesVersion: eks.KubernetesVersion.V1_36 } as any))
      .toThrow(/EbsCsiStorage at 'Test\/Old' has invalid props:\n {2}- nodeModeType: got 'a value'; is not an option of EbsCsiStorage.*\n {2}- kubernetesVersion: got 'a value'; is not an option of EbsCsiStorage/);
    expect(() => new EbsCsiStorage(stack, 'Typo', { cluster: managed, storageclassname: 'fast' } as any))
      .toThrow(/storageclassname: got 'a value'; is not an option of EbsCsiStorage \(did you mean 'storageClassName'\?\)/);
  });

  test('an aws-eks-v2 cluster passed as the cluster (the old API) is refused, naming EksCluster.fromCluster', () => {
    // WHEN / THEN
    expect(() => new EbsCsiStorage(stack, 'Raw', { cluster: managed.cluster as unknown as IEksCluster }))
      .toThrow(/cluster: got 'Test\/Cluster\/Cluster'; must be an EksCluster, or an aws-eks-v2 cluster adapted with EksCluster.fromCluster/);
  });

  test('a cluster without a kubectl provider is refused, naming kubectlLayer', () => {
    // GIVEN a cluster without kubectlLayer
    const noKubectl = clusterStack(NodeMode.managed(), { kubectl: false });
    // WHEN / THEN
    expect(() => new EbsCsiStorage(noKubectl.stack, 'Ebs', { cluster: noKubectl.eksCluster }))
      .toThrow(/cluster: got 'a cluster without a kubectl provider'; The StorageClass \(a Kubernetes manifest\) needs it.*kubectlLayer/);
  });

  test('every StorageClass problem is reported at once: name, IOPS, throughput', () => {
    // WHEN / THEN
    let message = '';
    try {
      new EbsCsiStorage(stack, 'Bad', { cluster: managed, storageClassName: 'Fast_GP3', iops: 80001, throughputMiBps: 2001 });
    } catch (e) {
      message = String(e);
    }
    expect(message).toMatch(/EbsCsiStorage at 'Test\/Bad' has invalid props/);
    expect(message).toMatch(/storageClassName: got 'Fast_GP3'; must be a DNS-1123 subdomain/);
    expect(message).toMatch(/iops: got 80001; must be a whole number from 3000 to 80000/);
    expect(message).toMatch(/throughputMiBps: got 2001; must be a whole number from 125 to 2000/);
  });

  test('the current gp3 maximums (80,000 IOPS, 2,000 MiB/s) are accepted', () => {
    // GIVEN a cluster WHEN the StorageClass asks for the gp3 maximums
    const { stack: maxStack, eksCluster } = clusterStack(NodeMode.managed());
    new EbsCsiStorage(maxStack, 'Ebs', { cluster: eksCluster, storageClassName: 'max', iops: 80000, throughputMiBps: 2000 });
    // THEN they are the StorageClass's parameters
    const storageClass = objectOf(manifestObjects(Template.fromStack(maxStack), 'EbsStorageClass'), 'StorageClass', 'max');
    expect(storageClass.parameters).toMatchObject({ iops: '80000', throughput: '2000' });
  });

  test('IOPS below the gp3 minimum, and throughput above 0.25 MiB/s per IOPS, are refused', () => {
    // WHEN / THEN
    expect(() => new EbsCsiStorage(stack, 'LowIops', { cluster: managed, iops: 2000 }))
      .toThrow(/iops: got 2000; must be a whole number from 3000 to 80000/);
    expect(() => new EbsCsiStorage(stack, 'Ratio2', { cluster: managed, throughputMiBps: 800 }))
      .toThrow(/throughputMiBps: got 800; gp3 allows at most 0.25 MiB\/s per IOPS: at most 750 with 3000 IOPS/);
  });

  test('an add-on version that is not an EKS version, or on another major line, is refused', () => {
    // WHEN / THEN
    expect(() => new EbsCsiStorage(stack, 'Latest', { cluster: managed, addonVersion: 'latest' }))
      .toThrow(/addonVersion: got 'latest'; must be an EKS add-on version such as 'v1.19.2-eksbuild.1'/);
    expect(() => new EbsCsiStorage(stack, 'Major', { cluster: managed, addonVersion: 'v2.0.0-eksbuild.1' }))
      .toThrow(/addonVersion: got 'v2.0.0-eksbuild.1'; is major version v2, but aws-ebs-csi-driver on Kubernetes 1.36 is on v1/);
  });

  test('nodeHostNetwork on Auto Mode is refused: there is no add-on to configure', () => {
    const auto = clusterStack(NodeMode.autoMode());
    expect(() => new EbsCsiStorage(auto.stack, 'Ebs', { cluster: auto.eksCluster, nodeHostNetwork: true }))
      .toThrow(/nodeHostNetwork: got true; Auto Mode has a built-in block storage driver and installs no add-on to configure/);
  });

  test('an add-on version on Auto Mode is refused: there is no add-on', () => {
    // GIVEN an Auto Mode cluster
    const auto = clusterStack(NodeMode.autoMode());
    // WHEN / THEN
    expect(() => new EbsCsiStorage(auto.stack, 'Ebs', { cluster: auto.eksCluster, addonVersion: 'v1.40.0-eksbuild.1' }))
      .toThrow(/addonVersion: got 'v1.40.0-eksbuild.1'; Auto Mode has a built-in block storage driver and installs no add-on/);
  });

  test('a claim size outside 1-65536 GiB, too small for the provisioned IOPS, bad names or an unknown option are refused', () => {
    // GIVEN storage with 8000 IOPS
    const storage = new EbsCsiStorage(stack, 'Sized', { cluster: managed, iops: 8000, storageClassName: 'sized' });
    // WHEN / THEN
    expect(() => storage.addVolumeClaim('Zero', { name: 'zero', size: Size.mebibytes(512) }))
      .toThrow(/EbsCsiStorage.addVolumeClaim at 'Test\/Sized\/Zero' has invalid props:\n {2}- size \(GiB\): got 0.5; must be a whole number from 1 to 65536/);
    expect(() => storage.addVolumeClaim('Huge', { name: 'huge', size: Size.gibibytes(65537) }))
      .toThrow(/size \(GiB\): got 65537; must be a whole number from 1 to 65536/);
    expect(storage.addVolumeClaim('Largest', { name: 'largest', size: Size.tebibytes(64) }).node.path).toBe('Test/Sized/Largest/Claim');
    expect(() => storage.addVolumeClaim('Small', { name: 'small', size: Size.gibibytes(10) }))
      .toThrow(/size \(GiB\): got 10; gp3 allows at most 500 IOPS per GiB: the StorageClass's 8000 IOPS need at least 16 GiB/);
    expect(() => storage.addVolumeClaim('BadName', { name: 'Data!', namespace: 'Apps', size: Size.gibibytes(16) }))
      .toThrow(/name: got 'Data!'.*DNS-1123 subdomain.*\n.*namespace: got 'Apps'; must be a DNS-1123 label/);
    expect(() => storage.addVolumeClaim('Extra', { name: 'extra', size: Size.gibibytes(16), storageClassName: 'other' } as any))
      .toThrow(/storageClassName: got 'a value'; is not an option of EbsCsiStorage.addVolumeClaim\(\)/);
  });

  test('tokens are never refused', () => {
    // GIVEN values known only at deploy time
    const tokenStack = clusterStack(NodeMode.managed());
    const iops = new CfnParameter(tokenStack.stack, 'Iops', { type: 'Number' }).valueAsNumber;
    const throughput = new CfnParameter(tokenStack.stack, 'Throughput', { type: 'Number' }).valueAsNumber;
    const name = new CfnParameter(tokenStack.stack, 'ClassName').valueAsString;
    const addonVersion = new CfnParameter(tokenStack.stack, 'AddonVersion').valueAsString;
    // WHEN
    const storage = new EbsCsiStorage(tokenStack.stack, 'Ebs', { cluster: tokenStack.eksCluster, iops, throughputMiBps: throughput, storageClassName: name, addonVersion });
    storage.addVolumeClaim('Data', {
      name: new CfnParameter(tokenStack.stack, 'ClaimName').valueAsString,
      namespace: new CfnParameter(tokenStack.stack, 'ClaimNamespace').valueAsString,
      size: Size.gibibytes(1),
    });
    // THEN the parameters reach the StorageClass, the claim and the add-on
    const template = Template.fromStack(tokenStack.stack);
    const [storageClass] = manifestObjects(template, 'EbsStorageClass');
    expect(storageClass.metadata.name).toBe('<Ref:ClassName>');
    expect(storageClass.parameters).toMatchObject({ iops: '<Ref:Iops>', throughput: '<Ref:Throughput>' });
    expect(manifestObjects(template, 'EbsDataClaim')[0].metadata).toMatchObject({ name: '<Ref:ClaimName>', namespace: '<Ref:ClaimNamespace>' });
    template.hasResourceProperties('AWS::EKS::Addon', { AddonName: 'aws-ebs-csi-driver', AddonVersion: { Ref: 'AddonVersion' } });
  });
});
