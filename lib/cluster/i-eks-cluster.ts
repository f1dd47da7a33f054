import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { FargateLogging } from '../compute/fargate-logging';
import { NodeModeType } from '../compute/node-mode';

/**
 * The one handle on an EKS cluster that every capability of this library takes as `cluster`.
 *
 * It states the facts a capability needs to wire itself right: how pods run (node mode), the
 * Kubernetes version, where nodes live, which security groups node traffic comes from, and how
 * to wait for capacity. `EksCluster` implements it; `EksCluster.fromCluster()` adapts any
 * aws-eks-v2 cluster, owned or imported, by stating the facts that cannot be read off it.
 */
export interface IEksCluster extends IConstruct {
  /** The aws-eks-v2 cluster. */
  readonly cluster: eks.ICluster;

  /** The cluster's name. */
  readonly clusterName: string;

  /** The cluster's VPC. */
  readonly vpc: ec2.IVpc;

  /** The private subnets where nodes and Fargate pods run, and where storage puts its mount targets. */
  readonly vpcSubnets: ec2.SubnetSelection;

  /** How the cluster runs pods, which decides what each capability installs. */
  readonly nodeModeType: NodeModeType;

  /** The Kubernetes version of the control plane, which picks add-on versions and node AMIs. */
  readonly kubernetesVersion: eks.KubernetesVersion;

  /**
   * The CIDR block Kubernetes Service IPs come from, which self-managed AL2023 nodes are told.
   *
   * @default - unknown (only self-managed AL2023 nodes need it, and ask for it)
   */
  readonly serviceIpv4Cidr?: string;

  /**
   * The security groups that traffic from nodes and pods comes from: the cluster security group
   * (managed nodes, Auto Mode nodes, Fargate pods) and the security groups of self-managed nodes.
   * Storage allows NFS and Lustre from exactly these.
   */
  readonly nodeSecurityGroups: ec2.ISecurityGroup[];

  /**
   * The kubectl provider, which Helm charts and Kubernetes manifests need.
   *
   * @default - none: capabilities that apply manifests refuse the cluster at synth
   */
  readonly kubectlProvider?: eks.IKubectlProvider;

  /**
   * The cluster IAM role. On Auto Mode, EKS creates EBS volumes with it.
   *
   * @default - unknown (Auto Mode block storage asks for it)
   */
  readonly clusterRole?: iam.IRole;

  /**
   * The Fargate logging of the cluster, whose log group Fargate profiles may write to.
   *
   * @default - none
   */
  readonly fargateLogging?: FargateLogging;

  /**
   * Makes `dependent` wait, on create, for the cluster's capacity and the EKS Pod Identity Agent,
   * and go first on delete: for what runs pods (add-ons with controllers, Helm charts). Capacity
   * added later to the cluster counts too. Infrastructure that runs no pods (keys, file systems,
   * roles) should not call it: it would wait for nodes for nothing.
   */
  waitForCapacity(dependent: IConstruct): void;

  /**
   * Records capacity added to the cluster (a node group, self-managed nodes, a Fargate profile),
   * which the node constructs of this library call themselves: the node-level add-ons the cluster
   * installs are created before it, what waits for capacity waits for it too, and its security
   * groups join `nodeSecurityGroups`.
   */
  registerCapacity(capacity: IConstruct, securityGroups?: ec2.ISecurityGroup[]): void;
}
