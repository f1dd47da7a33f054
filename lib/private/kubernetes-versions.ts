import * as eks from 'aws-cdk-lib/aws-eks-v2';

/**
 * The Kubernetes versions this library is tested with.
 *
 * Each has a row in the add-on version table and AL2023/Bottlerocket node AMIs. Amazon Linux 2
 * has no AMIs for 1.33 and later, so every supported version runs containerd on AL2023 or
 * Bottlerocket.
 */
export const SUPPORTED_KUBERNETES_VERSIONS: readonly string[] = ['1.33', '1.34', '1.35', '1.36'];

/**
 * The one place the default Kubernetes version is pinned: the newest version that has a kubectl
 * Lambda layer on npm (`@aws-cdk/lambda-layer-kubectl-v36`).
 */
export const DEFAULT_KUBERNETES_VERSION: eks.KubernetesVersion = eks.KubernetesVersion.V1_36;
