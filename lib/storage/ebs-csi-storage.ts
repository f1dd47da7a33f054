import { RemovalPolicy, Size, SizeRoundingBehavior, Stack, Token } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { IEksCluster } from '../cluster/i-eks-cluster';
import { NodeModeType } from '../compute/node-mode';
import { acknowledge } from '../private/acknowledge';
import { checkKubectlProvider } from '../private/cluster-facts';
import { checkKnownKeys, optionKeys } from '../private/known-keys';
import { warnIfDestroyed } from '../private/lifecycle';
import { claimAddon } from '../private/app-registry';
import { checkEncryptionKey } from '../private/kms-rules';
import { checkTagsAtSynth } from '../private/tag-rules';
import { checkDnsLabel, checkObjectName } from '../private/kubernetes-names';
import { limitGrantsToAwsServices } from '../private/key-policy';
import { podIdentityRole } from '../private/pod-identity';
import { checkIntRange, PropErrors } from '../private/prop-errors';
import { csiAddonVersion } from '../private/storage';
import { checkClusterHandle } from '../private/cluster-facts';
import { VolumeReclaimPolicy } from './reclaim-policy';

const EBS_CSI_ADDON_NAME = 'aws-ebs-csi-driver';
const EBS_CSI_SERVICE_ACCOUNT = 'ebs-csi-controller-sa';
const EBS_CSI_PROVISIONER = 'ebs.csi.aws.com';
const AUTO_MODE_EBS_PROVISIONER = 'ebs.csi.eks.amazonaws.com';

/**
 * gp3 limits (EBS user guide; raised in 2025 to 64 TiB, 80,000 IOPS and 2,000 MiB/s): size, IOPS,
 * throughput and their ratios (500 IOPS per GiB, 0.25 MiB/s per IOPS).
 */
const GP3 = {
  minSizeGiB: 1,
  maxSizeGiB: 65536,
  minIops: 3000,
  maxIops: 80000,
  minThroughput: 125,
  maxThroughput: 2000,
  maxIopsPerGiB: 500,
  maxThroughputPerIops: 0.25,
};

/**
 * Options of {@link EbsCsiStorage}: everything but the cluster, whose node mode, Kubernetes
 * version, kubectl provider and cluster role decide the rest. What `EksCluster.addEbsStorage()`
 * takes.
 */
export interface EbsCsiStorageOptions {
  /**
   * The `aws-ebs-csi-driver` add-on version, such as `v1.45.0-eksbuild.1`: same major version as
   * the pinned one. Not on Auto Mode, which installs no add-on.
   *
   * @default - the version pinned for the cluster's Kubernetes version (`AddonVersions.pinned`)
   */
  readonly addonVersion?: string;

  /**
   * The customer-managed KMS key that encrypts every volume of the StorageClass. Its key policy
   * must let IAM policies grant its use (the default key policy does).
   *
   * @default - a new key with yearly rotation, kept when it leaves the stack
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * What happens to the created KMS key when it leaves the stack. Volumes encrypted with a
   * deleted key are lost, so keep the default outside throw-away stacks.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * The StorageClass name (a DNS-1123 subdomain).
   *
   * @default 'ebs-gp3'
   */
  readonly storageClassName?: string;

  /**
   * Make the StorageClass the cluster default, used by claims that name no class.
   *
   * @default true
   */
  readonly defaultStorageClass?: boolean;

  /**
   * What happens to a volume when its claim is deleted.
   *
   * @default VolumeReclaimPolicy.RETAIN
   */
  readonly reclaimPolicy?: VolumeReclaimPolicy;

  /**
   * Provisioned IOPS of every gp3 volume: 3000 to 80000, at most 500 per GiB of volume above the
   * 3000 baseline.
   *
   * @default - the gp3 baseline, 3000
   */
  readonly iops?: number;

  /**
   * Provisioned throughput of every gp3 volume in MiB/s: 125 to 2000, at most 0.25 per IOPS.
   *
   * @default - the gp3 baseline, 125
   */
  readonly throughputMiBps?: number;

  /**
   * Run the driver's node DaemonSet in the host network (the add-on's `node.hostNetwork`), so it
   * reads the instance's facts from IMDSv2 although nodes keep a hop limit of 1 for every other pod.
   * Without it the node plugin cannot reach IMDS and falls back to Kubernetes metadata, which
   * counts one ENI and one EBS volume per node and so can overstate how many volumes a node takes.
   * The node plugin is privileged already; host networking adds the node's network namespace. Not
   * on Auto Mode, which has no add-on. See docs/STORAGE.md.
   *
   * @default true
   */
  readonly nodeHostNetwork?: boolean;
}

/**
 * Props of {@link EbsCsiStorage}.
 */
export interface EbsCsiStorageProps extends EbsCsiStorageOptions {
  /**
   * The cluster: an `EksCluster`, or any aws-eks-v2 cluster through `EksCluster.fromCluster()`.
   * Not a Fargate-only cluster: EBS volumes cannot attach to Fargate pods. On Auto Mode, the
   * built-in block storage driver is used and the cluster role gets the key.
   */
  readonly cluster: IEksCluster;
}

const PROPS_KEYS = optionKeys<EbsCsiStorageProps>({
  cluster: true, addonVersion: true, encryptionKey: true, removalPolicy: true, storageClassName: true,
  defaultStorageClass: true, reclaimPolicy: true, iops: true, throughputMiBps: true, nodeHostNetwork: true,
});

/** Options of {@link EbsCsiStorage.addVolumeClaim}. */
export interface EbsVolumeClaimOptions {
  /** The claim's name (a DNS-1123 subdomain). */
  readonly name: string;

  /**
   * The claim's namespace.
   *
   * @default 'default'
   */
  readonly namespace?: string;

  /** The volume size, whole GiB from 1 to 65536 (64 TiB). With provisioned IOPS, at least IOPS / 500 GiB. */
  readonly size: Size;
}

const CLAIM_KEYS = optionKeys<EbsVolumeClaimOptions>({ name: true, namespace: true, size: true });

/**
 * Persistent block storage for pods: EBS volumes through the EBS CSI driver.
 *
 * Everything follows from the cluster. On managed and self-managed nodes it installs the
 * `aws-ebs-csi-driver` EKS add-on, at the version pinned for the cluster's Kubernetes version, with
 * its own IAM role bound through EKS Pod Identity; the add-on waits for the cluster's capacity and
 * its Pod Identity agent. On Auto Mode the built-in driver (`ebs.csi.eks.amazonaws.com`) is used and
 * the cluster role gets the volume key. Either way a gp3 StorageClass is made the cluster default:
 * encrypted with a customer-managed key, bound when the first pod is scheduled (so the volume lands
 * in that pod's AZ), expandable, and retaining volumes when claims go away.
 *
 * EBS volumes attach to EC2 instances only: pods on Fargate cannot use them, so a Fargate-only
 * cluster is refused. On a cluster that mixes nodes and Fargate profiles, only pods on nodes can
 * mount these volumes.
 */
export class EbsCsiStorage extends Construct {
  /** The EKS add-on name of the EBS CSI driver. */
  public static readonly ADDON_NAME = EBS_CSI_ADDON_NAME;
  /** The service account of the EBS CSI controller (in kube-system), which calls the EC2 API. */
  public static readonly SERVICE_ACCOUNT = EBS_CSI_SERVICE_ACCOUNT;
  /** The provisioner of the EBS CSI driver add-on. */
  public static readonly PROVISIONER = EBS_CSI_PROVISIONER;
  /** The provisioner of EKS Auto Mode's built-in block storage. */
  public static readonly AUTO_MODE_PROVISIONER = AUTO_MODE_EBS_PROVISIONER;

  /** The key that encrypts the volumes. */
  public readonly encryptionKey: kms.IKey;

  /** The StorageClass name. */
  public readonly storageClassName: string;

  /** The provisioner the StorageClass uses: the add-on's, or Auto Mode's built-in one. */
  public readonly provisioner: string;

  /** The StorageClass manifest. */
  public readonly storageClass: eks.KubernetesManifest;

  /** The `aws-ebs-csi-driver` add-on; undefined on Auto Mode. */
  public readonly addon?: eks.CfnAddon;

  /** The controller's Pod Identity role; undefined on Auto Mode. */
  public readonly driverRole?: iam.IRole;

  private readonly cluster: eks.ICluster;
  private readonly iops?: number;

  public constructor(scope: Construct, id: string, props: EbsCsiStorageProps) {
    super(scope, id);

    // Validation of the handle, which every default below reads
    const errors = new PropErrors(this, 'EbsCsiStorage');
    checkKnownKeys(errors, props, PROPS_KEYS, 'EbsCsiStorage');
    if (!checkClusterHandle(errors, props.cluster)) {
      errors.throwIfAny();
    }

    // Defaults
    const cluster = props.cluster;
    const nodeModeType = cluster.nodeModeType;
    const autoMode = nodeModeType === NodeModeType.AUTO_MODE;
    const storageClassName = props.storageClassName ?? 'ebs-gp3';
    const reclaimPolicy = props.reclaimPolicy ?? VolumeReclaimPolicy.RETAIN;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const clusterRole = cluster.clusterRole;

    // Validation
    errors.check(nodeModeType !== NodeModeType.FARGATE, 'cluster', `a ${nodeModeType} cluster`,
      'EBS volumes cannot attach to Fargate pods; use EfsCsiStorage (static volumes) on a Fargate-only cluster, ' +
      `or a cluster of node mode ${NodeModeType.MANAGED}, ${NodeModeType.SELF_MANAGED} or ${NodeModeType.AUTO_MODE}`);
    checkObjectName(errors, 'storageClassName', storageClassName);
    checkIntRange(errors, 'iops', props.iops, GP3.minIops, GP3.maxIops);
    checkIntRange(errors, 'throughputMiBps', props.throughputMiBps, GP3.minThroughput, GP3.maxThroughput);
    if (props.throughputMiBps !== undefined && !Token.isUnresolved(props.throughputMiBps) && !Token.isUnresolved(props.iops ?? 0)) {
      const iops = props.iops ?? GP3.minIops;
      const max = iops * GP3.maxThroughputPerIops;
      errors.check(props.throughputMiBps <= max, 'throughputMiBps', props.throughputMiBps,
        `gp3 allows at most ${GP3.maxThroughputPerIops} MiB/s per IOPS: at most ${max} with ${iops} IOPS`);
    }
    let addonVersion: string | undefined;
    if (autoMode) {
      errors.check(clusterRole !== undefined, 'cluster', 'an Auto Mode cluster whose clusterRole is unknown',
        'Auto Mode creates EBS volumes with the cluster IAM role, which needs the volume key: state `clusterRole` in EksCluster.fromCluster()');
      if (props.addonVersion !== undefined) {
        errors.add('addonVersion', props.addonVersion, 'Auto Mode has a built-in block storage driver and installs no add-on; leave it unset');
      }
      if (props.nodeHostNetwork !== undefined) {
        errors.add('nodeHostNetwork', props.nodeHostNetwork, 'Auto Mode has a built-in block storage driver and installs no add-on to configure; leave it unset');
      }
    } else if (nodeModeType !== NodeModeType.FARGATE) {
      addonVersion = csiAddonVersion(errors, EBS_CSI_ADDON_NAME, props.addonVersion, cluster.kubernetesVersion.version);
    }
    checkKubectlProvider(errors, cluster.kubectlProvider, 'The StorageClass (a Kubernetes manifest)');
    checkEncryptionKey(errors, this, 'encryptionKey', props.encryptionKey);
    if (addonVersion !== undefined) {
      claimAddon(errors, this, cluster, EBS_CSI_ADDON_NAME);
    }
    errors.throwIfAny();
    warnIfDestroyed(this, props.removalPolicy, 'the EBS volume key (volumes encrypted with it become unreadable once it is deleted)');
    checkTagsAtSynth(this);

    // Children
    const encryptionKey = props.encryptionKey ?? new kms.Key(this, 'VolumeKey', {
      description: `Encrypts the EBS volumes of StorageClass ${storageClassName} (${this.node.path})`,
      enableKeyRotation: true,
      removalPolicy,
    });
    if (!props.encryptionKey) {
      limitGrantsToAwsServices(encryptionKey);
    }

    let addon: eks.CfnAddon | undefined;
    let driverRole: iam.Role | undefined;
    if (autoMode) {
      // Customer managed policies, not inline ones (the NIST, HIPAA and PCI packs' IAMNoInlinePolicy).
      new iam.ManagedPolicy(this, 'AutoModeVolumeKeyManagedPolicy', {
        description: `Lets EKS Auto Mode use the EBS volume key of ${this.node.path}`,
        roles: [clusterRole!],
        statements: volumeKeyStatements(encryptionKey),
      });
    } else {
      driverRole = podIdentityRole(this, 'DriverRole', 'service-role/AmazonEBSCSIDriverPolicy',
        `EBS CSI controller (${EBS_CSI_SERVICE_ACCOUNT}) of ${this.node.path}, through EKS Pod Identity`);
      const volumeKeyPolicy = new iam.ManagedPolicy(this, 'VolumeKeyManagedPolicy', {
        description: `Lets the EBS CSI driver use the EBS volume key of ${this.node.path}`,
        roles: [driverRole],
        statements: volumeKeyStatements(encryptionKey),
      });
      addon = new eks.CfnAddon(this, 'Addon', {
        addonName: EBS_CSI_ADDON_NAME,
        clusterName: cluster.clusterName,
        addonVersion: addonVersion!,
        resolveConflicts: 'OVERWRITE',
        podIdentityAssociations: [{ roleArn: driverRole.roleArn, serviceAccount: EBS_CSI_SERVICE_ACCOUNT }],
        // The node plugin reads instance facts (volume attach limits) from IMDSv2 through the host
        // network, with the nodes' hop limit of 1 kept for every other pod (docs/STORAGE.md).
        configurationValues: (props.nodeHostNetwork ?? true) ? Stack.of(this).toJsonString({ node: { hostNetwork: true } }) : undefined,
      });
      // The driver may create encrypted volumes as soon as it runs: give it the key first.
      addon.node.addDependency(volumeKeyPolicy);
      // Its controller and node pods need nodes, and the Pod Identity agent for credentials.
      cluster.waitForCapacity(addon);
    }

    const provisioner = autoMode ? AUTO_MODE_EBS_PROVISIONER : EBS_CSI_PROVISIONER;
    const parameters: Record<string, string> = {
      'type': 'gp3',
      'csi.storage.k8s.io/fstype': 'ext4',
      'encrypted': 'true',
      'kmsKeyId': encryptionKey.keyArn,
    };
    if (props.iops !== undefined) {
      parameters.iops = String(props.iops);
    }
    if (props.throughputMiBps !== undefined) {
      parameters.throughput = String(props.throughputMiBps);
    }
    const storageClass = new eks.KubernetesManifest(this, 'StorageClass', {
      cluster: cluster.cluster,
      manifest: [{
        apiVersion: 'storage.k8s.io/v1',
        kind: 'StorageClass',
        metadata: {
          name: storageClassName,
          annotations: { 'storageclass.kubernetes.io/is-default-class': String(props.defaultStorageClass ?? true) },
        },
        provisioner,
        parameters,
        reclaimPolicy,
        volumeBindingMode: 'WaitForFirstConsumer',
        allowVolumeExpansion: true,
        // Auto Mode's driver attaches volumes to Auto Mode nodes only: on a cluster that also has
        // other capacity, claims of this class must schedule there (as the EKS Auto Mode docs say).
        ...(autoMode ? {
          allowedTopologies: [{ matchLabelExpressions: [{ key: 'eks.amazonaws.com/compute-type', values: ['auto'] }] }],
        } : {}),
      }],
    });
    if (addon) {
      storageClass.node.addDependency(addon);
    }

    // Public fields
    this.encryptionKey = encryptionKey;
    this.storageClassName = storageClassName;
    this.provisioner = provisioner;
    this.storageClass = storageClass;
    this.addon = addon;
    this.driverRole = driverRole;
    this.cluster = cluster.cluster;
    this.iops = props.iops;

    // Acknowledgements
    if (driverRole) {
      acknowledge(driverRole, 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy]',
        'AmazonEBSCSIDriverPolicy is the AWS managed policy the EBS CSI driver is documented with; its volume and snapshot actions are scoped by the ebs.csi.aws.com tags the driver sets, and AWS keeps it in step with the driver.');
    }
  }

  /**
   * Adds a PersistentVolumeClaim of this StorageClass. The EBS volume is created when the first
   * pod that mounts the claim is scheduled, in that pod's Availability Zone.
   */
  public addVolumeClaim(id: string, options: EbsVolumeClaimOptions): eks.KubernetesManifest {
    const scope = new Construct(this, id);
    const namespace = options.namespace ?? 'default';
    const errors = new PropErrors(scope, 'EbsCsiStorage.addVolumeClaim');
    checkKnownKeys(errors, options, CLAIM_KEYS, 'EbsCsiStorage.addVolumeClaim()');
    checkObjectName(errors, 'name', options.name);
    checkDnsLabel(errors, 'namespace', namespace);
    let sizeGiB: number | undefined;
    if (!Token.isUnresolved(options.size.toGibibytes({ rounding: SizeRoundingBehavior.NONE }))) {
      const gib = options.size.toGibibytes({ rounding: SizeRoundingBehavior.NONE });
      checkIntRange(errors, 'size (GiB)', gib, GP3.minSizeGiB, GP3.maxSizeGiB);
      sizeGiB = gib;
    }
    if (sizeGiB !== undefined && this.iops !== undefined && !Token.isUnresolved(this.iops) && this.iops > GP3.minIops) {
      errors.check(this.iops <= sizeGiB * GP3.maxIopsPerGiB, 'size (GiB)', sizeGiB,
        `gp3 allows at most ${GP3.maxIopsPerGiB} IOPS per GiB: the StorageClass's ${this.iops} IOPS need at least ${Math.ceil(this.iops / GP3.maxIopsPerGiB)} GiB`);
    }
    errors.throwIfAny();

    const claim = new eks.KubernetesManifest(scope, 'Claim', {
      cluster: this.cluster,
      manifest: [{
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: options.name, namespace },
        spec: {
          accessModes: ['ReadWriteOnce'],
          storageClassName: this.storageClassName,
          resources: { requests: { storage: `${options.size.toGibibytes()}Gi` } },
        },
      }],
    });
    claim.node.addDependency(this.storageClass);
    return claim;
  }
}

/**
 * What the EBS CSI controller (or Auto Mode's cluster role) needs to create and attach volumes
 * encrypted with the key: grants for EC2 only, and the data key operations EBS performs. Actions
 * are listed one by one rather than as `kms:ReEncrypt*` / `kms:GenerateDataKey*`, which would also
 * allow key-pair generation EBS never uses.
 */
function volumeKeyStatements(key: kms.IKey): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      sid: 'GrantsForAwsResourcesOnly',
      actions: ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant'],
      resources: [key.keyArn],
      conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    }),
    new iam.PolicyStatement({
      sid: 'EncryptedVolumes',
      actions: [
        'kms:Encrypt',
        'kms:Decrypt',
        'kms:ReEncryptFrom',
        'kms:ReEncryptTo',
        'kms:GenerateDataKey',
        'kms:GenerateDataKeyWithoutPlaintext',
        'kms:DescribeKey',
      ],
      resources: [key.keyArn],
    }),
  ];
}

