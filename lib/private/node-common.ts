import { Size, SizeRoundingBehavior, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { IEksCluster } from '../cluster/i-eks-cluster';
import type { FargateProfileOptions } from '../compute/fargate-profile';
import type { ManagedNodeGroupOptions } from '../compute/managed-node-group';
import { NodeModeType } from '../compute/node-mode';
import type { NodeTaint } from '../compute/node-taint';
import type { SelfManagedNodesOptions } from '../compute/self-managed-nodes';
import { acknowledge } from './acknowledge';
import { checkKnownKeys, optionKeys } from './known-keys';
import { isDnsSubdomain } from './kubernetes-names';
import { PropErrors } from './prop-errors';
import { checkSpansTwoAzs, selectSubnetsOrNone } from './subnets';
import { warn } from './warnings';

// Internal helpers shared by the node constructs. Not exported from lib/index.ts.

/** The AMI types this library runs nodes on: Amazon Linux 2023 and Bottlerocket, never Amazon Linux 2. */
export const SUPPORTED_AMI_TYPES: readonly eks.NodegroupAmiType[] = [
  eks.NodegroupAmiType.AL2023_X86_64_STANDARD,
  eks.NodegroupAmiType.AL2023_ARM_64_STANDARD,
  eks.NodegroupAmiType.AL2023_X86_64_NVIDIA,
  eks.NodegroupAmiType.AL2023_ARM_64_NVIDIA,
  eks.NodegroupAmiType.AL2023_X86_64_NEURON,
  eks.NodegroupAmiType.BOTTLEROCKET_X86_64,
  eks.NodegroupAmiType.BOTTLEROCKET_ARM_64,
  eks.NodegroupAmiType.BOTTLEROCKET_X86_64_NVIDIA,
  eks.NodegroupAmiType.BOTTLEROCKET_ARM_64_NVIDIA,
  eks.NodegroupAmiType.BOTTLEROCKET_X86_64_FIPS,
  eks.NodegroupAmiType.BOTTLEROCKET_ARM_64_FIPS,
];

/** The option names of `ManagedNodeGroupOptions` (what `NodeMode.managed()` takes), to catch options of another mode. */
export const MANAGED_NODE_GROUP_OPTION_KEYS = optionKeys<ManagedNodeGroupOptions>({
  nodegroupName: true, instanceTypes: true, amiType: true, capacityType: true, minSize: true, desiredSize: true, maxSize: true,
  diskSize: true, labels: true, taints: true, maxUnavailable: true, enableNodeAutoRepair: true,
  nodeRepair: true, updateStrategy: true, warmPool: true, detailedMonitoring: true,
});

/** The option names of `SelfManagedNodesOptions` (what `NodeMode.selfManaged()` takes). */
export const SELF_MANAGED_NODES_OPTION_KEYS = optionKeys<SelfManagedNodesOptions>({
  instanceTypes: true, amiType: true, spot: true, minSize: true, desiredSize: true, maxSize: true, diskSize: true,
  labels: true, taints: true, maxBatchSize: true, drainOnTermination: true, machineImage: true,
  drainChartRepository: true, imageCache: true, detailedMonitoring: true,
});

/** The option names of `FargateProfileOptions`. */
export const FARGATE_PROFILE_OPTION_KEYS = optionKeys<FargateProfileOptions>({ selectors: true, fargateProfileName: true });

/** The default instance type: general purpose, x86_64, offered in every commercial region. */
export const DEFAULT_INSTANCE_TYPE = ec2.InstanceType.of(ec2.InstanceClass.M6I, ec2.InstanceSize.LARGE);

/** Root volume bounds: the AL2023 EKS AMI snapshot is 20 GiB; gp3 volumes end at 64 TiB (EBS, since 2025). */
export const MIN_DISK_GIB = 20;
export const MAX_DISK_GIB = 65536;

/** The CPU architecture of an AMI type, from its name. */
export function amiArchitecture(amiType: eks.NodegroupAmiType): ec2.InstanceArchitecture {
  return /ARM_64/.test(amiType) ? ec2.InstanceArchitecture.ARM_64 : ec2.InstanceArchitecture.X86_64;
}

/** Whether an AMI type is Bottlerocket (TOML settings) rather than AL2023 (nodeadm). */
export function isBottlerocket(amiType: eks.NodegroupAmiType): boolean {
  return amiType.startsWith('BOTTLEROCKET');
}

/** The architectures of the instance types that are known at synth time. */
function architecturesOf(instanceTypes: ec2.InstanceType[]): ec2.InstanceArchitecture[] {
  const archs = instanceTypes
    .filter((t) => !Token.isUnresolved(t.toString()))
    .map((t) => t.architecture);
  return [...new Set(archs)];
}

/**
 * The AMI type to use: the one given, else AL2023 standard for the instance types' architecture
 * (ARM64 for Graviton families such as m7g, c7g, t4g). Always explicit, because EKS and aws-eks-v2
 * fall back to Amazon Linux 2, which has no AMIs for Kubernetes 1.33 and later.
 */
export function resolveAmiType(amiType: eks.NodegroupAmiType | undefined, instanceTypes: ec2.InstanceType[]): eks.NodegroupAmiType {
  if (amiType !== undefined) {
    return amiType;
  }
  const archs = architecturesOf(instanceTypes);
  return archs.length === 1 && archs[0] === ec2.InstanceArchitecture.ARM_64
    ? eks.NodegroupAmiType.AL2023_ARM_64_STANDARD
    : eks.NodegroupAmiType.AL2023_X86_64_STANDARD;
}

/** Instance types: at least one, one architecture, matching the AMI type; AL2 and Windows AMI types are refused. */
export function checkInstanceTypesAndAmi(errors: PropErrors, instanceTypes: ec2.InstanceType[], amiType: eks.NodegroupAmiType,
  amiTypeGiven: boolean, allowed: readonly eks.NodegroupAmiType[] = SUPPORTED_AMI_TYPES): void {
  errors.check(instanceTypes.length >= 1, 'instanceTypes', instanceTypes.map(String), 'must list at least one instance type');
  if (!allowed.includes(amiType)) {
    const why = amiType.startsWith('AL2_')
      ? 'Amazon Linux 2 has no EKS AMIs for Kubernetes 1.33 and later'
      : 'this construct runs Linux nodes on Amazon Linux 2023 or Bottlerocket';
    errors.add('amiType', amiType, `${why}; use one of ${allowed.join(', ')}`);
    return;
  }
  const archs = architecturesOf(instanceTypes);
  if (archs.length > 1) {
    errors.add('instanceTypes', instanceTypes.map(String),
      `mixes CPU architectures (${archs.join(', ')}); one node group runs one AMI, so list instance types of one architecture`);
    return;
  }
  if (amiTypeGiven && archs.length === 1 && archs[0] !== amiArchitecture(amiType)) {
    errors.add('amiType', amiType,
      `is for ${amiArchitecture(amiType)} but instanceTypes (${instanceTypes.map(String).join(', ')}) are ${archs[0]}; pick an AMI type of the same architecture`);
  }
}

/** Scaling bounds: max >= 1, min <= desired <= max. Tokens pass. */
export function checkScaling(errors: PropErrors, minSize: number, desiredSize: number | undefined, maxSize: number, limit: number): void {
  const known = (n: number | undefined): n is number => n !== undefined && !Token.isUnresolved(n);
  if (known(minSize)) {
    errors.check(Number.isInteger(minSize) && minSize >= 0, 'minSize', minSize, 'must be a whole number of 0 or more');
  }
  if (known(maxSize)) {
    errors.check(Number.isInteger(maxSize) && maxSize >= 1 && maxSize <= limit, 'maxSize', maxSize, `must be a whole number from 1 to ${limit}`);
  }
  if (known(minSize) && known(maxSize) && minSize > maxSize) {
    errors.add('minSize', minSize, `must not exceed maxSize (${maxSize})`);
    return; // no range for desiredSize to be inside of
  }
  if (known(desiredSize)) {
    const lo = known(minSize) ? minSize : 0;
    const hi = known(maxSize) ? maxSize : limit;
    errors.check(Number.isInteger(desiredSize) && desiredSize >= lo && desiredSize <= hi, 'desiredSize', desiredSize,
      `must be a whole number within [minSize, maxSize] = [${lo}, ${hi}]`);
  }
}

/** Spot capacity needs several instance types so one pool's interruption does not take every node: distinct ones, tokens counted as distinct. */
export function checkSpot(errors: PropErrors, spot: boolean, instanceTypes: ec2.InstanceType[]): void {
  if (spot) {
    const names = instanceTypes.map(String);
    const distinct = new Set(names.filter((n) => !Token.isUnresolved(n))).size + names.filter((n) => Token.isUnresolved(n)).length;
    errors.check(distinct >= 2, 'instanceTypes', names,
      'spot capacity needs at least 2 instance types (different ones, of one architecture) so an interruption in one Spot pool does not drain every node');
  }
}

/**
 * The most instance types a node group takes: 20 for a managed node group (EKS CreateNodegroup
 * `instanceTypes`), 40 for self-managed nodes (the Auto Scaling group's launch template overrides).
 */
export const MAX_MANAGED_INSTANCE_TYPES = 20;
export const MAX_SELF_MANAGED_INSTANCE_TYPES = 40;

/**
 * The instance type list: at most `max` entries; literal unless `amiType` is given (the instance
 * types pick the AMI's architecture at synth); a warning when one is listed twice.
 */
export function checkInstanceTypeList(errors: PropErrors, scope: Construct, instanceTypes: ec2.InstanceType[], max: number, amiTypeGiven: boolean): void {
  const names = instanceTypes.map(String);
  errors.check(names.length <= max, 'instanceTypes', `${names.length} instance types`, `a node group of this kind takes at most ${max} instance types`);
  errors.check(amiTypeGiven || !names.some((n) => Token.isUnresolved(n)), 'instanceTypes', 'a token',
    'the instance types pick the AMI architecture at synth, so they must be literal; or set amiType, and the instance types may be tokens');
  const duplicates = [...new Set(names.filter((n, i) => !Token.isUnresolved(n) && names.indexOf(n) !== i))];
  if (duplicates.length > 0) {
    warn(scope, 'duplicate-instance-types', `instanceTypes lists ${duplicates.join(', ')} more than once: the copies add no capacity pool ` +
      '(on Spot, no protection from an interruption); list each instance type once');
  }
}

/** `maxUnavailable` of a managed node group: 1 to 100 nodes (EKS NodegroupUpdateConfig), and not more than the group's maxSize. Tokens pass. */
export function checkMaxUnavailable(errors: PropErrors, maxUnavailable: number, maxSize: number): void {
  if (Token.isUnresolved(maxUnavailable)) {
    return;
  }
  errors.check(Number.isInteger(maxUnavailable) && maxUnavailable >= 1 && maxUnavailable <= 100, 'maxUnavailable', maxUnavailable,
    'must be a whole number from 1 to 100');
  if (!Token.isUnresolved(maxSize)) {
    errors.check(maxUnavailable <= maxSize, 'maxUnavailable', maxUnavailable, `must not exceed maxSize (${maxSize}): EKS refuses an update configuration larger than the group`);
  }
}

/** Root volume size in GiB, checked against [MIN_DISK_GIB, MAX_DISK_GIB]. Returns the number (or token). */
export function checkDiskSize(errors: PropErrors, size: Size): number {
  const gib = size.toGibibytes({ rounding: SizeRoundingBehavior.NONE });
  if (!Token.isUnresolved(gib)) {
    errors.check(Number.isInteger(gib) && gib >= MIN_DISK_GIB && gib <= MAX_DISK_GIB, 'diskSize', `${gib} GiB`,
      `must be a whole number of GiB from ${MIN_DISK_GIB} to ${MAX_DISK_GIB}`);
  }
  return gib;
}

/** The name part of a label or taint key, and a label value: not a DNS name (upper case, `_` and `.` allowed). */
const NAME_PART = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const RESERVED_DOMAINS = ['kubernetes.io', 'k8s.io'];

/** Why a label or taint key is invalid, or undefined when Kubernetes accepts it. */
function keyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (name.length === 0 || name.length > 63 || !NAME_PART.test(name)) {
    return 'the name part must be 1 to 63 characters of letters, digits, -, _ and ., beginning and ending with a letter or digit';
  }
  if (prefix !== undefined) {
    if (!isDnsSubdomain(prefix)) {
      return 'the prefix must be a lower-case DNS subdomain of at most 253 characters';
    }
    const reserved = RESERVED_DOMAINS.find((d) => prefix === d || prefix.endsWith(`.${d}`));
    // The kubelet may set these two reserved prefixes on its own node (NodeRestriction admission).
    if (reserved && prefix !== 'node.kubernetes.io' && prefix !== 'kubelet.kubernetes.io') {
      return `the ${reserved} prefixes are reserved for Kubernetes`;
    }
  }
  return undefined;
}

function valueProblem(value: string): string | undefined {
  return value.length === 0 || (value.length <= 63 && NAME_PART.test(value))
    ? undefined
    : 'values must be at most 63 characters of letters, digits, -, _ and ., beginning and ending with a letter or digit';
}

/** Kubernetes label keys and values. Tokens pass. */
export function checkLabels(errors: PropErrors, prop: string, labels: { [key: string]: string } | undefined): void {
  for (const [key, value] of Object.entries(labels ?? {})) {
    if (!Token.isUnresolved(key)) {
      const problem = keyProblem(key);
      if (problem) {
        errors.add(`${prop} key`, key, problem);
      }
    }
    if (!Token.isUnresolved(value)) {
      const problem = valueProblem(value);
      if (problem) {
        errors.add(`${prop}['${key}']`, value, problem);
      }
    }
  }
}

const TAINT_KEYS = optionKeys<NodeTaint>({ key: true, value: true, effect: true });
const TAINT_EFFECTS: readonly string[] = [eks.TaintEffect.NO_SCHEDULE, eks.TaintEffect.PREFER_NO_SCHEDULE, eks.TaintEffect.NO_EXECUTE];

/** Taint keys, values and effects. Tokens pass. */
export function checkTaints(errors: PropErrors, taints: NodeTaint[]): void {
  errors.check(taints.length <= 50, 'taints', `${taints.length} taints`, 'a node group takes at most 50 taints');
  for (const [i, taint] of taints.entries()) {
    checkKnownKeys(errors, taint ?? {}, TAINT_KEYS, `taints[${i}]`);
    if (!Token.isUnresolved(taint.key)) {
      const problem = keyProblem(taint.key ?? '');
      if (problem) {
        errors.add('taints key', taint.key, problem);
      }
    }
    if (taint.value !== undefined && !Token.isUnresolved(taint.value)) {
      const problem = valueProblem(taint.value);
      if (problem) {
        errors.add(`taints['${taint.key}'] value`, taint.value, problem);
      }
    }
    if (!Token.isUnresolved(taint.effect)) {
      errors.check(TAINT_EFFECTS.includes(taint.effect), `taints['${taint.key}'] effect`, taint.effect,
        'must be TaintEffect.NO_SCHEDULE, PREFER_NO_SCHEDULE or NO_EXECUTE (NoSchedule, PreferNoSchedule, NoExecute)');
    }
  }
}

/** The Kubernetes spelling of a taint effect (kubelet flags, Bottlerocket settings). */
export function kubernetesTaintEffect(effect: eks.TaintEffect): string {
  switch (effect) {
    case eks.TaintEffect.PREFER_NO_SCHEDULE: return 'PreferNoSchedule';
    case eks.TaintEffect.NO_EXECUTE: return 'NoExecute';
    default: return 'NoSchedule';
  }
}

/** Subnets for nodes or Fargate pods: private, in at least 2 AZs. */
export function checkPrivateSubnets(errors: PropErrors, prop: string, vpc: ec2.IVpc, selection: ec2.SubnetSelection, what: string): ec2.ISubnet[] {
  const subnets = selectSubnetsOrNone(vpc, selection);
  const publicIds = new Set(vpc.publicSubnets.map((s) => s.subnetId));
  const pub = subnets.filter((s) => publicIds.has(s.subnetId));
  errors.check(pub.length === 0, prop, 'public subnets', `${what} must run in private subnets (no route to an internet gateway, no public IPs)`);
  checkSpansTwoAzs(errors, prop, subnets, what);
  return subnets;
}

/**
 * EC2 nodes need the VPC CNI and kube-proxy to become Ready. Fargate and Auto Mode clusters do not
 * install them (and no unmanaged copies are bootstrapped), so nodes added there would never join:
 * a node group creation that fails after about 20 minutes. Refused at synth instead.
 */
export function checkEc2NodesCanJoin(errors: PropErrors, cluster: IEksCluster): void {
  const type = cluster.nodeModeType;
  if (type === NodeModeType.FARGATE || type === NodeModeType.AUTO_MODE) {
    errors.add('cluster', `nodeModeType ${type}`,
      `EC2 nodes need the VPC CNI and kube-proxy, which a ${type} cluster does not install; choose NodeMode.managed() or NodeMode.selfManaged() and add Fargate profiles beside it`);
  }
}

const POLICY_REASONS: Record<string, string> = {
  AmazonEKSWorkerNodePolicy: 'AmazonEKSWorkerNodePolicy is the AWS managed policy EKS documents for the node role: it lets the kubelet describe the cluster and its EC2 environment; AWS keeps it in step with EKS.',
  AmazonEKS_CNI_Policy: 'AmazonEKS_CNI_Policy is attached only because attachCniPolicy was set: on a cluster without a Pod Identity role for the VPC CNI, the CNI on each node needs it to manage pod ENIs and IPs.',
  AmazonEKSWorkerNodeMinimalPolicy: 'AmazonEKSWorkerNodeMinimalPolicy is the AWS managed policy EKS documents for the Auto Mode node role: the least the kubelet needs to join the cluster.',
  AmazonEC2ContainerRegistryPullOnly: 'AmazonEC2ContainerRegistryPullOnly is the AWS managed policy the EKS node IAM role documentation names: the kubelet pulls images (the EKS add-on images among them) from ECR and can do nothing more.',
  AmazonEKSFargatePodExecutionRolePolicy: 'AmazonEKSFargatePodExecutionRolePolicy is the AWS managed policy EKS documents for the Fargate pod execution role: it pulls images from ECR for Fargate pods and nothing more.',
};

/** Attaches AWS managed policies to a role and acknowledges each cdk-nag IAM4 finding on it with its reason. */
export function attachManagedPolicies(role: iam.Role, names: string[]): void {
  for (const name of names) {
    role.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName(name));
    acknowledge(role, `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${name}]`, POLICY_REASONS[name]);
  }
}

/**
 * A node role with the AWS managed policies EKS needs: the worker node and ECR pull-only policies.
 * Not AmazonEKS_CNI_Policy unless asked: the VPC CNI gets its own Pod Identity role.
 */
export function createNodeRole(scope: Construct, id: string, attachCniPolicy: boolean, description: string): iam.Role {
  const role = new iam.Role(scope, id, {
    assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
    description,
  });
  attachManagedPolicies(role, [
    'AmazonEKSWorkerNodePolicy',
    'AmazonEC2ContainerRegistryPullOnly',
    ...(attachCniPolicy ? ['AmazonEKS_CNI_Policy'] : []),
  ]);
  return role;
}

/** The encrypted gp3 volumes of a node: the root volume, and for Bottlerocket its OS volume plus the data volume. */
export function nodeBlockDevices(amiType: eks.NodegroupAmiType, diskGib: number): ec2.BlockDevice[] {
  const volume = (size: number) => ec2.BlockDeviceVolume.ebs(size, {
    volumeType: ec2.EbsDeviceVolumeType.GP3,
    encrypted: true,
    deleteOnTermination: true,
  });
  // Bottlerocket boots from a small OS volume (/dev/xvda) and keeps images and pods on /dev/xvdb.
  return isBottlerocket(amiType)
    ? [{ deviceName: '/dev/xvda', volume: volume(4) }, { deviceName: '/dev/xvdb', volume: volume(diskGib) }]
    : [{ deviceName: '/dev/xvda', volume: volume(diskGib) }];
}
