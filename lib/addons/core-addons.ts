import { Stack, Token } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { IEksCluster } from '../cluster/i-eks-cluster';
import { NodeModeType } from '../compute/node-mode';
import { acknowledge } from '../private/acknowledge';
import { ADDON_VERSIONS, addonVersionProblem } from '../private/addon-versions';
import { checkKnownKeys, optionKeys } from '../private/known-keys';
import { claimAddon } from '../private/app-registry';
import { checkTagsAtSynth } from '../private/tag-rules';
import { podIdentityRole } from '../private/pod-identity';
import { checkIntRange, PropErrors } from '../private/prop-errors';
import { requireClusterHandle } from '../private/cluster-facts';

/** Options every core add-on takes. */
export interface CoreAddonOptions {
  /**
   * Install the add-on. Setting `true` where the node mode has no use for it (see `CoreAddons`) is
   * an error; `false` leaves it out, for example to bring another CNI or kube-proxy replacement.
   *
   * @default - true where the node mode runs the add-on, false elsewhere
   */
  readonly enabled?: boolean;

  /**
   * The add-on version, such as `v1.19.2-eksbuild.1`. Checked offline against the format and the
   * cluster's Kubernetes version (rule in docs/ADDONS.md).
   *
   * @default - the version pinned for the cluster's Kubernetes version (`AddonVersions.pinned`)
   */
  readonly addonVersion?: string;

  /**
   * Leave the version to EKS: `AddonVersion` is not set, and EKS installs its default version for
   * the cluster's Kubernetes version when the add-on is created. No pin can drift from what EKS
   * offers, but nothing moves the add-on later: a cluster version upgrade leaves it on the build it
   * got at creation until you update it. Not with `addonVersion`.
   *
   * @default false
   */
  readonly useEksDefaultVersion?: boolean;

  /**
   * Raw JSON configuration values, as `aws eks describe-addon-configuration` describes them for this
   * add-on. Merged with the typed options; a key set both ways is an error. EKS validates them
   * against the add-on's schema at deploy time.
   *
   * @default - none beyond the typed options
   */
  readonly configurationValues?: { [key: string]: any };

  /**
   * Keep the add-on's software running in the cluster when the `AWS::EKS::Addon` resource is deleted
   * (EKS stops managing it). See `CoreAddons` for the per-add-on choice.
   *
   * @default - true for vpc-cni, kube-proxy, eks-pod-identity-agent and (except on Fargate) coredns; false for metrics-server
   */
  readonly preserveOnDelete?: boolean;
}

/** Options of the VPC CNI add-on. */
export interface VpcCniOptions extends CoreAddonOptions {}

/** Options of the CoreDNS add-on. */
export interface CoreDnsOptions extends CoreAddonOptions {
  /**
   * Number of CoreDNS replicas (`replicaCount`), 1 to 50.
   *
   * @default - the add-on's default, 2
   */
  readonly replicas?: number;

  /**
   * Run CoreDNS on Fargate (`computeType: Fargate`). The cluster needs a Fargate profile that
   * selects `kube-system` pods. This is how a Fargate-only cluster runs CoreDNS without a kubectl patch.
   *
   * @default - true when the node mode is Fargate, else false
   */
  readonly scheduleOnFargate?: boolean;
}

/**
 * What to install and how, without the cluster: the options `EksCluster` can pass through.
 */
export interface CoreAddonsOptions {
  /**
   * The VPC CNI (`vpc-cni`): pod networking on nodes, with its own Pod Identity role.
   *
   * @default - installed on managed and self-managed nodes with the pinned version
   */
  readonly vpcCni?: VpcCniOptions;

  /**
   * CoreDNS (`coredns`): cluster DNS.
   *
   * @default - installed on managed and self-managed nodes and on Fargate, with the pinned version
   */
  readonly coreDns?: CoreDnsOptions;

  /**
   * kube-proxy (`kube-proxy`): Service networking rules on every node.
   *
   * @default - installed on managed and self-managed nodes with the pinned version
   */
  readonly kubeProxy?: CoreAddonOptions;

  /**
   * The EKS Pod Identity Agent (`eks-pod-identity-agent`), which hands Pod Identity credentials
   * to pods on nodes (the VPC CNI's among them).
   *
   * @default - installed on managed and self-managed nodes with the pinned version
   */
  readonly podIdentityAgent?: CoreAddonOptions;

  /**
   * The Kubernetes Metrics Server (`metrics-server`, an EKS community add-on): resource metrics for
   * `kubectl top` and the Horizontal Pod Autoscaler.
   *
   * @default - installed in every node mode with the pinned version
   */
  readonly metricsServer?: CoreAddonOptions;

  /**
   * The EKS node monitoring agent (`eks-node-monitoring-agent`): a DaemonSet that reports node
   * health (kernel, networking, storage, container runtime, accelerators) as node conditions, the
   * signals node auto repair of managed node groups acts on. No charge beyond its small footprint.
   *
   * @default - installed on managed and self-managed nodes with the pinned version
   */
  readonly nodeMonitoringAgent?: CoreAddonOptions;
}

/**
 * Props of {@link CoreAddons}.
 */
export interface CoreAddonsProps extends CoreAddonsOptions {
  /**
   * The cluster: an `EksCluster` (which installs its own `CoreAddons`), or any aws-eks-v2 cluster
   * through `EksCluster.fromCluster()`. Its node mode decides what is installed and its Kubernetes
   * version picks the pinned add-on versions.
   */
  readonly cluster: IEksCluster;
}

const PROPS_KEYS = optionKeys<CoreAddonsProps>({
  cluster: true, vpcCni: true, coreDns: true, kubeProxy: true, podIdentityAgent: true, metricsServer: true, nodeMonitoringAgent: true,
});
const ADDON_KEYS = optionKeys<CoreAddonOptions>({
  enabled: true, addonVersion: true, useEksDefaultVersion: true, configurationValues: true, preserveOnDelete: true,
});
const CORE_DNS_KEYS = optionKeys<CoreDnsOptions>({
  enabled: true, addonVersion: true, useEksDefaultVersion: true, configurationValues: true, preserveOnDelete: true,
  replicas: true, scheduleOnFargate: true,
});

/** Which add-ons each node mode runs. */
const INSTALLED_BY_MODE: Record<NodeModeType, readonly string[]> = {
  [NodeModeType.MANAGED]: ['vpc-cni', 'coredns', 'kube-proxy', 'eks-pod-identity-agent', 'metrics-server', 'eks-node-monitoring-agent'],
  [NodeModeType.SELF_MANAGED]: ['vpc-cni', 'coredns', 'kube-proxy', 'eks-pod-identity-agent', 'metrics-server', 'eks-node-monitoring-agent'],
  // Fargate runs its own CNI and kube-proxy in each pod's micro-VM, and Pod Identity does not work
  // for Fargate pods; DaemonSets never run there.
  [NodeModeType.FARGATE]: ['coredns', 'metrics-server'],
  // Auto Mode nodes have networking, kube-proxy, DNS, the Pod Identity Agent and node health monitoring built in.
  [NodeModeType.AUTO_MODE]: ['metrics-server'],
};

const MODE_LABEL: Record<NodeModeType, string> = {
  [NodeModeType.MANAGED]: 'a managed-node',
  [NodeModeType.SELF_MANAGED]: 'a self-managed-node',
  [NodeModeType.FARGATE]: 'a Fargate',
  [NodeModeType.AUTO_MODE]: 'an Auto Mode',
};

const WHY_NOT_INSTALLED: Record<NodeModeType, string> = {
  [NodeModeType.MANAGED]: '',
  [NodeModeType.SELF_MANAGED]: '',
  [NodeModeType.FARGATE]: 'Fargate pods get networking and kube-proxy from Fargate, Pod Identity does not work for Fargate pods, and DaemonSets do not run on Fargate',
  [NodeModeType.AUTO_MODE]: 'Auto Mode nodes have pod networking, kube-proxy, CoreDNS, the Pod Identity Agent and node monitoring built in',
};

/** One add-on's resolved settings. */
interface AddonPlan {
  readonly prop: string;
  readonly addonName: string;
  readonly id: string;
  readonly options: CoreAddonOptions;
  readonly knownKeys: readonly string[];
  readonly typedValues: { [key: string]: any };
  readonly preserveOnDeleteDefault: boolean;
}

/**
 * The core EKS add-ons as native `AWS::EKS::Addon` resources: the VPC CNI, CoreDNS, kube-proxy,
 * the EKS Pod Identity Agent, the Metrics Server and the EKS node monitoring agent. Versions come from one pinned table and move
 * with the cluster's Kubernetes version; each can be overridden.
 *
 * What is installed depends on the node mode:
 * - managed and self-managed nodes: all six (with the EKS node monitoring agent, whose signals node auto repair acts on);
 * - Fargate: CoreDNS (with `computeType: Fargate`) and the Metrics Server only;
 * - Auto Mode: the Metrics Server only.
 *
 * Capacity (node groups, self-managed nodes, Fargate profiles) is ordered around the add-ons:
 * CoreDNS and the Metrics Server run pods, so they wait for the cluster's capacity
 * (`cluster.waitForCapacity`); the node-level add-ons (VPC CNI, kube-proxy, Pod Identity Agent)
 * go before each piece of capacity `addCapacityDependency` is called with, which `EksCluster`
 * does for every piece registered with it.
 *
 * The VPC CNI gets its own role with `AmazonEKS_CNI_Policy` through a Pod Identity association for
 * `kube-system/aws-node`, so the node role needs no CNI permissions. Nothing here touches
 * aws-eks-v2's `Cluster.eksPodIdentityAgent` getter (nor `addServiceAccount` with Pod Identity),
 * which would create a second `eks-pod-identity-agent` add-on.
 *
 * Every add-on uses `resolveConflicts: OVERWRITE` (this code is the source of truth; it also takes
 * over self-managed copies EKS bootstrapped). The networking add-ons and CoreDNS keep their
 * software on delete so that a cluster left behind (retained, or a failed stack delete) still has
 * pod networking and DNS; on Fargate CoreDNS is removed with its add-on so that no Fargate pod
 * outlives its profile.
 */
export class CoreAddons extends Construct {
  /** The `vpc-cni` add-on, when installed. */
  public readonly vpcCni?: eks.CfnAddon;

  /** The `coredns` add-on, when installed. */
  public readonly coreDns?: eks.CfnAddon;

  /** The `kube-proxy` add-on, when installed. */
  public readonly kubeProxy?: eks.CfnAddon;

  /** The `eks-pod-identity-agent` add-on, when installed. */
  public readonly podIdentityAgent?: eks.CfnAddon;

  /** The `metrics-server` add-on, when installed. */
  public readonly metricsServer?: eks.CfnAddon;

  /** The `eks-node-monitoring-agent` add-on, when installed. */
  public readonly nodeMonitoringAgent?: eks.CfnAddon;

  /** The VPC CNI's Pod Identity role, when the VPC CNI is installed. */
  public readonly vpcCniRole?: iam.IRole;

  /** The Kubernetes version the add-on versions were picked for. */
  public readonly kubernetesVersion: string;

  /** The node mode that decided what is installed. */
  public readonly nodeModeType: NodeModeType;

  public constructor(scope: Construct, id: string, props: CoreAddonsProps) {
    super(scope, id);
    requireClusterHandle(this, 'CoreAddons', props.cluster);

    // Defaults
    const cluster = props.cluster;
    const nodeModeType = cluster.nodeModeType;
    const kubernetesVersion = cluster.kubernetesVersion.version;
    const installable = INSTALLED_BY_MODE[nodeModeType];
    const coreDnsOnFargate = props.coreDns?.scheduleOnFargate ?? nodeModeType === NodeModeType.FARGATE;
    const plans: AddonPlan[] = [
      plan('podIdentityAgent', 'eks-pod-identity-agent', 'PodIdentityAgent', props.podIdentityAgent, ADDON_KEYS, {}, true),
      plan('vpcCni', 'vpc-cni', 'VpcCni', props.vpcCni, ADDON_KEYS, {}, true),
      plan('kubeProxy', 'kube-proxy', 'KubeProxy', props.kubeProxy, ADDON_KEYS, {}, true),
      plan('coreDns', 'coredns', 'CoreDns', props.coreDns, CORE_DNS_KEYS, {
        ...(props.coreDns?.replicas !== undefined ? { replicaCount: props.coreDns.replicas } : {}),
        ...(coreDnsOnFargate ? { computeType: 'Fargate' } : {}),
      }, nodeModeType !== NodeModeType.FARGATE),
      plan('metricsServer', 'metrics-server', 'MetricsServer', props.metricsServer, ADDON_KEYS, {}, false),
      plan('nodeMonitoringAgent', 'eks-node-monitoring-agent', 'NodeMonitoringAgent', props.nodeMonitoringAgent, ADDON_KEYS, {}, false),
    ];
    const isInstalled = (p: AddonPlan) => p.options.enabled ?? installable.includes(p.addonName);

    // Validation
    const errors = new PropErrors(this, 'CoreAddons');
    checkKnownKeys(errors, props, PROPS_KEYS, 'CoreAddons');
    for (const p of plans) {
      validatePlan(errors, p, isInstalled(p), installable.includes(p.addonName), nodeModeType, kubernetesVersion);
    }
    checkIntRange(errors, 'coreDns.replicas', props.coreDns?.replicas, 1, 50);
    if (nodeModeType === NodeModeType.FARGATE && props.coreDns?.scheduleOnFargate === false) {
      errors.add('coreDns.scheduleOnFargate', false, 'a Fargate-only cluster has no nodes, so CoreDNS must run on Fargate; leave it unset');
    }
    const [agentPlan, cniPlan] = plans;
    if (isInstalled(cniPlan) && !isInstalled(agentPlan)) {
      errors.add('podIdentityAgent.enabled', false, 'the VPC CNI gets its credentials through Pod Identity, which needs the agent; keep the agent, or disable vpcCni too');
    }
    if (isInstalled(cniPlan) && cluster.cluster.ipFamily === eks.IpFamily.IP_V6) {
      errors.add('vpcCni', 'an IPv6 cluster', 'the VPC CNI role carries AmazonEKS_CNI_Policy, which is for IPv4 clusters; ' +
        'set vpcCni.enabled: false (keep the Pod Identity agent, which other Pod Identity roles need) and install the VPC CNI ' +
        'yourself with a role that has the IPv6 CNI policy (docs/ADDONS.md)');
    }
    for (const p of plans.filter(isInstalled)) {
      claimAddon(errors, this, cluster, p.addonName);
    }
    errors.throwIfAny();
    checkTagsAtSynth(this);

    // Children
    const addons: Record<string, eks.CfnAddon> = {};
    let vpcCniRole: iam.Role | undefined;
    for (const p of plans) {
      if (!isInstalled(p)) {
        continue;
      }
      let podIdentityAssociations: eks.CfnAddon.PodIdentityAssociationProperty[] | undefined;
      if (p.addonName === 'vpc-cni') {
        vpcCniRole = podIdentityRole(this, 'VpcCniRole', 'AmazonEKS_CNI_Policy', 'Pod Identity role of the VPC CNI (kube-system/aws-node)');
        podIdentityAssociations = [{ serviceAccount: 'aws-node', roleArn: vpcCniRole.roleArn }];
      }
      const values = { ...p.typedValues, ...(p.options.configurationValues ?? {}) };
      addons[p.addonName] = new eks.CfnAddon(this, p.id, {
        clusterName: cluster.clusterName,
        addonName: p.addonName,
        addonVersion: p.options.useEksDefaultVersion ? undefined : (p.options.addonVersion ?? ADDON_VERSIONS[p.addonName][kubernetesVersion]),
        resolveConflicts: 'OVERWRITE',
        preserveOnDelete: p.options.preserveOnDelete ?? p.preserveOnDeleteDefault,
        configurationValues: Object.keys(values).length > 0 ? Stack.of(this).toJsonString(values) : undefined,
        podIdentityAssociations,
      });
    }
    if (addons['vpc-cni'] && addons['eks-pod-identity-agent']) {
      // aws-node asks the agent for its credentials.
      addons['vpc-cni'].node.addDependency(addons['eks-pod-identity-agent']);
    }
    for (const deployment of [addons.coredns, addons['metrics-server']]) {
      if (deployment) {
        // Their pods need somewhere to run; on delete they go first.
        cluster.waitForCapacity(deployment);
      }
    }

    // Public fields
    this.podIdentityAgent = addons['eks-pod-identity-agent'];
    this.vpcCni = addons['vpc-cni'];
    this.kubeProxy = addons['kube-proxy'];
    this.coreDns = addons.coredns;
    this.metricsServer = addons['metrics-server'];
    this.nodeMonitoringAgent = addons['eks-node-monitoring-agent'];
    this.vpcCniRole = vpcCniRole;
    this.kubernetesVersion = kubernetesVersion;
    this.nodeModeType = nodeModeType;

    // Acknowledgements
    if (vpcCniRole) {
      acknowledge(vpcCniRole, 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonEKS_CNI_Policy]',
        'AmazonEKS_CNI_Policy is the AWS managed policy the VPC CNI documents for IPv4 clusters; it is on a role only kube-system/aws-node can assume, not on the node role.');
    }
  }

  /**
   * Orders the add-ons around the cluster's compute: the node-level add-ons (VPC CNI, kube-proxy,
   * Pod Identity Agent) are created before `capacity`, so nodes become Ready as they join, and
   * the add-ons that run as Deployments (CoreDNS, Metrics Server) after it, so their pods have
   * somewhere to run. On delete the order reverses. `EksCluster` calls it for every piece of
   * capacity registered with it; on a cluster adapted with `EksCluster.fromCluster()`, call it once
   * per node group, Auto Scaling group or Fargate profile added in this app.
   */
  public addCapacityDependency(capacity: IConstruct): void {
    for (const addon of [this.podIdentityAgent, this.vpcCni, this.kubeProxy]) {
      if (addon) {
        capacity.node.addDependency(addon);
      }
    }
    for (const addon of [this.coreDns, this.metricsServer]) {
      if (addon) {
        addon.node.addDependency(capacity);
      }
    }
  }
}

function plan(prop: string, addonName: string, id: string, options: CoreAddonOptions | undefined, knownKeys: readonly string[],
  typedValues: { [key: string]: any }, preserveOnDeleteDefault: boolean): AddonPlan {
  return { prop, addonName, id, options: options ?? {}, knownKeys, typedValues, preserveOnDeleteDefault };
}

function validatePlan(errors: PropErrors, p: AddonPlan, installed: boolean, installable: boolean,
  nodeModeType: NodeModeType, kubernetesVersion: string): void {
  const o = p.options;
  // The add-on's own options, named with their add-on (`coreDns.addonVersion`).
  const prefixed = (keys: Iterable<string>) => [...keys].map((k) => `${p.prop}.${k}`);
  checkKnownKeys(errors, Object.fromEntries(Object.entries(o).map(([k, v]) => [`${p.prop}.${k}`, v])), prefixed(p.knownKeys), `CoreAddons.${p.prop}`);
  if (o.enabled === true && !installable) {
    errors.add(`${p.prop}.enabled`, true, `${p.addonName} is not installed on ${MODE_LABEL[nodeModeType]} cluster: ${WHY_NOT_INSTALLED[nodeModeType]}`);
    return;
  }
  if (!installed) {
    const given = p.knownKeys.filter((k) => k !== 'enabled' && (o as any)[k] !== undefined);
    if (given.length > 0) {
      const why = installable ? 'it is disabled' : `it is not installed on ${MODE_LABEL[nodeModeType]} cluster (${WHY_NOT_INSTALLED[nodeModeType]})`;
      errors.add(p.prop, given.join(', '), `${p.addonName} does not accept options because ${why}; remove them`);
    }
    return;
  }
  if (o.useEksDefaultVersion === true) {
    errors.check(o.addonVersion === undefined, `${p.prop}.useEksDefaultVersion`, true,
      'leaves the version to EKS, so addonVersion cannot be set too; set one of them');
  } else if (o.addonVersion !== undefined) {
    const problem = addonVersionProblem(p.addonName, o.addonVersion, kubernetesVersion);
    if (problem) {
      errors.add(`${p.prop}.addonVersion`, o.addonVersion, problem);
    }
  } else if (ADDON_VERSIONS[p.addonName]?.[kubernetesVersion] === undefined) {
    errors.add(`${p.prop}.addonVersion`, undefined, Token.isUnresolved(kubernetesVersion)
      ? "the cluster's Kubernetes version is a token, so no version can be pinned for it: set the add-on version"
      : `nothing is pinned for ${p.addonName} on Kubernetes ${kubernetesVersion} (AddonVersions.pinned); set the add-on version, or use a supported Kubernetes version`);
  }
  if (o.configurationValues !== undefined && !Token.isUnresolved(o.configurationValues)) {
    const clashes = Object.keys(o.configurationValues).filter((k) => k in p.typedValues);
    if (clashes.length > 0) {
      errors.add(`${p.prop}.configurationValues`, clashes.join(', '), 'already set by a typed option (replicas, scheduleOnFargate); set each value one way');
    }
  }
}
