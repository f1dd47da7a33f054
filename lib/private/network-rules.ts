import { Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';
import { tryRead } from './cluster-facts';
import { PropErrors } from './prop-errors';
import { warn } from './warnings';

/**
 * Network rules where a prop meets the VPC: Availability Zone names, the pod IPs node subnets must
 * hold, and the VPC endpoints nodes in isolated subnets need.
 */

/** An Availability Zone ID such as `use1-az1` (or a Local Zone's, `use1-lax1-az1`). */
const AZ_ID = /^[a-z]{2,5}\d+(-[a-z]+\d+)?-az\d+$/;

/**
 * Availability Zone names: not AZ IDs (`use1-az1`, which EC2 refuses where a name belongs), and in
 * the stack's Region when both are literal. Token entries pass.
 */
export function checkAvailabilityZoneNames(errors: PropErrors, scope: IConstruct, prop: string, azs: string[]): void {
  const region = Stack.of(scope).region;
  for (const az of azs) {
    if (Token.isUnresolved(az)) {
      continue;
    }
    if (AZ_ID.test(az)) {
      errors.add(prop, az, "is an Availability Zone ID; give AZ names such as 'us-east-1a' (`aws ec2 describe-availability-zones` maps IDs to this account's names)");
    } else if (!Token.isUnresolved(region) && !az.startsWith(region)) {
      errors.add(prop, az, `is not an Availability Zone of the stack's Region ${region}; give names such as '${region}a'`);
    }
  }
}

/**
 * Pods a node of an instance size can run under the VPC CNI without prefix delegation, for the
 * common general-purpose, compute and memory families (m5, m6i, c6i, r6i...): ENIs x (IPv4
 * addresses per ENI - 1) + 2, from the EKS max-pods table. An estimate for other families.
 */
const PODS_BY_SIZE: Record<string, number> = {
  nano: 4, micro: 4, small: 11, medium: 17, large: 29, xlarge: 58, '2xlarge': 58, '4xlarge': 234, '8xlarge': 234,
  '9xlarge': 234, '12xlarge': 234, '16xlarge': 737, '18xlarge': 737, '24xlarge': 737, '32xlarge': 737, '48xlarge': 737, 'metal': 737,
};

/** The VPC addresses one node takes at most: its own and its pods', by the largest known instance size; undefined when none is known. */
export function addressesPerNode(instanceTypes: ec2.InstanceType[]): number | undefined {
  const pods = instanceTypes
    .map((t) => t.toString())
    .filter((t) => !Token.isUnresolved(t))
    .map((t) => PODS_BY_SIZE[t.split('.')[1]])
    .filter((n): n is number => n !== undefined);
  return pods.length === 0 ? undefined : Math.max(...pods) + 1;
}

/** The addresses a subnet offers to nodes and pods: its size less the 5 AWS reserves; undefined when its CIDR is not literal. */
export function usableAddresses(subnet: ec2.ISubnet): number | undefined {
  const cidr = tryRead(() => subnet.ipv4CidrBlock);
  if (typeof cidr !== 'string' || Token.isUnresolved(cidr)) {
    return undefined;
  }
  return 2 ** (32 - Number(cidr.split('/')[1])) - 5;
}

/**
 * Warns when the node subnets cannot hold the pod IPs of `maxSize` nodes spread evenly over them:
 * the VPC CNI gives every pod a VPC address, and a full subnet leaves pods Pending with no error at
 * deploy time. Only checked where the subnet CIDRs and instance sizes are known.
 */
export function warnPodIpsExceedSubnets(scope: IConstruct, subnets: ec2.ISubnet[], instanceTypes: ec2.InstanceType[], maxSize: number): void {
  const perNode = addressesPerNode(instanceTypes);
  if (perNode === undefined || subnets.length === 0 || Token.isUnresolved(maxSize)) {
    return;
  }
  const sizes = subnets.map(usableAddresses);
  if (sizes.some((s) => s === undefined)) {
    return;
  }
  const smallest = Math.min(...(sizes as number[]));
  const nodesPerSubnet = Math.ceil(maxSize / subnets.length);
  const needed = nodesPerSubnet * perNode;
  if (needed > smallest) {
    warn(scope, 'pod-ips-exceed-subnets', `maxSize ${maxSize} nodes over ${subnets.length} subnets is up to ${nodesPerSubnet} nodes per subnet, ` +
      `which with the VPC CNI need about ${needed} addresses (${perNode} per node for ${instanceTypes.map(String).join(', ')}), ` +
      `but the smallest node subnet has ${smallest}: pods would stay Pending once it is full; give the VPC larger private subnets, ` +
      'lower maxSize, or turn on VPC CNI prefix delegation');
  }
}

/**
 * The interface endpoints (besides the S3 endpoint) that nodes of a cluster in isolated subnets
 * need to join and run the add-ons, as the EKS private cluster requirements list them
 * (https://docs.aws.amazon.com/eks/latest/userguide/private-clusters.html): EC2 (the EKS AMIs name
 * the node through it), ECR (images), EKS Auth (Pod Identity, which the VPC CNI's role uses) and
 * STS (IRSA, which Fargate uses).
 */
export function endpointsNodesNeed(podIdentity: boolean, irsa: boolean): string[] {
  return ['ec2', 'ecr.api', 'ecr.dkr', 's3', ...(podIdentity ? ['eks-auth'] : []), ...(irsa ? ['sts'] : [])];
}

/**
 * `ecr.api` from an endpoint's resolved service name, `com.amazonaws.<region>.ecr.api`, whose Region
 * may be a `{ Ref: AWS::Region }` inside an `Fn::Join`.
 */
export function shortServiceName(resolved: unknown): string | undefined {
  let text: string | undefined;
  if (typeof resolved === 'string') {
    text = resolved;
  } else {
    const join = (resolved as { 'Fn::Join'?: [string, unknown[]] } | undefined)?.['Fn::Join'];
    text = Array.isArray(join?.[1]) ? join[1].map((part) => (typeof part === 'string' ? part : 'region')).join(join[0]) : undefined;
  }
  const match = text === undefined ? null : /^com\.amazonaws\.[^.]+\.(.+)$/.exec(text);
  return match ? match[1] : undefined;
}

/** The short service names (`ecr.api`) of every VPC endpoint of `vpc` in its stack. */
function endpointServices(vpc: ec2.IVpc): string[] {
  const stack = Stack.of(vpc);
  const vpcRef = JSON.stringify(stack.resolve(vpc.vpcId));
  const services: string[] = [];
  for (const c of stack.node.findAll()) {
    if (c instanceof ec2.CfnVPCEndpoint && JSON.stringify(stack.resolve(c.vpcId)) === vpcRef) {
      const service = shortServiceName(stack.resolve(c.serviceName));
      if (service !== undefined) {
        services.push(service);
      }
    }
  }
  return services;
}

/**
 * Warns (at synth, after every endpoint was added) when the cluster's VPC is an isolated VPC of
 * this app that lacks an endpoint nodes need: nodes would fail to join after about 20 minutes. A VPC
 * that reaches the services another way (shared endpoints over Transit Gateway) can acknowledge it.
 */
export function warnMissingPrivateEndpoints(scope: IConstruct, vpc: ec2.IVpc, needed: string[]): void {
  if (!(vpc.node.defaultChild instanceof ec2.CfnVPC)) {
    return;
  }
  const present = new Set(endpointServices(vpc));
  const missing = needed.filter((s) => !present.has(s));
  if (missing.length > 0) {
    warn(scope, 'private-cluster-endpoints', `the VPC ${vpc.node.path} has no internet route and no VPC endpoint for ${missing.join(', ')}, ` +
      'which nodes need to join and pull images (docs.aws.amazon.com/eks/latest/userguide/private-clusters.html): build it with ' +
      "CustomerVpc's privateCluster: true, add the endpoints, or acknowledge this warning if the VPC reaches them another way");
  }
}
