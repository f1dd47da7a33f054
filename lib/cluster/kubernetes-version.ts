import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { DEFAULT_KUBERNETES_VERSION, SUPPORTED_KUBERNETES_VERSIONS } from '../private/kubernetes-versions';

/** The Kubernetes versions this library supports, for apps (jsii exports no constants). */
export class KubernetesVersions {
  /** The default version of `EksCluster`: the newest with a kubectl layer on npm (1.36). */
  public static readonly DEFAULT: eks.KubernetesVersion = DEFAULT_KUBERNETES_VERSION;

  /** The supported versions ('1.33' to '1.36'): each has a full row of pinned add-on versions. */
  public static readonly SUPPORTED: string[] = [...SUPPORTED_KUBERNETES_VERSIONS];

  private constructor() {}
}

