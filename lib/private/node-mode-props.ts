import * as eks from 'aws-cdk-lib/aws-eks-v2';

/**
 * The `eks.Cluster` props a node mode decides, which `EksCluster` spreads into the cluster it
 * creates. Internal: `NodeMode._prepareCluster()` returns it.
 */
export interface NodeModeClusterProps {
  /** Auto Mode or no default capacity. */
  readonly defaultCapacityType: eks.DefaultCapacityType;
  /**
   * Default capacity; 0 as the mode adds its own.
   * @default - none (Auto Mode)
   */
  readonly defaultCapacity?: number;
  /**
   * Auto Mode's node pools and node role.
   * @default - none
   */
  readonly compute?: eks.ComputeConfig;
  /**
   * Whether EKS installs unmanaged vpc-cni, kube-proxy and CoreDNS.
   * @default - EKS's default
   */
  readonly bootstrapSelfManagedAddons?: boolean;
}
