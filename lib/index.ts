export * from './network/customer-vpc';
// Files that also hold internal constants export their public classes by name.
export { KubernetesVersions } from './cluster/kubernetes-version';
export * from './cluster/eks-cluster';
export * from './compute/node-mode';
export * from './storage/reclaim-policy';
export * from './storage/ebs-csi-storage';
export * from './storage/efs-csi-storage';
export * from './compute/node-taint';
export * from './compute/managed-node-group';
export * from './compute/self-managed-nodes';
export * from './compute/fargate-profile';
export * from './compute/fargate-logging';
export { AddonVersions } from './addons/addon-versions';
export * from './addons/core-addons';
export * from './ingress/alb-ingress';
export * from './storage/fsx-lustre-csi-storage';
export * from './cluster/workload-role';
