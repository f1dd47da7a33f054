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
  'aws-ebs-csi-driver',
  'aws-efs-csi-driver',
] as const;

/**
 * Add-on name to Kubernetes version to add-on version.
 *
 * kube-proxy and coredns are built per Kubernetes minor, so their rows differ by version; the
 * other add-ons publish one build line that is compatible with every supported Kubernetes
 * version. Sources and the refresh procedure: docs/ADDONS.md.
 */
export const ADDON_VERSIONS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'vpc-cni': {
    '1.33': 'v1.23.1-eksbuild.1',
    '1.34': 'v1.23.1-eksbuild.1',
    '1.35': 'v1.23.1-eksbuild.1',
    '1.36': 'v1.23.1-eksbuild.1',
  },
  'coredns': {
    '1.33': 'v1.12.4-eksbuild.18',
    '1.34': 'v1.13.2-eksbuild.11',
    '1.35': 'v1.14.3-eksbuild.3',
    '1.36': 'v1.14.3-eksbuild.3',
  },
  'kube-proxy': {
    '1.33': 'v1.33.10-eksbuild.13',
    '1.34': 'v1.34.6-eksbuild.13',
    '1.35': 'v1.35.3-eksbuild.13',
    '1.36': 'v1.36.0-eksbuild.14',
  },
  'eks-pod-identity-agent': {
    '1.33': 'v1.4.0-eksbuild.2',
    '1.34': 'v1.4.0-eksbuild.2',
    '1.35': 'v1.4.0-eksbuild.2',
    '1.36': 'v1.4.0-eksbuild.2',
  },
  'metrics-server': {
    '1.33': 'v0.9.0-eksbuild.11',
    '1.34': 'v0.9.0-eksbuild.11',
    '1.35': 'v0.9.0-eksbuild.11',
    '1.36': 'v0.9.0-eksbuild.11',
  },
  'aws-ebs-csi-driver': {
    '1.33': 'v1.66.0-eksbuild.1',
    '1.34': 'v1.66.0-eksbuild.1',
    '1.35': 'v1.66.0-eksbuild.1',
    '1.36': 'v1.66.0-eksbuild.1',
  },
  'aws-efs-csi-driver': {
    '1.33': 'v2.1.15-eksbuild.1',
    '1.34': 'v2.1.15-eksbuild.1',
    '1.35': 'v2.1.15-eksbuild.1',
    '1.36': 'v2.1.15-eksbuild.1',
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
