export * from './network/customer-vpc';
export * from './cluster/kubernetes-version';
export * from './cluster/eks-cluster';
export * from './compute/node-mode';
export * from './storage/reclaim-policy';
export * from './storage/ebs-csi-storage';
export * from './storage/efs-csi-storage';
