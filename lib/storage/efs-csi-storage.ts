import { RemovalPolicy, Size, SizeRoundingBehavior, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as efs from 'aws-cdk-lib/aws-efs';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { pinnedAddonVersion } from '../addons/addon-versions';
import { NodeModeType } from '../compute/node-mode';
import { acknowledge } from '../private/acknowledge';
import { checkIntRange, PropErrors } from '../private/prop-errors';
import { privateSubnetSelection } from '../private/subnets';
import { checkKubectlProvider, checkNamespace, checkObjectName, kubernetesVersionOf, tryClusterSecurityGroup } from './private/storage-helpers';
import { podIdentityRole } from '../private/pod-identity';
import { VolumeReclaimPolicy } from './reclaim-policy';

const EFS_CSI_ADDON_NAME = 'aws-efs-csi-driver';
const EFS_CSI_SERVICE_ACCOUNT = 'efs-csi-controller-sa';
const EFS_CSI_DRIVER = 'efs.csi.aws.com';

/** The largest POSIX user or group ID EFS access points accept. */
const MAX_POSIX_ID = 4294967295;
const NFS_PORT = 2049;
const PERMISSIONS = /^[0-7]{3,4}$/;

/**
 * Props of {@link EfsCsiStorage}.
 */
export interface EfsCsiStorageProps {
  /** The cluster: `EksCluster.cluster`, or any aws-eks-v2 cluster. */
  readonly cluster: eks.ICluster;

  /**
   * How the cluster runs pods (`EksCluster.nodeModeType`). On `FARGATE` the EFS driver is built
   * in and supports static provisioning only: no add-on is installed and
   * {@link EfsCsiStorage.addStaticVolume} is the way to give pods a volume.
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
   * The `aws-efs-csi-driver` add-on version, such as `v2.1.9-eksbuild.1`.
   *
   * @default - the version pinned for the Kubernetes version in lib/addons/addon-versions.ts
   */
  readonly addonVersion?: string;

  /**
   * The private subnets where nodes run (`EksCluster.nodeSubnets`). The file system gets a mount
   * target in every Availability Zone of these subnets.
   *
   * @default - the cluster VPC's private subnets (isolated ones when it has no private subnets)
   */
  readonly nodeSubnets?: ec2.SubnetSelection;

  /**
   * An existing file system to use instead of creating one. Its mount targets must already
   * exist in the node AZs; NFS from the cluster is allowed on its security group. When set, no
   * creation prop (`encryptionKey`, `removalPolicy`, `throughputMode`) may be given.
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
   * The throughput mode of the new file system.
   *
   * @default efs.ThroughputMode.ELASTIC
   */
  readonly throughputMode?: efs.ThroughputMode;

  /**
   * More security groups allowed to reach NFS. Required on `SELF_MANAGED`: self-managed nodes
   * carry their own security group (`EksCluster.capacity.selfManagedNodes.securityGroup`), not the
   * cluster security group.
   *
   * @default - only the cluster security group (managed nodes, Auto Mode nodes, Fargate pods) and
   * the control plane's security groups
   */
  readonly clientSecurityGroups?: ec2.ISecurityGroup[];

  /**
   * Create a StorageClass that provisions a directory and access point per claim. Not available
   * on Fargate, whose built-in driver supports static provisioning only.
   *
   * @default - true, except on `NodeModeType.FARGATE`
   */
  readonly dynamicProvisioning?: boolean;

  /**
   * The StorageClass name (a DNS-1123 subdomain).
   *
   * @default 'efs-ap'
   */
  readonly storageClassName?: string;

  /**
   * What happens to a dynamically provisioned access point and its directory when the claim is
   * deleted.
   *
   * @default VolumeReclaimPolicy.RETAIN
   */
  readonly reclaimPolicy?: VolumeReclaimPolicy;

  /**
   * Permissions of each provisioned directory, in octal.
   *
   * @default '700'
   */
  readonly directoryPerms?: string;

  /**
   * The first POSIX user and group ID the driver gives to provisioned access points.
   *
   * @default 50000
   */
  readonly gidRangeStart?: number;

  /**
   * The last POSIX user and group ID the driver gives to provisioned access points.
   *
   * @default 7000000
   */
  readonly gidRangeEnd?: number;

  /**
   * The directory under which provisioned directories are created.
   *
   * @default '/dynamic_provisioning'
   */
  readonly basePath?: string;
}

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

/**
 * Persistent shared file storage for pods: Amazon EFS through the EFS CSI driver.
 *
 * Creates an EFS file system (or takes yours): encrypted with a customer-managed key, automatic
 * backups on, retained when it leaves the stack, a mount target in every node AZ, and a security
 * group that allows NFS only from the cluster's security groups. On nodes (managed, self-managed,
 * Auto Mode) it installs the `aws-efs-csi-driver` add-on with its own Pod Identity role and a
 * StorageClass that provisions an access point per claim. On Fargate the driver is built in and
 * supports static provisioning only: use {@link EfsCsiStorage.addStaticVolume}, which works on
 * every node mode.
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

  private readonly cluster: eks.ICluster;

  public constructor(scope: Construct, id: string, props: EfsCsiStorageProps) {
    super(scope, id);

    // Defaults
    const nodeModeType = props.nodeModeType ?? NodeModeType.MANAGED;
    const fargate = nodeModeType === NodeModeType.FARGATE;
    const dynamicProvisioning = props.dynamicProvisioning ?? !fargate;
    const storageClassName = props.storageClassName ?? 'efs-ap';
    const reclaimPolicy = props.reclaimPolicy ?? VolumeReclaimPolicy.RETAIN;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const directoryPerms = props.directoryPerms ?? '700';
    const gidRangeStart = props.gidRangeStart ?? 50000;
    const gidRangeEnd = props.gidRangeEnd ?? 7000000;
    const basePath = props.basePath ?? '/dynamic_provisioning';
    const vpc = props.cluster.vpc;
    const nodeSubnets = props.nodeSubnets ?? privateSubnetSelection(vpc);

    // Validation
    const errors = new PropErrors(this, 'EfsCsiStorage');
    let mountSubnets: ec2.ISubnet[] = [];
    if (fargate && props.dynamicProvisioning === true) {
      errors.add('dynamicProvisioning', true,
        'the EFS driver built into Fargate supports static provisioning only; leave it unset on a Fargate cluster and use addStaticVolume()');
    }
    if (props.fileSystem) {
      const given = (['encryptionKey', 'removalPolicy', 'throughputMode'] as const).filter((p) => props[p] !== undefined);
      errors.check(given.length === 0, 'fileSystem', 'an existing file system',
        `cannot be combined with props that create one (${given.join(', ')}); pass one or the other`);
    } else {
      mountSubnets = mountTargetSubnets(errors, vpc, nodeSubnets, props.nodeSubnets !== undefined ? 'nodeSubnets' : 'cluster');
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
      checkKubectlProvider(errors, props.cluster, 'The StorageClass');
    }
    errors.check(nodeModeType !== NodeModeType.SELF_MANAGED || (props.clientSecurityGroups ?? []).length > 0, 'clientSecurityGroups',
      props.clientSecurityGroups, "self-managed nodes carry their own security group, not the cluster's: pass it " +
      '(EksCluster.capacity.selfManagedNodes.securityGroup) so NFS is allowed from the nodes');
    const clusterSecurityGroup = tryClusterSecurityGroup(props.cluster);
    errors.check(clusterSecurityGroup !== undefined, 'cluster', 'an imported cluster without clusterSecurityGroupId',
      'NFS is allowed from the cluster security group, which nodes and Fargate pods carry: import the cluster with clusterSecurityGroupId');
    if (fargate && props.addonVersion !== undefined) {
      errors.add('addonVersion', props.addonVersion, 'Fargate has the EFS driver built in and installs no add-on; leave it unset');
    }
    errors.throwIfAny();

    // Children
    let fileSystem: efs.IFileSystem;
    let encryptionKey: kms.IKey | undefined;
    let mountTargetSecurityGroup: ec2.SecurityGroup | undefined;
    const clients = distinct([clusterSecurityGroup!, ...props.cluster.connections.securityGroups, ...(props.clientSecurityGroups ?? [])]);
    if (props.fileSystem) {
      fileSystem = props.fileSystem;
      for (const [i, client] of clients.entries()) {
        fileSystem.connections.allowFrom(client, ec2.Port.tcp(NFS_PORT), `NFS from EKS client security group ${i + 1}`);
      }
    } else {
      encryptionKey = props.encryptionKey ?? new kms.Key(this, 'FileSystemKey', {
        description: `Encrypts the EFS file system of ${this.node.path}`,
        enableKeyRotation: true,
        removalPolicy,
      });
      mountTargetSecurityGroup = new ec2.SecurityGroup(this, 'MountTargetSecurityGroup', {
        vpc,
        description: 'EFS mount targets: NFS from the EKS cluster and node security groups only',
        allowAllOutbound: false,
      });
      for (const [i, client] of clients.entries()) {
        mountTargetSecurityGroup.addIngressRule(client, ec2.Port.tcp(NFS_PORT), `NFS from EKS client security group ${i + 1}`);
      }
      fileSystem = new efs.FileSystem(this, 'FileSystem', {
        vpc,
        vpcSubnets: { subnets: mountSubnets },
        securityGroup: mountTargetSecurityGroup,
        encrypted: true,
        kmsKey: encryptionKey,
        enableAutomaticBackups: true,
        removalPolicy,
        throughputMode: props.throughputMode ?? efs.ThroughputMode.ELASTIC,
        performanceMode: efs.PerformanceMode.GENERAL_PURPOSE,
        // Explicit, so the app's @aws-cdk/aws-efs:denyAnonymousAccess flag cannot add a policy that
        // refuses the CSI driver's mounts (they do not use IAM auth). Access is limited by the mount
        // target security group (cluster security groups only) and by access points.
        allowAnonymousAccess: true,
      });
    }

    let addon: eks.CfnAddon | undefined;
    let driverRole: iam.Role | undefined;
    if (!fargate) {
      driverRole = podIdentityRole(this, 'DriverRole', 'service-role/AmazonEFSCSIDriverPolicy',
        `EFS CSI controller (${EFS_CSI_SERVICE_ACCOUNT}) of ${this.node.path}, through EKS Pod Identity`);
      addon = new eks.CfnAddon(this, 'Addon', {
        addonName: EFS_CSI_ADDON_NAME,
        clusterName: props.cluster.clusterName,
        addonVersion: props.addonVersion ?? pinnedAddonVersion(EFS_CSI_ADDON_NAME, kubernetesVersionOf(props.cluster, props.kubernetesVersion)),
        resolveConflicts: 'OVERWRITE',
        podIdentityAssociations: [{ roleArn: driverRole.roleArn, serviceAccount: EFS_CSI_SERVICE_ACCOUNT }],
      });
      addon.node.addDependency(fileSystem.mountTargetsAvailable);
    }

    let storageClass: eks.KubernetesManifest | undefined;
    if (dynamicProvisioning) {
      storageClass = new eks.KubernetesManifest(this, 'StorageClass', {
        cluster: props.cluster,
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
    this.cluster = props.cluster;

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
    checkObjectName(errors, 'name', options.name);
    checkNamespace(errors, 'namespace', namespace);
    if (!Token.isUnresolved(options.path)) {
      errors.check(options.path.startsWith('/') && !options.path.includes('..'), 'path', options.path, "must be an absolute path such as '/app'");
    }
    checkIntRange(errors, 'uid', options.uid, 0, MAX_POSIX_ID);
    checkIntRange(errors, 'gid', options.gid, 0, MAX_POSIX_ID);
    checkPermissions(errors, 'permissions', permissions);
    checkKubectlProvider(errors, this.cluster, 'The PersistentVolume');
    errors.throwIfAny();

    const accessPoint = new efs.AccessPoint(scope, 'AccessPoint', {
      fileSystem: this.fileSystem,
      path: options.path,
      posixUser: { uid: String(uid), gid: String(gid) },
      createAcl: { ownerUid: String(uid), ownerGid: String(gid), permissions },
    });
    const storage = `${Math.max(1, Math.ceil(capacity.toGibibytes({ rounding: SizeRoundingBehavior.NONE })))}Gi`;
    new eks.KubernetesManifest(scope, 'Volume', {
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

/** The security groups once each, in order (the cluster's own group is also among its connections). */
function distinct(groups: ec2.ISecurityGroup[]): ec2.ISecurityGroup[] {
  const seen = new Set<string>();
  return groups.filter((g) => {
    const key = g.node.path;
    if (seen.has(key)) {
      return false;
    }
    seen.add(key);
    return true;
  });
}

function checkPermissions(errors: PropErrors, prop: string, value: string): void {
  if (Token.isUnresolved(value)) {
    return;
  }
  errors.check(PERMISSIONS.test(value), prop, value, "must be octal permissions such as '700' or '0750'");
}

/**
 * The subnets of the mount targets: one private subnet in every AZ where nodes run. Records an
 * error when the VPC has no private subnets, or none in an AZ where nodes run (pods there could
 * not mount the file system). AZs that are tokens are matched by identity and never rejected.
 */
function mountTargetSubnets(errors: PropErrors, vpc: ec2.IVpc, nodeSubnets: ec2.SubnetSelection, prop: string): ec2.ISubnet[] {
  const privateSubnets = trySelect(vpc, privateSubnetSelection(vpc));
  if (privateSubnets.length === 0) {
    errors.add('cluster', 'a VPC with no private subnets',
      'EFS mount targets go in a private (or isolated) subnet of every Availability Zone where nodes run; give the VPC private subnets');
    return [];
  }
  const nodeAzs = [...new Set(trySelect(vpc, nodeSubnets).map((s) => s.availabilityZone))];
  const byAz = new Map<string, ec2.ISubnet>();
  for (const subnet of privateSubnets) {
    if (!byAz.has(subnet.availabilityZone)) {
      byAz.set(subnet.availabilityZone, subnet);
    }
  }
  const missing = nodeAzs.filter((az) => !byAz.has(az) && !Token.isUnresolved(az));
  errors.check(missing.length === 0, prop, `nodes in ${missing.join(', ')}`,
    `the VPC has no private subnet there for an EFS mount target (private subnets are in ${[...byAz.keys()].filter((az) => !Token.isUnresolved(az)).join(', ') || 'token AZs'})`);
  const chosen = nodeAzs.map((az) => byAz.get(az)).filter((s): s is ec2.ISubnet => s !== undefined);
  return chosen.length > 0 ? chosen : [...byAz.values()];
}

function trySelect(vpc: ec2.IVpc, selection: ec2.SubnetSelection): ec2.ISubnet[] {
  try {
    return vpc.selectSubnets(selection).subnets;
  } catch {
    return [];
  }
}
