import { CfnParameter, Size, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { pinnedAddonVersion } from '../../lib/addons/addon-versions';
import { kubernetesVersionOf } from '../../lib/storage/private/storage-helpers';
import { DEFAULT_KUBERNETES_VERSION } from '../../lib/cluster/kubernetes-version';
import { EbsCsiStorage, EksCluster, NodeMode, NodeModeType, VolumeReclaimPolicy } from '../../lib';
import { clusterStack, manifestObjects, objectOf } from './storage-fixtures';

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

describe('EbsCsiStorage on managed nodes, with defaults', () => {
  let template: Template;
  let storage: EbsCsiStorage;

  beforeAll(() => {
    // GIVEN a managed-node cluster with the kubectl provider
    const { stack, eksCluster } = clusterStack(NodeMode.managed());
    // WHEN EBS storage is added with defaults, and one claim
    storage = new EbsCsiStorage(stack, 'Ebs', { cluster: eksCluster.cluster, nodeModeType: eksCluster.nodeModeType });
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

  test('the driver role may use the volume key: grants only for AWS resources, and the data key operations', () => {
    // THEN
    const keyArn = { 'Fn::GetAtt': [Match.stringLikeRegexp('^EbsVolumeKey'), 'Arn'] };
    template.hasResourceProperties('AWS::IAM::Policy', {
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

  test('the add-on is created after the key policy, so the driver never runs without the key', () => {
    // THEN
    template.hasResource('AWS::EKS::Addon', {
      Properties: { AddonName: 'aws-ebs-csi-driver' },
      DependsOn: Match.arrayWith([Match.stringLikeRegexp('^EbsVolumeKeyPolicy')]),
    });
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
    template.hasResource('Custom::AWSCDK-EKS-KubernetesResource', {
      Properties: { Manifest: Match.objectLike({ 'Fn::Join': Match.anyValue() }) },
      DependsOn: Match.arrayWith([Match.stringLikeRegexp('^EbsAddon')]),
    });
    template.hasResource('Custom::AWSCDK-EKS-KubernetesResource', {
      DependsOn: Match.arrayWith([Match.stringLikeRegexp('^EbsStorageClass')]),
    });
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
    // WHEN every StorageClass option is set
    new EbsCsiStorage(stack, 'Ebs', {
      cluster: eksCluster.cluster,
      encryptionKey: key,
      storageClassName: 'fast.gp3',
      defaultStorageClass: false,
      reclaimPolicy: VolumeReclaimPolicy.DELETE,
      iops: 6000,
      throughputMiBps: 500,
      addonVersion: 'v1.40.0-eksbuild.1',
    });
    template = Template.fromStack(stack);
  });

  test('uses the given key and creates none', () => {
    // THEN
    const keys = template.findResources('AWS::KMS::Key', { Properties: { Description: Match.stringLikeRegexp('EBS volumes') } });
    expect(Object.keys(keys)).toHaveLength(0);
    const storageClass = objectOf(manifestObjects(template, 'EbsStorageClass'), 'StorageClass', 'fast.gp3');
    expect(storageClass.parameters.kmsKeyId).toBe('arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    template.hasResourceProperties('AWS::IAM::Policy', {
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
});

describe('EbsCsiStorage add-on version', () => {
  test('follows the Kubernetes version of the cluster it is given', () => {
    // GIVEN a 1.34 cluster
    const { stack, eksCluster } = clusterStack(NodeMode.managed(), { version: eks.KubernetesVersion.V1_34 });
    // WHEN
    new EbsCsiStorage(stack, 'Ebs', { cluster: eksCluster.cluster });
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::EKS::Addon', {
      AddonName: 'aws-ebs-csi-driver',
      AddonVersion: pinnedAddonVersion('aws-ebs-csi-driver', '1.34'),
    });
    // (the table may pin the same build for several versions, so the lookup itself is checked too)
    expect(kubernetesVersionOf(eksCluster.cluster)).toBe('1.34');
  });

  test('an explicit kubernetesVersion picks the row for an imported cluster', () => {
    // GIVEN an imported cluster, whose version CDK cannot read
    const stack = clusterStack(NodeMode.managed()).stack;
    const imported = importedCluster(stack, 'Imported');
    // WHEN
    new EbsCsiStorage(stack, 'Ebs', { cluster: imported, kubernetesVersion: eks.KubernetesVersion.V1_33 });
    // THEN
    expect(kubernetesVersionOf(imported, eks.KubernetesVersion.V1_33)).toBe('1.33');
    expect(kubernetesVersionOf(imported)).toBe(DEFAULT_KUBERNETES_VERSION.version);
    Template.fromStack(stack).hasResourceProperties('AWS::EKS::Addon', {
      AddonName: 'aws-ebs-csi-driver',
      ClusterName: 'imported',
      AddonVersion: pinnedAddonVersion('aws-ebs-csi-driver', '1.33'),
    });
  });
});

describe('EbsCsiStorage per node mode', () => {
  test('self-managed nodes get the add-on and the ebs.csi.aws.com StorageClass, like managed nodes', () => {
    // GIVEN a self-managed cluster
    const { stack, eksCluster } = clusterStack(NodeMode.selfManaged());
    // WHEN
    new EbsCsiStorage(stack, 'Ebs', { cluster: eksCluster.cluster, nodeModeType: NodeModeType.SELF_MANAGED });
    // THEN
    const template = Template.fromStack(stack);
    expect(Object.keys(ebsAddons(template))).toHaveLength(1);
    expect(objectOf(manifestObjects(template, 'EbsStorageClass'), 'StorageClass', 'ebs-gp3').provisioner).toBe('ebs.csi.aws.com');
  });

  describe('Auto Mode', () => {
    let template: Template;
    let storage: EbsCsiStorage;

    beforeAll(() => {
      // GIVEN an Auto Mode cluster
      const { stack, eksCluster } = clusterStack(NodeMode.autoMode());
      // WHEN
      storage = new EbsCsiStorage(stack, 'Ebs', { cluster: eksCluster.cluster, nodeModeType: eksCluster.nodeModeType });
      template = Template.fromStack(stack);
    });

    test('installs no add-on and no driver role: Auto Mode has its own block storage driver', () => {
      // THEN
      expect(Object.keys(ebsAddons(template))).toHaveLength(0);
      template.resourcePropertiesCountIs('AWS::IAM::Role', { Description: Match.stringLikeRegexp('EBS CSI controller') }, 0);
      expect(storage.addon).toBeUndefined();
    });

    test('the StorageClass uses the Auto Mode provisioner, with the same encryption and Retain, on Auto Mode nodes only', () => {
      // THEN
      expect(objectOf(manifestObjects(template, 'EbsStorageClass'), 'StorageClass', 'ebs-gp3')).toMatchObject({
        provisioner: 'ebs.csi.eks.amazonaws.com',
        parameters: { type: 'gp3', encrypted: 'true', kmsKeyId: expect.stringMatching(/^<EbsVolumeKey/) },
        reclaimPolicy: 'Retain',
        volumeBindingMode: 'WaitForFirstConsumer',
        allowedTopologies: [{ matchLabelExpressions: [{ key: 'eks.amazonaws.com/compute-type', values: ['auto'] }] }],
      });
    });

    test('the cluster role, which Auto Mode creates volumes with, may use the key', () => {
      // THEN
      template.hasResourceProperties('AWS::IAM::Policy', {
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
});

describe('EbsCsiStorage bad input', () => {
  let stack: Stack;
  let managed: EksCluster;

  beforeAll(() => {
    // GIVEN one managed cluster, never synthesized, shared by the error cases
    ({ stack, eksCluster: managed } = clusterStack(NodeMode.managed()));
  });

  test('EBS on a Fargate-only cluster is rejected, naming the prop, the value, the allowed modes and the path', () => {
    // GIVEN a Fargate cluster
    const fargate = clusterStack(NodeMode.fargate());
    // WHEN / THEN
    expect(() => new EbsCsiStorage(fargate.stack, 'Ebs', { cluster: fargate.eksCluster.cluster, nodeModeType: fargate.eksCluster.nodeModeType }))
      .toThrow(/EbsCsiStorage at 'Test\/Ebs' has invalid props:\n {2}- nodeModeType: got 'fargate'; EBS volumes cannot attach to Fargate pods.*managed, self-managed, auto-mode/);
  });

  test('a cluster without a kubectl provider is rejected, naming kubectlLayer', () => {
    // GIVEN a cluster without kubectlLayer
    const noKubectl = clusterStack(NodeMode.managed(), { kubectl: false });
    // WHEN / THEN
    expect(() => new EbsCsiStorage(noKubectl.stack, 'Ebs', { cluster: noKubectl.eksCluster.cluster }))
      .toThrow(/cluster: got 'a cluster without a kubectl provider'; The StorageClass is a Kubernetes manifest.*kubectlLayer/);
  });

  test('every StorageClass problem is reported at once: name, IOPS, throughput', () => {
    // WHEN / THEN
    let message = '';
    try {
      new EbsCsiStorage(stack, 'Bad', { cluster: managed.cluster, storageClassName: 'Fast_GP3', iops: 20000, throughputMiBps: 1200 });
    } catch (e) {
      message = String(e);
    }
    expect(message).toMatch(/EbsCsiStorage at 'Test\/Bad' has invalid props/);
    expect(message).toMatch(/storageClassName: got 'Fast_GP3'; must be a DNS-1123 subdomain/);
    expect(message).toMatch(/iops: got 20000; must be a whole number from 3000 to 16000/);
    expect(message).toMatch(/throughputMiBps: got 1200; must be a whole number from 125 to 1000/);
  });

  test('IOPS below the gp3 minimum, and throughput above 0.25 MiB/s per IOPS, are rejected', () => {
    // WHEN / THEN
    expect(() => new EbsCsiStorage(stack, 'LowIops', { cluster: managed.cluster, iops: 2000 }))
      .toThrow(/iops: got 2000; must be a whole number from 3000 to 16000/);
    expect(() => new EbsCsiStorage(stack, 'Ratio2', { cluster: managed.cluster, throughputMiBps: 800 }))
      .toThrow(/throughputMiBps: got 800; gp3 allows at most 0.25 MiB\/s per IOPS: at most 750 with 3000 IOPS/);
  });

  test('a claim size outside 1-16384 GiB, or too small for the provisioned IOPS, is rejected', () => {
    // GIVEN storage with 8000 IOPS
    const storage = new EbsCsiStorage(stack, 'Sized', { cluster: managed.cluster, iops: 8000, storageClassName: 'sized' });
    // WHEN / THEN
    expect(() => storage.addVolumeClaim('Zero', { name: 'zero', size: Size.mebibytes(512) }))
      .toThrow(/EbsCsiStorage.addVolumeClaim at 'Test\/Sized\/Zero' has invalid props:\n {2}- size \(GiB\): got 0.5; must be a whole number from 1 to 16384/);
    expect(() => storage.addVolumeClaim('Huge', { name: 'huge', size: Size.tebibytes(20) }))
      .toThrow(/size \(GiB\): got 20480; must be a whole number from 1 to 16384/);
    expect(() => storage.addVolumeClaim('Small', { name: 'small', size: Size.gibibytes(10) }))
      .toThrow(/size \(GiB\): got 10; gp3 allows at most 500 IOPS per GiB: the StorageClass's 8000 IOPS need at least 16 GiB/);
    expect(() => storage.addVolumeClaim('BadName', { name: 'Data!', namespace: 'Apps', size: Size.gibibytes(16) }))
      .toThrow(/name: got 'Data!'.*\n.*namespace: got 'Apps'/);
  });

  test('Auto Mode on an imported cluster without its role is rejected, naming clusterRole', () => {
    // GIVEN an imported cluster with a kubectl provider
    const imported = importedCluster(stack, 'Imported');
    // WHEN / THEN
    expect(() => new EbsCsiStorage(stack, 'AutoImported', { cluster: imported, nodeModeType: NodeModeType.AUTO_MODE, addonVersion: 'v1.40.0-eksbuild.1' }))
      .toThrow(/clusterRole: got undefined; on Auto Mode.*\n.*addonVersion: got 'v1.40.0-eksbuild.1'; Auto Mode has a built-in block storage driver/);
  });

  test('tokens are never rejected', () => {
    // GIVEN values known only at deploy time
    const tokenStack = clusterStack(NodeMode.managed());
    const iops = new CfnParameter(tokenStack.stack, 'Iops', { type: 'Number' }).valueAsNumber;
    const throughput = new CfnParameter(tokenStack.stack, 'Throughput', { type: 'Number' }).valueAsNumber;
    const name = new CfnParameter(tokenStack.stack, 'ClassName').valueAsString;
    // WHEN
    const storage = new EbsCsiStorage(tokenStack.stack, 'Ebs', { cluster: tokenStack.eksCluster.cluster, iops, throughputMiBps: throughput, storageClassName: name });
    storage.addVolumeClaim('Data', { name: new CfnParameter(tokenStack.stack, 'ClaimName').valueAsString, size: Size.gibibytes(1) });
    // THEN the parameters reach the StorageClass
    const template = Template.fromStack(tokenStack.stack);
    const [storageClass] = manifestObjects(template, 'EbsStorageClass');
    expect(storageClass.metadata.name).toBe('<Ref:ClassName>');
  });
});

/** An aws-eks-v2 cluster imported by attributes, with a kubectl provider of its own. */
function importedCluster(stack: Stack, id: string): eks.ICluster {
  const role = iam.Role.fromRoleArn(stack, `${id}KubectlRole`, 'arn:aws:iam::111122223333:role/kubectl');
  const provider = eks.KubectlProvider.fromKubectlProviderAttributes(stack, `${id}Kubectl`, {
    serviceToken: 'arn:aws:lambda:us-east-1:111122223333:function:kubectl',
    role,
  });
  return eks.Cluster.fromClusterAttributes(stack, id, { clusterName: 'imported', kubectlProvider: provider });
}
