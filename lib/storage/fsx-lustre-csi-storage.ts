import { Duration, RemovalPolicy, Size, SizeRoundingBehavior, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as fsx from 'aws-cdk-lib/aws-fsx';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { IEksCluster } from '../cluster/i-eks-cluster';
import { NodeModeType } from '../compute/node-mode';
import { checkKubectlProvider } from '../private/cluster-facts';
import { checkKnownKeys, optionKeys } from '../private/known-keys';
import { warnIfDestroyed } from '../private/lifecycle';
import { claimAddon, claimVolumeName } from '../private/app-registry';
import { checkEncryptionKey } from '../private/kms-rules';
import { checkTagsAtSynth } from '../private/tag-rules';
import { checkDnsLabel, checkObjectName } from '../private/kubernetes-names';
import { limitGrantsToAwsServices } from '../private/key-policy';
import { PropErrors } from '../private/prop-errors';
import { csiAddonVersion, nodeClientGroups, requireNodeGroupsCovered } from '../private/storage';
import { checkClusterHandle } from '../private/cluster-facts';
import { selectSubnetsOrNone } from '../private/subnets';
import { VolumeReclaimPolicy } from './reclaim-policy';

const FSX_CSI_ADDON_NAME = 'aws-fsx-csi-driver';
const FSX_CSI_DRIVER = 'fsx.csi.aws.com';
/** Lustre's ports (TCP): 988 for LNet, 1018-1023 for the file servers. */
const LUSTRE_PORT_RANGES = [
  { id: 'Lnet', from: 988, to: 988 },
  { id: 'FileServers', from: 1018, to: 1023 },
];
/** PERSISTENT_2 SSD: 1200 GiB, or a multiple of 2400 GiB. */
const FIRST_CAPACITY_GIB = 1200;
const CAPACITY_STEP_GIB = 2400;
const MAX_CAPACITY_GIB = 2400 * 1000;
const THROUGHPUTS = [125, 250, 500, 1000];

/**
 * Options of {@link FsxLustreCsiStorage}: everything but the cluster, whose node mode, Kubernetes
 * version, node subnets, node security groups and kubectl provider decide the rest. What
 * `EksCluster.addFsxLustreStorage()` takes.
 */
export interface FsxLustreCsiStorageOptions {
  /**
   * The `aws-fsx-csi-driver` add-on version, such as `v1.5.0-eksbuild.1`. Needed while
   * `AddonVersions` pins no version of this add-on for the cluster's Kubernetes version: a
   * synth-time error says so.
   *
   * @default - the version pinned for the cluster's Kubernetes version (`AddonVersions.pinned`)
   */
  readonly addonVersion?: string;

  /**
   * The storage capacity: 1200 GiB or a multiple of 2400 GiB (PERSISTENT_2 SSD).
   *
   * @default Size.gibibytes(1200)
   */
  readonly storageCapacity?: Size;

  /**
   * Throughput per TiB of storage, in MB/s: 125, 250, 500 or 1000.
   *
   * @default 125
   */
  readonly perUnitStorageThroughput?: number;

  /**
   * The KMS key that encrypts the file system and its backups.
   *
   * @default - a new key with yearly rotation, kept when it leaves the stack
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * How long automatic daily backups are kept: 1 to 90 days.
   *
   * @default Duration.days(7)
   */
  readonly backupRetention?: Duration;

  /**
   * What happens to the file system and its key when they leave the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Props of {@link FsxLustreCsiStorage}.
 */
export interface FsxLustreCsiStorageProps extends FsxLustreCsiStorageOptions {
  /**
   * The cluster: an `EksCluster`, or any aws-eks-v2 cluster through `EksCluster.fromCluster()`.
   * Not a Fargate-only cluster. The file system goes in the first of its node subnets, and Lustre
   * traffic is allowed with its node security groups.
   */
  readonly cluster: IEksCluster;
}

const PROPS_KEYS = optionKeys<FsxLustreCsiStorageProps>({
  cluster: true, addonVersion: true, storageCapacity: true, perUnitStorageThroughput: true, encryptionKey: true,
  backupRetention: true, removalPolicy: true,
});

/** Options of {@link FsxLustreCsiStorage.addStaticVolume}. */
export interface FsxLustreStaticVolumeOptions {
  /** Name of the PersistentVolume and of the claim bound to it (a DNS-1123 subdomain). */
  readonly name: string;

  /**
   * Namespace of the claim.
   *
   * @default 'default'
   */
  readonly namespace?: string;
}

const STATIC_VOLUME_KEYS = optionKeys<FsxLustreStaticVolumeOptions>({ name: true, namespace: true });

/**
 * High-throughput shared file storage for pods: an Amazon FSx for Lustre file system mounted
 * through the FSx CSI driver, the third storage option after EBS and EFS.
 *
 * Everything follows from the cluster. Creates a PERSISTENT_2 file system (encrypted with a
 * customer-managed key, daily backups, retained) in the first of the cluster's node subnets, with a
 * security group that takes Lustre traffic only from the cluster's node security groups (the
 * cluster security group, and self-managed nodes' own), lets those groups take Lustre traffic back
 * from the file system, and installs the `aws-fsx-csi-driver` add-on after the cluster's capacity.
 * The key, security group and file system wait for no node. Volumes are statically provisioned
 * ({@link FsxLustreCsiStorage.addStaticVolume}): the file system is a CloudFormation resource with
 * this library's defaults, and the driver needs no AWS permissions to mount it, so it gets no IAM
 * role. Dynamic provisioning (the driver creating file systems) is not offered: it needs broad
 * `fsx:CreateFileSystem` permissions and leaves the file system's settings to a StorageClass.
 * Not on Fargate.
 */
export class FsxLustreCsiStorage extends Construct {
  /** The EKS add-on name of the FSx CSI driver. */
  public static readonly ADDON_NAME = FSX_CSI_ADDON_NAME;
  /** The CSI driver name of FSx for Lustre. */
  public static readonly DRIVER = FSX_CSI_DRIVER;

  /** The file system. */
  public readonly fileSystem: fsx.LustreFileSystem;

  /** The key that encrypts the file system. */
  public readonly encryptionKey: kms.IKey;

  /** The file system's security group. */
  public readonly securityGroup: ec2.ISecurityGroup;

  /** The `aws-fsx-csi-driver` add-on. */
  public readonly addon: eks.CfnAddon;

  private readonly cluster: IEksCluster;
  private readonly capacityGiB: number;

  public constructor(scope: Construct, id: string, props: FsxLustreCsiStorageProps) {
    super(scope, id);

    // Validation of the handle, which every default below reads
    const errors = new PropErrors(this, 'FsxLustreCsiStorage');
    checkKnownKeys(errors, props, PROPS_KEYS, 'FsxLustreCsiStorage');
    if (!checkClusterHandle(errors, props.cluster)) {
      errors.throwIfAny();
    }

    // Defaults
    const cluster = props.cluster;
    const nodeModeType = cluster.nodeModeType;
    const vpc = cluster.vpc;
    const capacity = props.storageCapacity ?? Size.gibibytes(FIRST_CAPACITY_GIB);
    const throughput = props.perUnitStorageThroughput ?? 125;
    const backupRetention = props.backupRetention ?? Duration.days(7);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const clients = nodeClientGroups(cluster);

    // Validation
    errors.check(nodeModeType !== NodeModeType.FARGATE, 'cluster', `a ${nodeModeType} cluster`,
      'the FSx for Lustre CSI driver does not run on Fargate; use EfsCsiStorage (static volumes) on a Fargate-only cluster, ' +
      `or a cluster of node mode ${NodeModeType.MANAGED}, ${NodeModeType.SELF_MANAGED} or ${NodeModeType.AUTO_MODE}`);
    const addonVersion = nodeModeType === NodeModeType.FARGATE ? undefined
      : csiAddonVersion(errors, FSX_CSI_ADDON_NAME, props.addonVersion, cluster.kubernetesVersion.version);
    const capacityGiB = capacity.toGibibytes({ rounding: SizeRoundingBehavior.NONE });
    if (!Token.isUnresolved(capacityGiB)) {
      errors.check(capacityGiB === FIRST_CAPACITY_GIB || (Number.isInteger(capacityGiB) && capacityGiB % CAPACITY_STEP_GIB === 0 && capacityGiB > 0 && capacityGiB <= MAX_CAPACITY_GIB),
        'storageCapacity (GiB)', capacityGiB, `PERSISTENT_2 takes ${FIRST_CAPACITY_GIB} GiB or a multiple of ${CAPACITY_STEP_GIB} GiB`);
    }
    if (!Token.isUnresolved(throughput)) {
      errors.check(THROUGHPUTS.includes(throughput), 'perUnitStorageThroughput', throughput, `must be one of ${THROUGHPUTS.join(', ')} (MB/s per TiB)`);
    }
    const retentionDays = backupRetention.toDays({ integral: false });
    if (!Token.isUnresolved(retentionDays)) {
      errors.check(Number.isInteger(retentionDays) && retentionDays >= 1 && retentionDays <= 90, 'backupRetention (days)', retentionDays,
        'must be a whole number of days from 1 to 90 (backups stay on)');
    }
    const subnets = selectSubnetsOrNone(vpc, cluster.vpcSubnets);
    errors.check(subnets.length > 0, 'cluster', 'a cluster whose vpcSubnets select no subnets',
      "the Lustre file system goes in one of the cluster's node subnets (vpcSubnets); give the VPC private subnets, " +
      'or state vpcSubnets in EksCluster.fromCluster()');
    errors.check(clients.length > 0, 'cluster', 'a cluster with no nodeSecurityGroups',
      'Lustre traffic is allowed with the security groups node traffic comes from: state nodeSecurityGroups in EksCluster.fromCluster()');
    checkEncryptionKey(errors, this, 'encryptionKey', props.encryptionKey);
    if (addonVersion !== undefined) {
      claimAddon(errors, this, cluster, FSX_CSI_ADDON_NAME);
    }
    errors.throwIfAny();
    warnIfDestroyed(this, props.removalPolicy, 'the FSx for Lustre file system and its key');
    checkTagsAtSynth(this);

    // Children (the key, security group and file system wait for no node)
    const encryptionKey = props.encryptionKey ?? new kms.Key(this, 'FileSystemKey', {
      description: `Encrypts the FSx for Lustre file system of ${this.node.path}`,
      enableKeyRotation: true,
      removalPolicy,
    });
    if (!props.encryptionKey) {
      limitGrantsToAwsServices(encryptionKey);
    }
    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc,
      // Kept word for word: a security group's description is create-only, so a new text would replace it.
      description: 'FSx for Lustre: Lustre traffic with the EKS cluster security group and between the file servers only',
      allowAllOutbound: false,
    });
    for (const range of LUSTRE_PORT_RANGES) {
      const port = ec2.Port.tcpRange(range.from, range.to);
      securityGroup.addIngressRule(securityGroup, port, 'Lustre between the file servers');
      securityGroup.addEgressRule(securityGroup, port, 'Lustre between the file servers');
      for (const [i, client] of clients.entries()) {
        securityGroup.addIngressRule(client, port, `Lustre from EKS node security group ${i + 1}`);
        securityGroup.addEgressRule(client, port, `Lustre to EKS node security group ${i + 1}`);
        // Lustre servers also open connections to their clients on these ports.
        new ec2.CfnSecurityGroupIngress(this, `Client${i + 1}Ingress${range.id}`, {
          groupId: client.securityGroupId,
          sourceSecurityGroupId: securityGroup.securityGroupId,
          ipProtocol: 'tcp',
          fromPort: range.from,
          toPort: range.to,
          description: 'Lustre from the FSx for Lustre file system to the nodes',
        });
      }
    }

    // aws-cdk-lib's LustreFileSystem checks capacity and throughput at synth and refuses tokens:
    // it gets a valid placeholder, and the template the token (checked above when known).
    const tokenCapacity = Token.isUnresolved(capacityGiB);
    const tokenThroughput = Token.isUnresolved(throughput);
    const fileSystem = new fsx.LustreFileSystem(this, 'FileSystem', {
      vpc,
      vpcSubnet: subnets[0],
      securityGroup,
      storageCapacityGiB: tokenCapacity ? FIRST_CAPACITY_GIB : capacityGiB,
      kmsKey: encryptionKey,
      removalPolicy,
      fileSystemTypeVersion: fsx.FileSystemTypeVersion.V_2_15,
      lustreConfiguration: {
        deploymentType: fsx.LustreDeploymentType.PERSISTENT_2,
        perUnitStorageThroughput: tokenThroughput ? THROUGHPUTS[0] : throughput,
        dataCompressionType: fsx.LustreDataCompressionType.LZ4,
        automaticBackupRetention: backupRetention,
        copyTagsToBackups: true,
      },
    });
    const cfnFileSystem = fileSystem.node.defaultChild as fsx.CfnFileSystem;
    if (tokenCapacity) {
      cfnFileSystem.storageCapacity = capacityGiB;
    }
    if (tokenThroughput) {
      cfnFileSystem.addPropertyOverride('LustreConfiguration.PerUnitStorageThroughput', throughput);
    }

    requireNodeGroupsCovered(this, cluster, clients, 'FsxLustreCsiStorage');

    const addon = new eks.CfnAddon(this, 'Addon', {
      addonName: FSX_CSI_ADDON_NAME,
      clusterName: cluster.clusterName,
      addonVersion: addonVersion!,
      resolveConflicts: 'OVERWRITE',
    });
    // Its controller and node pods need nodes.
    cluster.waitForCapacity(addon);

    // Public fields
    this.fileSystem = fileSystem;
    this.encryptionKey = encryptionKey;
    this.securityGroup = securityGroup;
    this.addon = addon;
    this.cluster = cluster;
    this.capacityGiB = capacityGiB;
  }

  /**
   * Adds a statically provisioned volume of the whole file system: a PersistentVolume
   * (`csi.driver: fsx.csi.aws.com`, `volumeHandle: <file system id>`, the file system's DNS and
   * mount names) retained when its claim is deleted, and a claim bound to it.
   */
  public addStaticVolume(id: string, options: FsxLustreStaticVolumeOptions): eks.KubernetesManifest {
    const scope = new Construct(this, id);
    const namespace = options.namespace ?? 'default';
    const errors = new PropErrors(scope, 'FsxLustreCsiStorage.addStaticVolume');
    checkKnownKeys(errors, options, STATIC_VOLUME_KEYS, 'FsxLustreCsiStorage.addStaticVolume()');
    checkObjectName(errors, 'name', options.name);
    checkDnsLabel(errors, 'namespace', namespace);
    checkKubectlProvider(errors, this.cluster.kubectlProvider, 'The PersistentVolume (a Kubernetes manifest)');
    claimVolumeName(errors, scope, this.cluster, options.name);
    errors.throwIfAny();

    const storage = `${Token.isUnresolved(this.capacityGiB) ? Token.asString(this.capacityGiB) : this.capacityGiB}Gi`;
    const volume = new eks.KubernetesManifest(scope, 'Volume', {
      cluster: this.cluster.cluster,
      manifest: [
        {
          apiVersion: 'v1',
          kind: 'PersistentVolume',
          metadata: { name: options.name },
          spec: {
            capacity: { storage },
            volumeMode: 'Filesystem',
            accessModes: ['ReadWriteMany'],
            persistentVolumeReclaimPolicy: VolumeReclaimPolicy.RETAIN,
            storageClassName: '',
            claimRef: { namespace, name: options.name },
            mountOptions: ['flock'],
            csi: {
              driver: FSX_CSI_DRIVER,
              volumeHandle: this.fileSystem.fileSystemId,
              volumeAttributes: { dnsname: this.fileSystem.dnsName, mountname: this.fileSystem.mountName },
            },
          },
        },
        {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: { name: options.name, namespace },
          spec: {
            accessModes: ['ReadWriteMany'],
            storageClassName: '',
            volumeName: options.name,
            resources: { requests: { storage } },
          },
        },
      ],
    });
    volume.node.addDependency(this.addon);
    return volume;
  }
}
