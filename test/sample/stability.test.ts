/**
 * What must not change by accident. A changed logical ID makes CloudFormation replace (create new,
 * delete old) the resource on the next deploy: for these resources that loses data or the cluster.
 * Changing one of these lists is a breaking change that needs a migration note.
 */
import { manifestObjects } from '../helpers/manifests';
import { MODES, resourcesOf, sample } from './fixtures';

const COMMON = {
  'AWS::EKS::Cluster': ['ClusterC2E21B66'],
  'AWS::EFS::FileSystem': ['EfsFileSystem339D9BB5'],
  'AWS::S3::Bucket': ['AccessLogsBucket83982689', 'ContentBucket52D4B12C'],
  'AWS::Backup::BackupVault': ['EfsBackupVaultEE92D008'],
};
const ON_NODES = {
  ...COMMON,
  'AWS::KMS::Key': ['ClusterEncryptionKeyCA996B21', 'ContentKey78A057A4', 'EbsVolumeKey79F90854', 'EfsFileSystemKeyEBA3F026', 'NetworkFlowLogKeyF785E5F9'],
  'AWS::Logs::LogGroup': ['ClusterControlPlaneLogGroup6A0AE1E2', 'NetworkFlowLogGroup4F8CEEEF'],
  'volume manifests': ['EbsStorageClass1B77ADFE', 'EfsStorageClass486F6E92', 'SampleWorkloadsDC68415E'],
};
const STATEFUL_IDS: Record<string, Record<string, string[]>> = {
  'managed': ON_NODES,
  'self-managed': ON_NODES,
  'auto-mode': ON_NODES,
  'fargate': {
    ...COMMON,
    'AWS::KMS::Key': ['ClusterEncryptionKeyCA996B21', 'ClusterFargateLoggingEncryptionKey6B3A116D', 'ContentKey78A057A4', 'EfsFileSystemKeyEBA3F026', 'NetworkFlowLogKeyF785E5F9'],
    'AWS::Logs::LogGroup': ['ClusterControlPlaneLogGroup6A0AE1E2', 'ClusterFargateLoggingLogGroup7B55023B', 'NetworkFlowLogGroup4F8CEEEF'],
    'volume manifests': ['EfsSharedContentVolumeD9575548'],
  },
};
const RETAINED_TYPES = ['AWS::EKS::Cluster', 'AWS::EFS::FileSystem', 'AWS::S3::Bucket', 'AWS::KMS::Key', 'AWS::Logs::LogGroup', 'AWS::Backup::BackupVault'];

describe.each(MODES)('%s', (mode) => {
  test('the logical IDs of every stateful resource are the ones deployed before', () => {
    const s = sample(mode);
    const actual: Record<string, string[]> = {};
    for (const type of RETAINED_TYPES) {
      actual[type] = resourcesOf(s, type).map(([id]) => id).sort();
    }
    // Manifests holding claims, volumes and classes: a new ID deletes and re-creates the objects.
    actual['volume manifests'] = resourcesOf(s, 'Custom::AWSCDK-EKS-KubernetesResource')
      .filter(([id]) => manifestObjects(s.template, id).some((o) => ['PersistentVolumeClaim', 'PersistentVolume', 'StorageClass'].includes(o.kind)))
      .map(([id]) => id).sort();
    expect(actual).toEqual(STATEFUL_IDS[mode]);
  });

  test('every stateful resource is retained when it leaves the stack', () => {
    const s = sample(mode);
    for (const type of RETAINED_TYPES) {
      for (const [id, resource] of resourcesOf(s, type)) {
        expect({ id, DeletionPolicy: resource.DeletionPolicy, UpdateReplacePolicy: resource.UpdateReplacePolicy })
          .toEqual({ id, DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
      }
    }
    // Claims' volumes outlive the claim objects: every class and static volume reclaims with Retain.
    for (const o of s.objects) {
      if (o.kind === 'StorageClass') expect(o.reclaimPolicy).toBe('Retain');
      if (o.kind === 'PersistentVolume') expect(o.spec.persistentVolumeReclaimPolicy).toBe('Retain');
    }
  });

  test('snapshot of the whole stack (asset hashes normalised)', () => {
    expect(normalise(sample(mode).json)).toMatchSnapshot();
  });
});

/**
 * The template with what changes without the architecture changing replaced: asset hashes (they
 * move with every aws-cdk-lib release of the kubectl handler) and the CDK metadata resource.
 */
function normalise(template: any): any {
  const copy = JSON.parse(JSON.stringify(template, (key, value) => (key === 'Metadata' && value?.['aws:cdk:path'] ? undefined : value)));
  delete copy.Resources.CDKMetadata;
  delete copy.Conditions?.CDKMetadataAvailable;
  return JSON.parse(JSON.stringify(copy).replace(/[0-9a-f]{64}/g, '<asset-hash>'));
}
