import { Token } from 'aws-cdk-lib';

/**
 * The one table of EKS add-on versions this library pins, per Kubernetes version.
 *
 * Pinned so synth is deterministic and needs no AWS call. Changing the cluster's Kubernetes
 * version moves every add-on with it. Where the numbers come from and how to refresh them:
 * docs/ADDONS.md.
 */

/** The EKS add-ons whose versions this library pins. */
export const PINNED_ADDONS = [
  'vpc-cni',
  'coredns',
  'kube-proxy',
  'eks-pod-identity-agent',
  'metrics-server',
  'eks-node-monitoring-agent',
  'aws-ebs-csi-driver',
  'aws-efs-csi-driver',
] as const;

/**
 * Add-on name to Kubernetes version to add-on version.
 *
 * kube-proxy and coredns are built per Kubernetes minor, so their rows differ by version; the
 * other add-ons publish one build line that is compatible with every supported Kubernetes
 * version. Each row names its evidence (re-derived 2026-08/09; no AWS account was available, so
 * none is from `aws eks describe-addon-versions` directly). `scripts/refresh-addon-versions.sh`
 * checks every row against that call where credentials exist: run it before each release
 * (docs/RELEASING.md). Sources and the refresh procedure: docs/ADDONS.md.
 */
export const ADDON_VERSIONS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  // Evidence: installed by EKS on a 1.36 cluster on 2026-09-24 (public describe-addon inventory);
  // a second public listing shows v1.23.1-eksbuild.1 offered as an update on 1.36. One build line
  // for every Kubernetes version (the user guide's table lists one build for 1.31-1.36).
  'vpc-cni': {
    '1.33': 'v1.23.1-eksbuild.1',
    '1.34': 'v1.23.1-eksbuild.1',
    '1.35': 'v1.23.1-eksbuild.1',
    '1.36': 'v1.23.1-eksbuild.1',
  },
  // Evidence: the EKS user guide's CoreDNS table (managing-coredns, as quoted on 2026-08-20):
  // 1.33 v1.12.4-eksbuild.18, 1.34 v1.13.2-eksbuild.11, 1.35 and 1.36 v1.14.3-eksbuild.3.
  'coredns': {
    '1.33': 'v1.12.4-eksbuild.18',
    '1.34': 'v1.13.2-eksbuild.11',
    '1.35': 'v1.14.3-eksbuild.3',
    '1.36': 'v1.14.3-eksbuild.3',
  },
  // Evidence: the EKS user guide's kube-proxy table (managing-kube-proxy, as quoted on 2026-08-20).
  'kube-proxy': {
    '1.33': 'v1.33.10-eksbuild.13',
    '1.34': 'v1.34.6-eksbuild.13',
    '1.35': 'v1.35.3-eksbuild.13',
    '1.36': 'v1.36.0-eksbuild.14',
  },
  // Evidence: installed by EKS on a 1.36 cluster on 2026-09-24 (public describe-addon inventory);
  // public Terraform pins use it on 1.35 and 1.36 clusters.
  'eks-pod-identity-agent': {
    '1.33': 'v1.4.0-eksbuild.2',
    '1.34': 'v1.4.0-eksbuild.2',
    '1.35': 'v1.4.0-eksbuild.2',
    '1.36': 'v1.4.0-eksbuild.2',
  },
  // Evidence: installed by EKS on a 1.36 cluster on 2026-09-24 (public describe-addon inventory);
  // public pins on 1.34 and 1.36 clusters, one "verified compatible with EKS 1.36 in eu-central-1 on 2026-10-06".
  'metrics-server': {
    '1.33': 'v0.9.0-eksbuild.11',
    '1.34': 'v0.9.0-eksbuild.11',
    '1.35': 'v0.9.0-eksbuild.11',
    '1.36': 'v0.9.0-eksbuild.11',
  },
  // Evidence: upstream aws/eks-node-monitoring-agent tagged v1.7.0 in Aug 2026; public Terraform
  // pins use v1.7.0-eksbuild.1 on a 1.35 cluster and v1.7.2-eksbuild.1 on a 1.36 cluster. One
  // build line serves every Kubernetes version (earlier lines were pinned on 1.32 and 1.33 alike).
  'eks-node-monitoring-agent': {
    '1.33': 'v1.7.0-eksbuild.1',
    '1.34': 'v1.7.0-eksbuild.1',
    '1.35': 'v1.7.0-eksbuild.1',
    '1.36': 'v1.7.0-eksbuild.1',
  },
  // Evidence: the add-on versions EKS ran on a Kubernetes 1.36 cluster on 2026-09-24 (an
  // `aws eks describe-addon` inventory published in a public repository; same source for the
  // vpc-cni, eks-pod-identity-agent and metrics-server rows), and a public pin on a 1.34 cluster.
  'aws-ebs-csi-driver': {
    '1.33': 'v1.66.0-eksbuild.1',
    '1.34': 'v1.66.0-eksbuild.1',
    '1.35': 'v1.66.0-eksbuild.1',
    '1.36': 'v1.66.0-eksbuild.1',
  },
  // Evidence: upstream moved to 3.x (v3.0.0 in April 2026, v3.4.1 tagged 2026-07); public pins use
  // v3.4.1-eksbuild.1 on 1.31 and on 1.35/1.36 clusters. The former 2.x pin (v2.1.15-eksbuild.1)
  // had no public evidence for 1.33-1.36.
  'aws-efs-csi-driver': {
    '1.33': 'v3.4.1-eksbuild.1',
    '1.34': 'v3.4.1-eksbuild.1',
    '1.35': 'v3.4.1-eksbuild.1',
    '1.36': 'v3.4.1-eksbuild.1',
  },
};

/** The add-on version format EKS uses, such as `v1.19.2-eksbuild.1`. */
export const ADDON_VERSION_PATTERN = /^v\d+\.\d+\.\d+(-[0-9A-Za-z.]+)?-eksbuild\.\d+$/;

/**
 * The pinned version of `addonName` for `kubernetesVersion`.
 * Throws when the table has no entry: every supported Kubernetes version must have a full row.
 */
export function pinnedAddonVersion(addonName: string, kubernetesVersion: string): string {
  const version = ADDON_VERSIONS[addonName]?.[kubernetesVersion];
  if (!version) {
    throw new Error(`No pinned version of add-on '${addonName}' for Kubernetes ${kubernetesVersion}; see lib/private/addon-versions.ts`);
  }
  return version;
}

/** `[major, minor]` of an add-on version such as `v1.19.2-eksbuild.1`. */
function majorMinor(version: string): [number, number] {
  const [major, minor] = version.slice(1).split('.').map(Number);
  return [major, minor];
}

/**
 * Why `version` cannot be `addonName`'s version on Kubernetes `kubernetesVersion`, or undefined
 * when it can (as far as can be told offline). Tokens always pass. The rule, documented in
 * docs/ADDONS.md:
 *
 * - every add-on: the EKS format `v<major>.<minor>.<patch>[-<pre>]-eksbuild.<n>`, and the same
 *   major as the table's pin (a new major changes configuration schemas and IAM needs, so it comes
 *   with a table refresh);
 * - kube-proxy: built per Kubernetes minor, so `v<major>.<minor>` must equal the cluster's version;
 * - coredns: built per Kubernetes minor line, so it must not be older than the line the table pins
 *   for this Kubernetes version (the typical leftover override after a cluster upgrade).
 */
export function addonVersionProblem(addonName: string, version: string, kubernetesVersion: string): string | undefined {
  if (Token.isUnresolved(version) || Token.isUnresolved(kubernetesVersion)) {
    return undefined;
  }
  if (!ADDON_VERSION_PATTERN.test(version)) {
    return `must be an EKS add-on version such as 'v1.19.2-eksbuild.1' (v<major>.<minor>.<patch>-eksbuild.<build>)`;
  }
  const pinned = ADDON_VERSIONS[addonName]?.[kubernetesVersion];
  const [major, minor] = majorMinor(version);
  if (addonName === 'kube-proxy' && `${major}.${minor}` !== kubernetesVersion) {
    return `kube-proxy is built per Kubernetes minor: on Kubernetes ${kubernetesVersion} it must be v${kubernetesVersion}.<patch>-eksbuild.<build>` +
      (pinned ? ` (pinned: ${pinned})` : '');
  }
  if (!pinned) {
    return undefined;
  }
  const [pinnedMajor, pinnedMinor] = majorMinor(pinned);
  if (major !== pinnedMajor) {
    return `is major version v${major}, but ${addonName} on Kubernetes ${kubernetesVersion} is on v${pinnedMajor} (pinned: ${pinned}); refresh lib/private/addon-versions.ts to move majors`;
  }
  if (addonName === 'coredns' && minor < pinnedMinor) {
    return `is older than the v${pinnedMajor}.${pinnedMinor} line EKS publishes CoreDNS on for Kubernetes ${kubernetesVersion} (pinned: ${pinned})`;
  }
  return undefined;
}
