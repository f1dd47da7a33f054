import { RemovalPolicy, Size, SizeRoundingBehavior, Token } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as efs from 'aws-cdk-lib/aws-efs';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { IEksCluster } from '../cluster/i-eks-cluster';
import { NodeModeType } from '../compute/node-mode';
import { acknowledge } from '../private/acknowledge';
import { checkKubectlProvider } from '../private/cluster-facts';
import { checkVpcEndpoints, ENDPOINTS } from '../private/endpoints';
import { backUpFileSystem } from '../private/efs-backup';
import { checkKnownKeys, optionKeys } from '../private/known-keys';
import { warnIfDestroyed } from '../private/lifecycle';
import { claimAddon, claimVolumeName } from '../private/app-registry';
import { checkEncryptionKey } from '../private/kms-rules';
import { checkTagsAtSynth } from '../private/tag-rules';
import { checkDnsLabel, checkObjectName } from '../private/kubernetes-names';
import { limitGrantsToAwsServices } from '../private/key-policy';
import { podIdentityRole } from '../private/pod-identity';
import { checkIntRange, PropErrors } from '../private/prop-errors';
import { csiAddonVersion, nodeClientGroups, oneSubnetPerAz, requireNodeGroupsCovered } from '../private/storage';
import { checkClusterHandle } from '../private/cluster-facts';
import { selectSubnetsOrNone } from '../private/subnets';
import { VolumeReclaimPolicy } from './reclaim-policy';

const EFS_CSI_ADDON_NAME = 'aws-efs-csi-driver';
const EFS_CSI_SERVICE_ACCOUNT = 'efs-csi-controller-sa';
const EFS_CSI_DRIVER = 'efs.csi.aws.com';

/** The largest POSIX user or group ID EFS access points accept. */
const MAX_POSIX_ID = 4294967295;
const NFS_PORT = 2049;
const PERMISSIONS = /^[0-7]{3,4}$/;

/**
 * Options of {@link EfsCsiStorage}: everything but the cluster, whose node mode, Kubernetes
 * version, node subnets, node security groups and kubectl provider decide the rest. What
 * `EksCluster.addEfsStorage()` takes.
 */
export interface EfsCsiStorageOptions {
  /**
   * The `aws-efs-csi-driver` add-on version, such as `v3.4.1-eksbuild.1`: same major version as
   * the pinned one. Not on Fargate, which has the driver built in.
   *
   * @default - the version pinned for the cluster's Kubernetes version (`AddonVersions.pinned`)
   */
  readonly addonVersion?: string;

  /**
   * An existing file system to use instead of creating one. Its mount targets must already
   * exist in the node AZs; NFS from the cluster's node security groups is allowed on its security
   * group. When set, no creation prop (`encryptionKey`, `removalPolicy`, `throughputMode`,
   * `backup`, `backupPlan`) may be given: its backups are its owner's.
   *
   * @default - a new encrypted file system is created
   */
  readonly fileSystem?: efs.IFileSystem;

  /**
   * The KMS key that encrypts the new file system.
   *
   * @default - a new key with yearly rotation, kept when it leaves the stack
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * What happens to the new file system and its key when they leave the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * The throughput mode of the new file system: `ELASTIC` or `BURSTING`. `PROVISIONED` is
   * refused: it needs a provisioned throughput this construct does not take (bring such a file
   * system as `fileSystem`).
   *
   * @default efs.ThroughputMode.ELASTIC
   */
  readonly throughputMode?: efs.ThroughputMode;

  /**
   * Select the new file system into an AWS Backup plan (`backupPlan`), whose recovery points are
   * kept in a vault you control. Independently of it, EFS automatic backups (AWS Backup's
   * `aws/efs/automatic-backup-plan`, daily, 35 days, in the AWS-owned default vault) stay on, as the
   * AWS Control Tower proactive control CT.EFS.PR.1 requires. Turn this off when your organization's
   * backup policies select the file system. The vault is always retained (CloudFormation cannot
   * delete a vault that holds recovery points), so a throw-away file system (`removalPolicy:
   * DESTROY`) has no plan unless asked for.
   *
   * @default - true, unless `removalPolicy` is `RemovalPolicy.DESTROY`
   */
  readonly backup?: boolean;

  /**
   * The AWS Backup plan the new file system is selected into.
   *
   * @default - a new plan: a daily backup at 05:00 UTC kept 35 days, in a new backup vault that is
   * encrypted with the file system's key and retained when it leaves the stack
   */
  readonly backupPlan?: backup.IBackupPlan;

  /**
   * Create a StorageClass that provisions a directory and access point per claim. Not available
   * on a Fargate cluster, whose built-in driver supports static provisioning only.
   *
   * @default - true, except on a Fargate cluster
   */
  readonly dynamicProvisioning?: boolean;

  /**
   * The StorageClass name (a DNS-1123 subdomain). Only with dynamic provisioning.
   *
   * @default 'efs-ap'
   */
  readonly storageClassName?: string;

  /**
   * What happens to a dynamically provisioned access point and its directory when the claim is
   * deleted. Only with dynamic provisioning.
   *
   * @default VolumeReclaimPolicy.RETAIN
   */
  readonly reclaimPolicy?: VolumeReclaimPolicy;

  /**
   * Permissions of each provisioned directory, in octal. Only with dynamic provisioning.
   *
   * @default '700'
   */
  readonly directoryPerms?: string;

  /**
   * The first POSIX user and group ID the driver gives to provisioned access points. Only with
   * dynamic provisioning.
   *
   * @default 50000
   */
  readonly gidRangeStart?: number;

  /**
   * The last POSIX user and group ID the driver gives to provisioned access points. Only with
   * dynamic provisioning.
   *
   * @default 7000000
   */
  readonly gidRangeEnd?: number;

  /**
   * The directory under which provisioned directories are created. Only with dynamic
   * provisioning.
   *
   * @default '/dynamic_provisioning'
   */
  readonly basePath?: string;
}

/**
 * Props of {@link EfsCsiStorage}.
 */
export interface EfsCsiStorageProps extends EfsCsiStorageOptions {
  /**
   * The cluster: an `EksCluster`, or any aws-eks-v2 cluster through `EksCluster.fromCluster()`.
   * Its node subnets get the mount targets and its node security groups may reach NFS. On a
   * Fargate cluster no add-on is installed and volumes are static.
   */
  readonly cluster: IEksCluster;
}

const PROPS_KEYS = optionKeys<EfsCsiStorageProps>({
  cluster: true, addonVersion: true, fileSystem: true, encryptionKey: true, removalPolicy: true, throughputMode: true, backup: true, backupPlan: true,
  dynamicProvisioning: true, storageClassName: true, reclaimPolicy: true, directoryPerms: true, gidRangeStart: true,
  gidRangeEnd: true, basePath: true,
});

/** The options that shape the dynamic provisioning StorageClass, and so mean nothing without it. */
const STORAGE_CLASS_OPTIONS = ['storageClassName', 'reclaimPolicy', 'directoryPerms', 'gidRangeStart', 'gidRangeEnd', 'basePath'] as const;

/** The throughput modes a file system can be created with here (PROVISIONED needs a rate this construct does not take). */
const THROUGHPUT_MODES: readonly string[] = [efs.ThroughputMode.ELASTIC, efs.ThroughputMode.BURSTING];

/** Options of {@link EfsCsiStorage.addStaticVolume}. */
export interface EfsStaticVolumeOptions {
  /** Name of the PersistentVolume and of the claim bound to it (a DNS-1123 subdomain). */
  readonly name: string;

  /**
   * Namespace of the claim.
   *
   * @default 'default'
   */
  readonly namespace?: string;

  /** The directory in the file system that the pods see as the volume's root, such as `/app`. */
  readonly path: string;

  /**
   * POSIX user ID that owns the directory and that every NFS request is made as.
   *
   * @default 1000
   */
  readonly uid?: number;

  /**
   * POSIX group ID that owns the directory and that every NFS request is made as.
   *
   * @default 1000
   */
  readonly gid?: number;

  /**
   * Permissions of the directory when the access point creates it, in octal.
   *
   * @default '750'
   */
  readonly permissions?: string;

  /**
   * The capacity Kubernetes records (EFS is elastic and enforces no size).
   *
   * @default Size.gibibytes(5)
   */
  readonly capacity?: Size;
}

const STATIC_VOLUME_KEYS = optionKeys<EfsStaticVolumeOptions>({
  name: true, namespace: true, path: true, uid: true, gid: true, permissions: true, capacity: true,
});

/**
 * Persistent shared file storage for pods: Amazon EFS through the EFS CSI driver.
 *
 * Everything follows from the cluster. Creates an EFS file system (or takes yours): encrypted with
 * a customer-managed key, automatic backups on, retained when it leaves the stack, a mount target in
 * every AZ of the cluster's node subnets, and a security group that allows NFS only from the
 * cluster's node security groups (the cluster security group, and self-managed nodes' own). On
 * nodes (managed, self-managed, Auto Mode) it installs the `aws-efs-csi-driver` add-on, pinned to
 * the cluster's Kubernetes version, with its own Pod Identity role, after the cluster's capacity and
 * Pod Identity agent, and a StorageClass that provisions an access point per claim. On Fargate the
 * driver is built in and supports static provisioning only: use
 * {@link EfsCsiStorage.addStaticVolume}, which works on every node mode. The key, file system, mount
 * targets and security group do not wait for nodes.
 */
export class EfsCsiStorage extends Construct {
  /** The EKS add-on name of the EFS CSI driver. */
  public static readonly ADDON_NAME = EFS_CSI_ADDON_NAME;
  /** The service account of the EFS CSI controller (in kube-system), which creates access points. */
  public static readonly SERVICE_ACCOUNT = EFS_CSI_SERVICE_ACCOUNT;
  /** The CSI driver name of EFS: the add-on's, and the one built into Fargate. */
  public static readonly DRIVER = EFS_CSI_DRIVER;

  /** The file system, created or given. */
  public readonly fileSystem: efs.IFileSystem;

  /** The key that encrypts the file system; undefined for a file system that was given. */
  public readonly encryptionKey?: kms.IKey;

  /** The security group of the created mount targets; undefined for a file system that was given. */
  public readonly mountTargetSecurityGroup?: ec2.ISecurityGroup;

  /** The `aws-efs-csi-driver` add-on; undefined on Fargate. */
  public readonly addon?: eks.CfnAddon;

  /** The controller's Pod Identity role; undefined on Fargate. */
  public readonly driverRole?: iam.IRole;

  /** The dynamic provisioning StorageClass; undefined when dynamic provisioning is off. */
  public readonly storageClass?: eks.KubernetesManifest;

  /** The StorageClass name; undefined when dynamic provisioning is off. */
  public readonly storageClassName?: string;

  /** The AWS Backup plan the file system is selected into; undefined for a file system that was given or with `backup: false`. */
  public readonly backupPlan?: backup.IBackupPlan;

  private readonly cluster: IEksCluster;

  public constructor(scope: Construct, id: string, props: EfsCsiStorageProps) {
    super(scope, id);

    // Validation of the handle, which every default below reads
    const errors = new PropErrors(this, 'EfsCsiStorage');
    checkKnownKeys(errors, props, PROPS_KEYS, 'EfsCsiStorage');
    if (!checkClusterHandle(errors, props.cluster)) {
      errors.throwIfAny();
    }

    // Defaults
    const cluster = props.cluster;
    const nodeModeType = cluster.nodeModeType;
    const fargate = nodeModeType === NodeModeType.FARGATE;
    const dynamicProvisioning = props.dynamicProvisioning ?? !fargate;
    const storageClassName = props.storageClassName ?? 'efs-ap';
    const reclaimPolicy = props.reclaimPolicy ?? VolumeReclaimPolicy.RETAIN;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const throughputMode = props.throughputMode ?? efs.ThroughputMode.ELASTIC;
    const directoryPerms = props.directoryPerms ?? '700';
    const gidRangeStart = props.gidRangeStart ?? 50000;
    const gidRangeEnd = props.gidRangeEnd ?? 7000000;
    const basePath = props.basePath ?? '/dynamic_provisioning';
    const backedUp = props.backup ?? props.removalPolicy !== RemovalPolicy.DESTROY;
    const vpc = cluster.vpc;
    const clients = nodeClientGroups(cluster);

    // Validation
    if (fargate && props.dynamicProvisioning === true) {
      errors.add('dynamicProvisioning', true,
        'the EFS driver built into Fargate supports static provisioning only; leave it unset on a Fargate cluster and use addStaticVolume()');
    }
    let mountSubnets: ec2.ISubnet[] = [];
    if (props.fileSystem) {
      const given = (['encryptionKey', 'removalPolicy', 'throughputMode', 'backup', 'backupPlan'] as const).filter((p) => props[p] !== undefined);
      errors.check(given.length === 0, 'fileSystem', 'an existing file system',
        `cannot be combined with props that create one (${given.join(', ')}); pass one or the other`);
    } else {
      mountSubnets = oneSubnetPerAz(selectSubnetsOrNone(vpc, cluster.vpcSubnets));
      errors.check(mountSubnets.length > 0, 'cluster', 'a cluster whose vpcSubnets select no subnets',
        "EFS mount targets go in every Availability Zone of the cluster's node subnets (vpcSubnets); give the VPC private subnets, " +
        'or state vpcSubnets in EksCluster.fromCluster()');
      errors.check(Token.isUnresolved(throughputMode) || THROUGHPUT_MODES.includes(throughputMode), 'throughputMode', throughputMode,
        `must be one of ${THROUGHPUT_MODES.join(', ')}: provisioned throughput needs a rate this construct does not take; ` +
        'create such a file system yourself and pass it as fileSystem');
      errors.check(backedUp || props.backupPlan === undefined, 'backupPlan', 'a backup plan',
        'cannot be combined with backup: false; leave backup unset to select the file system into this plan');
    }
    if (dynamicProvisioning) {
      checkObjectName(errors, 'storageClassName', storageClassName);
      checkPermissions(errors, 'directoryPerms', directoryPerms);
      checkIntRange(errors, 'gidRangeStart', props.gidRangeStart, 1, MAX_POSIX_ID);
      checkIntRange(errors, 'gidRangeEnd', props.gidRangeEnd, 1, MAX_POSIX_ID);
      if (!Token.isUnresolved(gidRangeStart) && !Token.isUnresolved(gidRangeEnd)) {
        errors.check(gidRangeStart < gidRangeEnd, 'gidRangeStart', gidRangeStart, `must be less than gidRangeEnd (${gidRangeEnd})`);
      }
      if (!Token.isUnresolved(basePath)) {
        errors.check(basePath.startsWith('/'), 'basePath', basePath, "must be an absolute path such as '/dynamic_provisioning'");
      }
      checkKubectlProvider(errors, cluster.kubectlProvider, 'The StorageClass (a Kubernetes manifest)');
    } else {
      for (const option of STORAGE_CLASS_OPTIONS.filter((p) => props[p] !== undefined)) {
        errors.add(option, props[option], `shapes the dynamic provisioning StorageClass, which is off${fargate ? ' on a Fargate cluster' : ''}; leave it unset`);
      }
    }
    errors.check(clients.length > 0, 'cluster', 'a cluster with no nodeSecurityGroups',
      'NFS is allowed from the security groups node and pod traffic comes from: state nodeSecurityGroups in EksCluster.fromCluster()');
    let addonVersion: string | undefined;
    if (fargate) {
      if (props.addonVersion !== undefined) {
        errors.add('addonVersion', props.addonVersion, 'Fargate has the EFS driver built in and installs no add-on; leave it unset');
      }
    } else {
      addonVersion = csiAddonVersion(errors, EFS_CSI_ADDON_NAME, props.addonVersion, cluster.kubernetesVersion.version);
      claimAddon(errors, this, cluster, EFS_CSI_ADDON_NAME);
    }
    checkEncryptionKey(errors, this, 'encryptionKey', props.encryptionKey);
    errors.throwIfAny();
    if (dynamicProvisioning) {
      // The driver's controller creates an access point per claim through the EFS API.
      this.node.addValidation({
        validate: () => checkVpcEndpoints(this, 'EfsCsiStorage', 'cluster', vpc, 'the EFS CSI driver (dynamic provisioning)', [ENDPOINTS.ELASTIC_FILESYSTEM]),
      });
    }
    warnIfDestroyed(this, props.removalPolicy, 'the EFS file system (every volume on it) and its key');
    checkTagsAtSynth(this);

    // Children (the key, file system, mount targets and their security group wait for no node)
    let fileSystem: efs.IFileSystem;
    let encryptionKey: kms.IKey | undefined;
    let mountTargetSecurityGroup: ec2.SecurityGroup | undefined;
    if (props.fileSystem) {
      fileSystem = props.fileSystem;
      for (const [i, client] of clients.entries()) {
        fileSystem.connections.allowFrom(client, ec2.Port.tcp(NFS_PORT), `NFS from EKS node security group ${i + 1}`);
      }
    } else {
      encryptionKey = props.encryptionKey ?? new kms.Key(this, 'FileSystemKey', {
        description: `Encrypts the EFS file system of ${this.node.path}`,
        enableKeyRotation: true,
        removalPolicy,
      });
      if (!props.encryptionKey) {
        limitGrantsToAwsServices(encryptionKey);
      }
      mountTargetSecurityGroup = new ec2.SecurityGroup(this, 'MountTargetSecurityGroup', {
        vpc,
        // Kept word for word: a security group's description is create-only, so a new text would replace it.
        description: 'EFS mount targets: NFS from the EKS cluster and node security groups only',
        allowAllOutbound: false,
      });
      for (const [i, client] of clients.entries()) {
        mountTargetSecurityGroup.addIngressRule(client, ec2.Port.tcp(NFS_PORT), `NFS from EKS node security group ${i + 1}`);
      }
      fileSystem = new efs.FileSystem(this, 'FileSystem', {
        vpc,
        vpcSubnets: { subnets: mountSubnets },
        securityGroup: mountTargetSecurityGroup,
        encrypted: true,
        kmsKey: encryptionKey,
        // EFS automatic backups as well as the plan below: the AWS Control Tower proactive control
        // CT.EFS.PR.1 requires them.
        enableAutomaticBackups: true,
        removalPolicy,
        throughputMode,
        performanceMode: efs.PerformanceMode.GENERAL_PURPOSE,
        // Explicit, so the app's @aws-cdk/aws-efs:denyAnonymousAccess flag cannot add a policy that
        // refuses the CSI driver's mounts (they do not use IAM auth). Access is limited by the mount
        // target security group (node security groups only) and by access points.
        allowAnonymousAccess: true,
      });
    }
    let backupPlan: backup.IBackupPlan | undefined;
    if (!props.fileSystem && backedUp) {
      backupPlan = backUpFileSystem(this, fileSystem as efs.FileSystem, encryptionKey!, props.backupPlan);
    }
    requireNodeGroupsCovered(this, cluster, clients, 'EfsCsiStorage');

    let addon: eks.CfnAddon | undefined;
    let driverRole: iam.Role | undefined;
    if (!fargate) {
      driverRole = podIdentityRole(this, 'DriverRole', 'service-role/AmazonEFSCSIDriverPolicy',
        `EFS CSI controller (${EFS_CSI_SERVICE_ACCOUNT}) of ${this.node.path}, through EKS Pod Identity`);
      addon = new eks.CfnAddon(this, 'Addon', {
        addonName: EFS_CSI_ADDON_NAME,
        clusterName: cluster.clusterName,
        addonVersion: addonVersion!,
        resolveConflicts: 'OVERWRITE',
        podIdentityAssociations: [{ roleArn: driverRole.roleArn, serviceAccount: EFS_CSI_SERVICE_ACCOUNT }],
      });
      addon.node.addDependency(fileSystem.mountTargetsAvailable);
      // Its controller and node pods need nodes, and the Pod Identity agent for credentials.
      cluster.waitForCapacity(addon);
    }

    let storageClass: eks.KubernetesManifest | undefined;
    if (dynamicProvisioning) {
      storageClass = new eks.KubernetesManifest(this, 'StorageClass', {
        cluster: cluster.cluster,
        manifest: [{
          apiVersion: 'storage.k8s.io/v1',
          kind: 'StorageClass',
          metadata: { name: storageClassName },
          provisioner: EFS_CSI_DRIVER,
          parameters: {
            provisioningMode: 'efs-ap',
            fileSystemId: fileSystem.fileSystemId,
            directoryPerms,
            gidRangeStart: String(gidRangeStart),
            gidRangeEnd: String(gidRangeEnd),
            basePath,
          },
          reclaimPolicy,
          volumeBindingMode: 'Immediate',
        }],
      });
      if (addon) {
        storageClass.node.addDependency(addon);
      }
    }

    // Public fields
    this.fileSystem = fileSystem;
    this.encryptionKey = encryptionKey;
    this.mountTargetSecurityGroup = mountTargetSecurityGroup;
    this.addon = addon;
    this.driverRole = driverRole;
    this.storageClass = storageClass;
    this.storageClassName = dynamicProvisioning ? storageClassName : undefined;
    this.backupPlan = backupPlan;
    this.cluster = cluster;

    // Acknowledgements
    if (driverRole) {
      acknowledge(driverRole, 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonEFSCSIDriverPolicy]',
        'AmazonEFSCSIDriverPolicy is the AWS managed policy the EFS CSI driver is documented with; access point creation and deletion are scoped by the efs.csi.aws.com/cluster tag, and AWS keeps it in step with the driver.');
    }
  }

  /**
   * Adds a statically provisioned volume: an EFS access point on `path`, a PersistentVolume
   * (`csi.driver: efs.csi.aws.com`, `volumeHandle: <file system id>::<access point id>`) and a
   * claim bound to it. The way to give Fargate pods EFS storage; works on every node mode. The
   * volume is retained when the claim is deleted.
   */
  public addStaticVolume(id: string, options: EfsStaticVolumeOptions): efs.AccessPoint {
    const scope = new Construct(this, id);
    const namespace = options.namespace ?? 'default';
    const uid = options.uid ?? 1000;
    const gid = options.gid ?? 1000;
    const permissions = options.permissions ?? '750';
    const capacity = options.capacity ?? Size.gibibytes(5);

    const errors = new PropErrors(scope, 'EfsCsiStorage.addStaticVolume');
    checkKnownKeys(errors, options, STATIC_VOLUME_KEYS, 'EfsCsiStorage.addStaticVolume()');
    checkObjectName(errors, 'name', options.name);
    checkDnsLabel(errors, 'namespace', namespace);
    if (!Token.isUnresolved(options.path)) {
      errors.check(options.path.startsWith('/') && !options.path.includes('..'), 'path', options.path, "must be an absolute path such as '/app'");
    }
    checkIntRange(errors, 'uid', options.uid, 0, MAX_POSIX_ID);
    checkIntRange(errors, 'gid', options.gid, 0, MAX_POSIX_ID);
    checkPermissions(errors, 'permissions', permissions);
    checkKubectlProvider(errors, this.cluster.kubectlProvider, 'The PersistentVolume (a Kubernetes manifest)');
    claimVolumeName(errors, scope, this.cluster, options.name);
    errors.throwIfAny();

    const accessPoint = new efs.AccessPoint(scope, 'AccessPoint', {
      fileSystem: this.fileSystem,
      path: options.path,
      posixUser: { uid: String(uid), gid: String(gid) },
      createAcl: { ownerUid: String(uid), ownerGid: String(gid), permissions },
    });
    const storage = `${Math.max(1, Math.ceil(capacity.toGibibytes({ rounding: SizeRoundingBehavior.NONE })))}Gi`;
    new eks.KubernetesManifest(scope, 'Volume', {
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
            csi: {
              driver: EFS_CSI_DRIVER,
              volumeHandle: `${this.fileSystem.fileSystemId}::${accessPoint.accessPointId}`,
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
    return accessPoint;
  }
}

function checkPermissions(errors: PropErrors, prop: string, value: string): void {
  if (Token.isUnresolved(value)) {
    return;
  }
  errors.check(PERMISSIONS.test(value), prop, value, "must be octal permissions such as '700' or '0750'");
}
