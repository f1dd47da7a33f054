import * as eks from 'aws-cdk-lib/aws-eks-v2';

/**
 * A Kubernetes taint put on every node of a node group when it registers. Pods that do not
 * tolerate it are kept off (or evicted from) those nodes.
 */
export interface NodeTaint {
  /**
   * The taint key: an optional DNS-subdomain prefix and `/`, then a name of at most 63
   * characters (letters, digits, `-`, `_`, `.`, beginning and ending with a letter or digit).
   * The `kubernetes.io/` and `k8s.io/` prefixes are reserved.
   */
  readonly key: string;

  /**
   * The taint value: at most 63 characters, same characters as a name.
   *
   * @default - no value
   */
  readonly value?: string;

  /** What happens to pods that do not tolerate the taint. */
  readonly effect: eks.TaintEffect;
}
