export * from './network/customer-vpc';
export * from './cluster/kubernetes-version';
export * from './cluster/eks-cluster';
export * from './compute/node-mode';
