import { Duration, RemovalPolicy, Size, SizeRoundingBehavior, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as fsx from 'aws-cdk-lib/aws-fsx';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { pinnedAddonVersion } from '../addons/addon-versions';
import { NodeModeType } from '../compute/node-mode';
import { PropErrors } from '../private/prop-errors';
import { privateSubnetSelection } from '../private/subnets';
import { checkKubectlProvider, checkNamespace, checkObjectName, kubernetesVersionOf, tryClusterSecurityGroup } from './private/storage-helpers';
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
 * Props of {@link FsxLustreCsiStorage}.
 */
export interface FsxLustreCsiStorageProps {
  /** The cluster: `EksCluster.cluster`, or any aws-eks-v2 cluster. */
  readonly cluster: eks.ICluster;

  /**
   * How the cluster runs pods (`EksCluster.nodeModeType`). `FARGATE` is rejected: the FSx for
   * Lustre CSI driver does not run on Fargate.
   *
   * @default NodeModeType.MANAGED
   */
  readonly nodeModeType?: NodeModeType;

  /**
   * The cluster's Kubernetes version, which picks the pinned add-on version.
   *
   * @default - the version of an aws-eks-v2 `Cluster`, else DEFAULT_KUBERNETES_VERSION
   */
  readonly kubernetesVersion?: eks.KubernetesVersion;

  /**
   * The `aws-fsx-csi-driver` add-on version, such as `v1.5.0-eksbuild.1`. Required while
   * lib/addons/addon-versions.ts pins no version of this add-on.
   *
   * @default - the version pinned for the Kubernetes version in lib/addons/addon-versions.ts
   */
  readonly addonVersion?: string;

  /**
   * The private subnets where nodes run (`EksCluster.nodeSubnets`). A Lustre file system lives in
   * one subnet, so one AZ: it goes in the first of these; pods in other AZs reach it across AZs.
   *
   * @default - the cluster VPC's private subnets (isolated ones when it has no private subnets)
   */
  readonly nodeSubnets?: ec2.SubnetSelection;

  /**
   * More security groups whose members mount the file system. Required on `SELF_MANAGED`:
   * self-managed nodes carry their own security group
   * (`EksCluster.capacity.selfManagedNodes.securityGroup`), not the cluster security group.
   *
   * @default - only the cluster security group (managed and Auto Mode nodes)
   */
  readonly clientSecurityGroups?: ec2.ISecurityGroup[];

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

/**
 * High-throughput shared file storage for pods: an Amazon FSx for Lustre file system mounted
 * through the FSx CSI driver, the third storage option after EBS and EFS.
 *
 * Creates a PERSISTENT_2 file system (encrypted with a customer-managed key, daily backups,
 * retained) in one private node subnet, with a security group that takes Lustre traffic only from
 * the cluster security group, lets the cluster security group take Lustre traffic back from the
 * file system, and installs the `aws-fsx-csi-driver` add-on. Volumes are statically provisioned
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

  private readonly cluster: eks.ICluster;
  private readonly capacityGiB: number;

  public constructor(scope: Construct, id: string, props: FsxLustreCsiStorageProps) {
    super(scope, id);

    // Defaults
    const nodeModeType = props.nodeModeType ?? NodeModeType.MANAGED;
    const vpc = props.cluster.vpc;
    const nodeSubnets = props.nodeSubnets ?? privateSubnetSelection(vpc);
    const capacity = props.storageCapacity ?? Size.gibibytes(FIRST_CAPACITY_GIB);
    const throughput = props.perUnitStorageThroughput ?? 125;
    const backupRetention = props.backupRetention ?? Duration.days(7);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const addonVersion = props.addonVersion ?? tryPinned(kubernetesVersionOf(props.cluster, props.kubernetesVersion));

    // Validation
    const errors = new PropErrors(this, 'FsxLustreCsiStorage');
    errors.check(nodeModeType !== NodeModeType.FARGATE, 'nodeModeType', nodeModeType,
      'the FSx for Lustre CSI driver does not run on Fargate; use EfsCsiStorage (static volumes) on a Fargate-only cluster, ' +
      `or one of ${NodeModeType.MANAGED}, ${NodeModeType.SELF_MANAGED}, ${NodeModeType.AUTO_MODE}`);
    errors.check(addonVersion !== undefined, 'addonVersion', undefined,
      `lib/addons/addon-versions.ts pins no ${FSX_CSI_ADDON_NAME} version for this Kubernetes version; pass one such as 'v1.5.0-eksbuild.1'`);
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
    let subnets: ec2.ISubnet[] = [];
    try {
      subnets = vpc.selectSubnets(nodeSubnets).subnets;
    } catch {
      subnets = [];
    }
    errors.check(subnets.length > 0, props.nodeSubnets ? 'nodeSubnets' : 'cluster', 'a VPC with no private subnets where nodes run',
      'the Lustre file system goes in a private subnet where nodes run; give the VPC private (or isolated) subnets');
    errors.check(nodeModeType !== NodeModeType.SELF_MANAGED || (props.clientSecurityGroups ?? []).length > 0, 'clientSecurityGroups',
      props.clientSecurityGroups, "self-managed nodes carry their own security group, not the cluster's: pass it " +
      '(EksCluster.capacity.selfManagedNodes.securityGroup) so Lustre traffic is allowed with the nodes');
    const clusterSecurityGroup = tryClusterSecurityGroup(props.cluster);
    errors.check(clusterSecurityGroup !== undefined, 'cluster', 'an imported cluster without clusterSecurityGroupId',
      'Lustre traffic is allowed from the cluster security group, which nodes carry: import the cluster with clusterSecurityGroupId');
    errors.throwIfAny();

    // Children
    const encryptionKey = props.encryptionKey ?? new kms.Key(this, 'FileSystemKey', {
      description: `Encrypts the FSx for Lustre file system of ${this.node.path}`,
      enableKeyRotation: true,
      removalPolicy,
    });
    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc,
      description: 'FSx for Lustre: Lustre traffic with the EKS cluster security group and between the file servers only',
      allowAllOutbound: false,
    });
    const clients = [clusterSecurityGroup!, ...(props.clientSecurityGroups ?? [])];
    for (const range of LUSTRE_PORT_RANGES) {
      const port = ec2.Port.tcpRange(range.from, range.to);
      securityGroup.addIngressRule(securityGroup, port, 'Lustre between the file servers');
      securityGroup.addEgressRule(securityGroup, port, 'Lustre between the file servers');
      for (const [i, client] of clients.entries()) {
        securityGroup.addIngressRule(client, port, `Lustre from EKS client security group ${i + 1}`);
        securityGroup.addEgressRule(client, port, `Lustre to EKS client security group ${i + 1}`);
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

    const fileSystem = new fsx.LustreFileSystem(this, 'FileSystem', {
      vpc,
      vpcSubnet: subnets[0],
      securityGroup,
      storageCapacityGiB: capacityGiB,
      kmsKey: encryptionKey,
      removalPolicy,
      fileSystemTypeVersion: fsx.FileSystemTypeVersion.V_2_15,
      lustreConfiguration: {
        deploymentType: fsx.LustreDeploymentType.PERSISTENT_2,
        perUnitStorageThroughput: throughput,
        dataCompressionType: fsx.LustreDataCompressionType.LZ4,
        automaticBackupRetention: backupRetention,
        copyTagsToBackups: true,
      },
    });

    const addon = new eks.CfnAddon(this, 'Addon', {
      addonName: FSX_CSI_ADDON_NAME,
      clusterName: props.cluster.clusterName,
      addonVersion: addonVersion!,
      resolveConflicts: 'OVERWRITE',
    });

    // Public fields
    this.fileSystem = fileSystem;
    this.encryptionKey = encryptionKey;
    this.securityGroup = securityGroup;
    this.addon = addon;
    this.cluster = props.cluster;
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
    checkObjectName(errors, 'name', options.name);
    checkNamespace(errors, 'namespace', namespace);
    checkKubectlProvider(errors, this.cluster, 'The PersistentVolume');
    errors.throwIfAny();

    const storage = Token.isUnresolved(this.capacityGiB) ? '1200Gi' : `${this.capacityGiB}Gi`;
    const volume = new eks.KubernetesManifest(scope, 'Volume', {
      cluster: this.cluster,
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

/** The pinned add-on version, or undefined while the table has no row for it. */
function tryPinned(kubernetesVersion: string): string | undefined {
  try {
    return pinnedAddonVersion(FSX_CSI_ADDON_NAME, kubernetesVersion);
  } catch {
    return undefined;
  }
}
