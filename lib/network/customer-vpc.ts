import { Fn, RemovalPolicy, Stack, Tags, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledgeControlTower, acknowledgeInPacks, HIPAA, NIST, PCI } from '../private/acknowledge';
import { isIpv4Cidr } from '../private/cidr';
import { checkKnownKeys, optionKeys } from '../private/known-keys';
import { checkIntRange, PropErrors } from '../private/prop-errors';
import { interfaceService, PRIVATE_CLUSTER_ENDPOINTS } from '../private/endpoints';
import { applyRemovalPolicyUnder, warnIfDestroyed } from '../private/lifecycle';
import { logsEncryptionKey } from '../private/logs-key';
import { checkEncryptionKey } from '../private/kms-rules';
import { checkAvailabilityZoneNames } from '../private/network-rules';
import { checkTagsAtSynth } from '../private/tag-rules';
import { checkSpansTwoAzs, INTERNAL_ELB_TAG, isIsolatedOnly, PUBLIC_ELB_TAG } from '../private/subnets';

/**
 * Props of {@link CustomerVpc}.
 */
export interface CustomerVpcProps {
  /**
   * An existing VPC to use instead of creating one. It must offer private (or, for a private
   * cluster, isolated) subnets in at least 2 Availability Zones. When set, no VPC props may be
   * given.
   *
   * @default - a new VPC is created
   */
  readonly vpc?: ec2.IVpc;

  /**
   * How many Availability Zones the new VPC spans. EKS needs at least 2.
   *
   * @default 3
   */
  readonly maxAzs?: number;

  /**
   * The Availability Zones of the new VPC, to pin them by name (some AZs, such as use1-az3, do
   * not host EKS control planes). Overrides `maxAzs`.
   *
   * @default - the first `maxAzs` zones of the stack's region, resolved at deploy time with
   * `Fn::GetAZs`, so synth needs no lookup and no credentials
   */
  readonly availabilityZones?: string[];

  /**
   * The IPv4 CIDR block of the new VPC. Pods get VPC addresses through the VPC CNI, so keep it large.
   *
   * @default '10.0.0.0/16'
   */
  readonly cidr?: string;

  /**
   * How many NAT gateways the new VPC gets. One per AZ keeps each AZ's egress independent of the
   * others; 1 saves about two thirds of the NAT cost at the price of a single point of failure.
   * Ignored (must be unset) for a private cluster, which has no NAT.
   *
   * @default - one per Availability Zone
   */
  readonly natGateways?: number;

  /**
   * Build a VPC for a private cluster: isolated subnets only, no internet or NAT gateway, and the
   * VPC endpoints that nodes, the EKS add-ons and the controllers need to work with no internet.
   * `EksCluster` forces its endpoint private on such a VPC.
   *
   * @default false
   */
  readonly privateCluster?: boolean;

  /**
   * Interface endpoints a private cluster gets beyond the ones its components call (for example
   * `InterfaceVpcEndpointAwsService.SSM`, `SSM_MESSAGES` and `EC2_MESSAGES` for Session Manager, or
   * `AUTOSCALING` for Cluster Autoscaler). Same subnets, security group and private DNS as the others.
   * Only with `privateCluster: true`.
   *
   * @default - none: only what the cluster, its add-ons, storage, ingress and kubectl provider call
   */
  readonly additionalInterfaceEndpoints?: ec2.InterfaceVpcEndpointAwsService[];

  /**
   * Retention of the VPC flow log group.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly flowLogRetention?: logs.RetentionDays;

  /**
   * KMS key that encrypts the flow log group. Its key policy must let CloudWatch Logs use it.
   *
   * @default - a new key with rotation on
   */
  readonly flowLogEncryptionKey?: kms.IKey;

  /**
   * What happens to the network and its flow logs when they leave the stack: the VPC, its subnets,
   * route tables, routes, internet and NAT gateways, Elastic IPs and VPC endpoints, and the flow log
   * group and its key. Retained by default, like the cluster, so that a cluster kept by a
   * `cdk destroy` keeps its subnets (a subnet with the control plane's network interfaces in it
   * cannot be deleted anyway). Only the flow log itself, its IAM role and the custom resource that
   * restricts the default security group are deleted. See docs/LIFECYCLE.md.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

const PROPS_KEYS = optionKeys<CustomerVpcProps>({
  vpc: true, maxAzs: true, availabilityZones: true, cidr: true, natGateways: true, privateCluster: true, additionalInterfaceEndpoints: true,
  flowLogRetention: true, flowLogEncryptionKey: true, removalPolicy: true,
});

/**
 * The customer-managed VPC of the EKS architecture.
 *
 * EKS runs in two VPCs: AWS's own, where the control plane lives (it never appears in a
 * template), and this one, where nodes, Fargate pods, load balancers, EFS mount targets and the
 * control plane's network interfaces live. By default it has a public and a private subnet in
 * each of 3 AZs, one NAT gateway per AZ, the subnet tags EKS load balancing needs, flow logs to
 * an encrypted log group, and a default security group that allows nothing.
 */
export class CustomerVpc extends Construct {
  /** The subnet tag that marks public subnets for internet-facing load balancers. */
  public static readonly PUBLIC_ELB_TAG = PUBLIC_ELB_TAG;

  /** The subnet tag that marks private subnets for internal load balancers. */
  public static readonly INTERNAL_ELB_TAG = INTERNAL_ELB_TAG;

  /** The VPC, created or given. */
  public readonly vpc: ec2.IVpc;

  /** Whether the VPC is built for a private cluster (isolated subnets, VPC endpoints, no NAT). */
  public readonly privateCluster: boolean;

  /** The subnets where nodes, Fargate pods and the control plane's ENIs go. */
  public readonly vpcSubnets: ec2.SubnetSelection;

  /** The flow log group; undefined for a VPC that was given. */
  public readonly flowLogGroup?: logs.ILogGroup;

  /** The key that encrypts the flow log group; undefined for a VPC that was given. */
  public readonly flowLogEncryptionKey?: kms.IKey;

  public constructor(scope: Construct, id: string, props: CustomerVpcProps = {}) {
    super(scope, id);

    // Defaults
    const privateCluster = props.privateCluster ?? false;
    const maxAzs = props.maxAzs ?? 3;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    // Validation
    const errors = new PropErrors(this, 'CustomerVpc');
    checkKnownKeys(errors, props, PROPS_KEYS, 'CustomerVpc');
    if (props.vpc) {
      const given = (['maxAzs', 'availabilityZones', 'cidr', 'natGateways', 'privateCluster', 'additionalInterfaceEndpoints', 'flowLogRetention', 'flowLogEncryptionKey'] as const)
        .filter((p) => props[p] !== undefined);
      errors.check(given.length === 0, 'vpc', 'an existing VPC', `cannot be combined with props that create a VPC (${given.join(', ')}); pass one or the other`);
      checkExistingVpc(errors, props.vpc);
    } else {
      // These decide the subnet layout at synth, so a token cannot work.
      for (const prop of ['maxAzs', 'natGateways', 'cidr', 'availabilityZones'] as const) {
        errors.check(!Token.isUnresolved(props[prop]), prop, 'a token', `lays out the subnets at synth, so it must be a literal value${
          prop === 'availabilityZones' ? ' (a list of names; each name may be a token such as Fn.select(0, Fn.getAzs()))' : ''}`);
      }
      checkIntRange(errors, 'maxAzs', props.maxAzs, 2, 6);
      if (props.availabilityZones && !Token.isUnresolved(props.availabilityZones)) {
        const azs = props.availabilityZones;
        errors.check(azs.length >= 2, 'availabilityZones', azs, 'EKS needs subnets in at least 2 Availability Zones');
        errors.check(new Set(azs).size === azs.length, 'availabilityZones', azs, 'each Availability Zone may be listed once');
        checkAvailabilityZoneNames(errors, this, 'availabilityZones', azs);
      }
      checkEncryptionKey(errors, this, 'flowLogEncryptionKey', props.flowLogEncryptionKey);
      if (props.cidr !== undefined && !Token.isUnresolved(props.cidr)) {
        const prefix = Number(props.cidr.split('/')[1]);
        errors.check(isIpv4Cidr(props.cidr) && prefix >= 16 && prefix <= 20, 'cidr', props.cidr, 'must be an IPv4 CIDR block from /16 to /20 (pods take VPC addresses)');
      }
      const azCount = props.availabilityZones?.length ?? maxAzs;
      if (privateCluster) {
        errors.check(props.natGateways === undefined, 'natGateways', props.natGateways, 'a private cluster has no NAT gateways; leave it unset');
      } else if (!Token.isUnresolved(azCount)) {
        checkIntRange(errors, 'natGateways', props.natGateways, 1, azCount);
        errors.check(props.additionalInterfaceEndpoints === undefined, 'additionalInterfaceEndpoints', 'endpoints',
          'only a private cluster (privateCluster: true) gets VPC endpoints; set privateCluster, or add endpoints to the VPC yourself');
      }
    }
    errors.throwIfAny();
    checkTagsAtSynth(this);

    this.privateCluster = props.vpc ? isIsolatedOnly(props.vpc) : privateCluster;
    this.vpcSubnets = { subnetType: this.privateCluster ? ec2.SubnetType.PRIVATE_ISOLATED : ec2.SubnetType.PRIVATE_WITH_EGRESS };

    if (props.vpc) {
      this.vpc = props.vpc;
      return;
    }

    // Children
    const azs = props.availabilityZones ?? Array.from({ length: maxAzs }, (_, i) => Fn.select(i, Fn.getAzs()));
    // Subnet sizes follow the VPC's: private subnets an eighth of it each (pods take VPC addresses),
    // public ones a 256th (load balancers and NAT only): /19 and /24 in a /16, up to 6 AZs.
    const cidr = props.cidr ?? '10.0.0.0/16';
    const prefix = Token.isUnresolved(cidr) ? 16 : Number(cidr.split('/')[1]);
    const subnetConfiguration: ec2.SubnetConfiguration[] = privateCluster
      ? [{ name: 'Private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: prefix + 3 }]
      : [
        { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: prefix + 8, mapPublicIpOnLaunch: false },
        { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: prefix + 3 },
      ];

    const flowLogEncryptionKey = logsEncryptionKey(this, 'FlowLogKey', props.flowLogEncryptionKey,
      `Encrypts the VPC flow logs of ${this.node.path}`, removalPolicy);
    const flowLogGroup = new logs.LogGroup(this, 'FlowLogGroup', {
      retention: props.flowLogRetention ?? logs.RetentionDays.ONE_YEAR,
      encryptionKey: flowLogEncryptionKey,
      removalPolicy,
    });

    const vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(cidr),
      availabilityZones: azs,
      natGateways: privateCluster ? 0 : (props.natGateways ?? azs.length),
      subnetConfiguration,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      restrictDefaultSecurityGroup: true,
      flowLogs: {
        All: { destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogGroup), trafficType: ec2.FlowLogTrafficType.ALL },
      },
    });

    for (const subnet of vpc.publicSubnets) {
      Tags.of(subnet).add(PUBLIC_ELB_TAG, '1');
    }
    for (const subnet of [...vpc.privateSubnets, ...vpc.isolatedSubnets]) {
      Tags.of(subnet).add(INTERNAL_ELB_TAG, '1');
    }

    if (privateCluster) {
      addPrivateClusterEndpoints(vpc, cidr, props.additionalInterfaceEndpoints ?? []);
    }
    acknowledgeVpc(vpc);

    // The network outlives a retained cluster: everything but what only serves the stack itself.
    applyRemovalPolicyUnder(vpc, removalPolicy, (r) => NOT_KEPT_WITH_NETWORK.includes(r.cfnResourceType));
    warnIfDestroyed(this, props.removalPolicy, 'the VPC, its subnets and gateways, and the flow logs');

    // Public fields
    this.vpc = vpc;
    this.flowLogGroup = flowLogGroup;
    this.flowLogEncryptionKey = flowLogEncryptionKey;
  }
}

/**
 * What a retained network does not keep: the flow log and its role (they log for the stack), and
 * the custom resource that restricts the default security group (its handler Lambda is deleted).
 */
const NOT_KEPT_WITH_NETWORK = ['AWS::EC2::FlowLog', 'AWS::IAM::Role', 'AWS::IAM::Policy', 'Custom::VpcRestrictDefaultSG'];

/**
 * The endpoints of a private cluster: exactly those a component of the stack calls from inside the
 * VPC (lib/private/endpoints.ts names the callers of each; docs/PRIVATE-CLUSTERS.md explains them).
 * Not built, because nothing in the stack calls them: Auto Scaling (only Cluster Autoscaler does;
 * self-managed nodes' group is driven by CloudFormation from outside the VPC), SSM (the AMI
 * parameter is resolved by CloudFormation; Session Manager would need ssmmessages and ec2messages
 * too) and KMS (EBS, EFS, EKS and CloudWatch Logs call KMS on their own side). Add them with
 * `additionalInterfaceEndpoints`.
 */
function addPrivateClusterEndpoints(vpc: ec2.Vpc, cidr: string, additional: ec2.InterfaceVpcEndpointAwsService[]): void {
  // One endpoint per AZ: in the isolated subnets, where nodes, pods and the kubectl provider run.
  const subnets: ec2.SubnetSelection = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED, onePerAz: true };
  // One security group for all interface endpoints: HTTPS from inside the VPC only.
  const endpointSecurityGroup = new ec2.SecurityGroup(vpc, 'EndpointSecurityGroup', {
    vpc,
    description: 'HTTPS from inside the VPC to the AWS service endpoints of a private EKS cluster',
    allowAllOutbound: false,
  });
  endpointSecurityGroup.addIngressRule(ec2.Peer.ipv4(cidr), ec2.Port.tcp(443), 'HTTPS from the VPC');
  for (const endpoint of PRIVATE_CLUSTER_ENDPOINTS) {
    if (endpoint.gateway) {
      // S3 is a gateway endpoint: routes in the isolated subnets' route tables, no ENI, no charge.
      vpc.addGatewayEndpoint(`${endpoint.id}Endpoint`, { service: ec2.GatewayVpcEndpointAwsService.S3, subnets: [subnets] });
      continue;
    }
    // Private DNS on: nodes, pods and the kubectl provider call the regular service names.
    vpc.addInterfaceEndpoint(`${endpoint.id}Endpoint`, {
      service: interfaceService(endpoint), privateDnsEnabled: true, subnets, securityGroups: [endpointSecurityGroup], open: false,
    });
  }
  for (const [i, service] of additional.entries()) {
    vpc.addInterfaceEndpoint(`Additional${i}Endpoint`, {
      service, privateDnsEnabled: true, subnets, securityGroups: [endpointSecurityGroup], open: false,
    });
  }
}

function checkExistingVpc(errors: PropErrors, vpc: ec2.IVpc): void {
  const subnets = vpc.privateSubnets.length > 0 ? vpc.privateSubnets : vpc.isolatedSubnets;
  checkSpansTwoAzs(errors, 'vpc', subnets, 'nodes and the control plane');
}

/**
 * What the packs find on a VPC this construct created and cannot change: the public subnets' route
 * to the internet gateway, the flow log role's policy and aws-cdk-lib's default security group
 * custom resource, each acknowledged on its own resource.
 */
function acknowledgeVpc(vpc: ec2.Vpc): void {
  for (const subnet of vpc.publicSubnets) {
    const route = subnet.node.tryFindChild('DefaultRoute');
    if (route) {
      acknowledgeInPacks(route, [NIST, HIPAA, PCI], 'VPCNoUnrestrictedRouteToIGW',
        'The default route of a public subnet: its NAT gateway and internet-facing load balancers need the internet gateway. Nodes, pods and the control plane ENIs are in the private subnets, whose default route is the NAT gateway.');
    }
  }
  const flowLogRole = vpc.node.tryFindChild('All')?.node.tryFindChild('IAMRole');
  const flowLogPolicy = flowLogRole?.node.tryFindChild('DefaultPolicy');
  if (flowLogPolicy) {
    acknowledgeInPacks(flowLogPolicy, [NIST, HIPAA, PCI], 'IAMNoInlinePolicy',
      "aws-cdk-lib's FlowLog writes its role's policy inline: delivery to the one flow log group (logs:CreateLogStream, PutLogEvents, DescribeLogStreams) and iam:PassRole of that role only.");
  }
  // aws-cdk-lib's singleton provider of restrictDefaultSecurityGroup, a stack-level
  // CustomResourceProvider with no VPC option, acknowledged where it is created.
  const restrictDefaultSg = Stack.of(vpc).node.tryFindChild('Custom::VpcRestrictDefaultSGCustomResourceProvider');
  if (restrictDefaultSg) {
    acknowledgeControlTower(restrictDefaultSg, 'lambda_inside_vpc_check',
      "aws-cdk-lib's provider of restrictDefaultSecurityGroup: a CustomResourceProvider Lambda (no VPC setting) that, at deploy time, revokes (and on delete restores) the rules of the VPC's default security group through the EC2 API; it reaches nothing in the VPC.");
  }
}
