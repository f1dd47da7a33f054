import { Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, DependencyGroup, IConstruct } from 'constructs';
import type { EksClusterAttributes } from '../cluster/eks-cluster';
import type { IEksCluster } from '../cluster/i-eks-cluster';
import { NodeModeType } from '../compute/node-mode';
import { readableAutoMode, readableKubernetesVersion, readableServiceIpv4Cidr, tryClusterSecurityGroup, tryRead } from './cluster-facts';
import { checkKnownKeys, optionKeys } from './known-keys';
import { PropErrors } from './prop-errors';
import { privateSubnetSelection } from './subnets';

const ATTRIBUTE_KEYS = optionKeys<EksClusterAttributes>({
  cluster: true, nodeModeType: true, kubernetesVersion: true, vpcSubnets: true, serviceIpv4Cidr: true,
  nodeSecurityGroups: true, clusterRole: true, capacity: true,
});

const NODE_MODE_TYPES: readonly string[] = Object.values(NodeModeType);

/**
 * An aws-eks-v2 cluster, owned or imported, with the facts stated that cannot be read off it.
 * Every fact that can be read is read, and a stated fact that contradicts it is refused.
 * @internal
 */
export class _ImportedEksCluster extends Construct implements IEksCluster {
  public readonly cluster: eks.ICluster;
  public readonly clusterName: string;
  public readonly vpc: ec2.IVpc;
  public readonly vpcSubnets: ec2.SubnetSelection;
  public readonly nodeModeType: NodeModeType;
  public readonly kubernetesVersion: eks.KubernetesVersion;
  public readonly serviceIpv4Cidr?: string;
  public readonly nodeSecurityGroups: ec2.ISecurityGroup[];
  public readonly kubectlProvider?: eks.IKubectlProvider;
  public readonly clusterRole?: iam.IRole;
  private readonly capacity = new DependencyGroup();

  public constructor(scope: Construct, id: string, attrs: EksClusterAttributes) {
    super(scope, id);
    const cluster = attrs.cluster;

    // Defaults: what can be read off the cluster
    const readVersion = readableKubernetesVersion(cluster);
    const readAutoMode = readableAutoMode(cluster);
    const readServiceCidr = readableServiceIpv4Cidr(cluster);
    const readRole = cluster instanceof eks.Cluster ? cluster.role : undefined;
    const vpc = tryRead(() => cluster.vpc);
    const clusterSecurityGroup = tryClusterSecurityGroup(cluster);
    const version = attrs.kubernetesVersion?.version ?? readVersion;
    const nodeSecurityGroups = attrs.nodeSecurityGroups ?? (clusterSecurityGroup ? [clusterSecurityGroup] : []);

    // Validation: every missing fact named, every contradiction refused
    const errors = new PropErrors(this, 'EksCluster.fromCluster');
    checkKnownKeys(errors, attrs, ATTRIBUTE_KEYS, 'EksCluster.fromCluster()');
    const modeGiven = attrs.nodeModeType as string | undefined;
    if (modeGiven === undefined || !NODE_MODE_TYPES.includes(modeGiven)) {
      errors.add('nodeModeType', modeGiven, `is required and cannot be read off an aws-eks-v2 cluster; one of ${NODE_MODE_TYPES.join(', ')}`);
    } else if (readAutoMode !== undefined && readAutoMode !== (modeGiven === NodeModeType.AUTO_MODE)) {
      errors.add('nodeModeType', modeGiven, readAutoMode
        ? `the cluster has Auto Mode compute turned on: state ${NodeModeType.AUTO_MODE}`
        : `the cluster does not have Auto Mode compute turned on: state how its pods run (${NODE_MODE_TYPES.filter((t) => t !== NodeModeType.AUTO_MODE).join(', ')})`);
    }
    if (version === undefined) {
      errors.add('kubernetesVersion', undefined, "is required for a cluster whose version cannot be read (an imported cluster): state the cluster's Kubernetes version");
    } else if (attrs.kubernetesVersion !== undefined && readVersion !== undefined && !Token.isUnresolved(attrs.kubernetesVersion.version)
      && attrs.kubernetesVersion.version !== readVersion) {
      errors.add('kubernetesVersion', attrs.kubernetesVersion.version, `the cluster is created with Kubernetes ${readVersion}: state ${readVersion} or leave it unset`);
    }
    if (attrs.serviceIpv4Cidr !== undefined && readServiceCidr !== undefined && !Token.isUnresolved(attrs.serviceIpv4Cidr)
      && attrs.serviceIpv4Cidr !== readServiceCidr) {
      errors.add('serviceIpv4Cidr', attrs.serviceIpv4Cidr, `the cluster's service CIDR is ${readServiceCidr}: state it or leave it unset`);
    }
    if (attrs.clusterRole !== undefined && readRole !== undefined && attrs.clusterRole.node.path !== readRole.node.path) {
      errors.add('clusterRole', attrs.clusterRole.node.path, `the cluster's role is ${readRole.node.path}: leave it unset`);
    }
    errors.check(vpc !== undefined, 'cluster', cluster.node.path,
      'an imported cluster needs its `vpc`: pass it to eks.Cluster.fromClusterAttributes');
    errors.check(nodeSecurityGroups.length > 0, 'nodeSecurityGroups', undefined,
      'the cluster has no readable cluster security group (import it with clusterSecurityGroupId), so state the security groups node traffic comes from');
    if (modeGiven === NodeModeType.SELF_MANAGED) {
      errors.check(attrs.nodeSecurityGroups !== undefined, 'nodeSecurityGroups', undefined,
        "self-managed nodes carry their own security group, not only the cluster's: state every security group node traffic comes from");
    }
    errors.throwIfAny();

    // Public fields
    this.cluster = cluster;
    this.clusterName = cluster.clusterName;
    this.vpc = vpc!;
    this.vpcSubnets = attrs.vpcSubnets ?? privateSubnetSelection(vpc!);
    this.nodeModeType = attrs.nodeModeType;
    this.kubernetesVersion = attrs.kubernetesVersion ?? eks.KubernetesVersion.of(version!);
    this.serviceIpv4Cidr = attrs.serviceIpv4Cidr ?? readServiceCidr;
    this.nodeSecurityGroups = [...nodeSecurityGroups];
    this.kubectlProvider = cluster.kubectlProvider;
    this.clusterRole = attrs.clusterRole ?? readRole;
    this.capacity.add(...(attrs.capacity ?? []));
  }

  public waitForCapacity(dependent: IConstruct): void {
    dependent.node.addDependency(this.capacity);
  }

  public registerCapacity(capacity: IConstruct, securityGroups: ec2.ISecurityGroup[] = []): void {
    this.capacity.add(capacity);
    for (const group of securityGroups) {
      if (!this.nodeSecurityGroups.includes(group)) {
        this.nodeSecurityGroups.push(group);
      }
    }
  }
}
