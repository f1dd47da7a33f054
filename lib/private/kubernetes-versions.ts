import * as eks from 'aws-cdk-lib/aws-eks-v2';

/**
 * The support calendar and kubectl layer of one supported Kubernetes version.
 *
 * Dates are the EKS Kubernetes release calendar's (docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html,
 * as scraped by endoflife.date products/amazon-eks.md on 2026-08-22). They are facts for the
 * docs and for `KubernetesVersions`, never compared with the clock: synth output does not depend on
 * the day it runs.
 */
export interface KubernetesVersionFacts {
  /** The minor version, such as '1.36'. */
  readonly version: string;
  /** The day the version became available on EKS (ISO date). */
  readonly released: string;
  /** The last day of standard support (ISO date). With `SupportType.STANDARD`, EKS upgrades the control plane after it. */
  readonly standardSupportEnds: string;
  /** The last day of extended support (ISO date), reached only with `SupportType.EXTENDED`, at the extended price. */
  readonly extendedSupportEnds: string;
  /** The npm package of the matching kubectl Lambda layer. */
  readonly kubectlLayerPackage: string;
}

/** Every supported version, oldest first. */
export const KUBERNETES_VERSION_TABLE: readonly KubernetesVersionFacts[] = [
  { version: '1.33', released: '2025-05-28', standardSupportEnds: '2026-07-29', extendedSupportEnds: '2027-07-29', kubectlLayerPackage: '@aws-cdk/lambda-layer-kubectl-v33' },
  { version: '1.34', released: '2025-10-06', standardSupportEnds: '2026-12-02', extendedSupportEnds: '2027-12-02', kubectlLayerPackage: '@aws-cdk/lambda-layer-kubectl-v34' },
  { version: '1.35', released: '2026-01-28', standardSupportEnds: '2027-03-27', extendedSupportEnds: '2028-03-27', kubectlLayerPackage: '@aws-cdk/lambda-layer-kubectl-v35' },
  { version: '1.36', released: '2026-06-02', standardSupportEnds: '2027-08-02', extendedSupportEnds: '2028-08-02', kubectlLayerPackage: '@aws-cdk/lambda-layer-kubectl-v36' },
];

/**
 * The day the support dates of the table were last checked: a fact of this release, not the clock,
 * so that synth output never depends on the day it runs. Refreshed with the table (docs/CLUSTER.md).
 */
export const VERSION_TABLE_AS_OF = '2026-12-01';

/**
 * The last day of standard support of `version` when it lies before {@link VERSION_TABLE_AS_OF},
 * else undefined (a version still in standard support, or one the table does not know).
 */
export function standardSupportEndedBeforeTable(version: string): string | undefined {
  const ends = kubernetesVersionFacts(version)?.standardSupportEnds;
  return ends !== undefined && ends < VERSION_TABLE_AS_OF ? ends : undefined;
}

/**
 * The Kubernetes versions this library is tested with.
 *
 * Each has a row in the add-on version table and AL2023/Bottlerocket node AMIs. Amazon Linux 2
 * has no AMIs for 1.33 and later, so every supported version runs containerd on AL2023 or
 * Bottlerocket.
 */
export const SUPPORTED_KUBERNETES_VERSIONS: readonly string[] = KUBERNETES_VERSION_TABLE.map((row) => row.version);

/** The facts of a supported version, or undefined. */
export function kubernetesVersionFacts(version: string): KubernetesVersionFacts | undefined {
  return KUBERNETES_VERSION_TABLE.find((row) => row.version === version);
}

/**
 * The one place the default Kubernetes version is pinned: the newest version that has a kubectl
 * Lambda layer on npm (`@aws-cdk/lambda-layer-kubectl-v36`).
 */
export const DEFAULT_KUBERNETES_VERSION: eks.KubernetesVersion = eks.KubernetesVersion.V1_36;
