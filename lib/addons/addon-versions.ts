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

/** Add-on name to Kubernetes version to add-on version. Filled by the add-ons work (issue 5). */
export const ADDON_VERSIONS: Readonly<Record<string, Readonly<Record<string, string>>>> = {};

/** The add-on version format EKS uses, such as `v1.19.2-eksbuild.1`. */
export const ADDON_VERSION_PATTERN = /^v\d+\.\d+\.\d+(-[0-9A-Za-z.]+)?-eksbuild\.\d+$/;

/**
 * The pinned version of `addonName` for `kubernetesVersion`.
 * Throws when the table has no entry: every supported Kubernetes version must have a full row.
 */
export function pinnedAddonVersion(addonName: string, kubernetesVersion: string): string {
  const version = ADDON_VERSIONS[addonName]?.[kubernetesVersion];
  if (!version) {
    throw new Error(`No pinned version of add-on '${addonName}' for Kubernetes ${kubernetesVersion}; see lib/addons/addon-versions.ts`);
  }
  return version;
}
