import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { DEFAULT_KUBERNETES_VERSION, kubernetesVersionFacts, SUPPORTED_KUBERNETES_VERSIONS } from '../private/kubernetes-versions';

/** The Kubernetes versions this library supports, for apps (jsii exports no constants). */
export class KubernetesVersions {
  /** The default version of `EksCluster`: the newest with a kubectl layer on npm (1.36). */
  public static readonly DEFAULT: eks.KubernetesVersion = DEFAULT_KUBERNETES_VERSION;

  /** The supported versions ('1.33' to '1.36'): each has a full row of pinned add-on versions. */
  public static readonly SUPPORTED: string[] = [...SUPPORTED_KUBERNETES_VERSIONS];

  /**
   * The last day of EKS standard support of `version` (an ISO date such as '2027-08-02'), from the
   * EKS release calendar. After it, a cluster with `SupportType.STANDARD` is upgraded by EKS; one
   * with `SupportType.EXTENDED` enters extended support at the extended price. Throws for an
   * unsupported version.
   */
  public static standardSupportEnds(version: string): string {
    return factsOf(version).standardSupportEnds;
  }

  /** The last day of EKS extended support of `version` (an ISO date). Throws for an unsupported version. */
  public static extendedSupportEnds(version: string): string {
    return factsOf(version).extendedSupportEnds;
  }

  /** The npm package of the kubectl Lambda layer for `version`, such as `@aws-cdk/lambda-layer-kubectl-v36`. Throws for an unsupported version. */
  public static kubectlLayerPackage(version: string): string {
    return factsOf(version).kubectlLayerPackage;
  }

  private constructor() {}
}

function factsOf(version: string) {
  const facts = kubernetesVersionFacts(version);
  if (!facts) {
    throw new Error(`Kubernetes ${version} is not supported; supported: ${SUPPORTED_KUBERNETES_VERSIONS.join(', ')}`);
  }
  return facts;
}
