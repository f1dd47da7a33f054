import { CfnParameter, Fn, Lazy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { EksCluster } from '../cluster/eks-cluster';
import { IEksCluster } from '../cluster/i-eks-cluster';
import { NodeModeType } from '../compute/node-mode';
import { tryClusterSecurityGroup, tryRead, requireClusterHandle } from '../private/cluster-facts';
import { checkPlatformName, IDENTITY_KEYS, identityParameterName, identityPrefix, IdentityKey } from '../private/identity-names';
import { checkKnownKeys, optionKeys } from '../private/known-keys';
import { checkIntRange, PropErrors } from '../private/prop-errors';

/**
 * Props of {@link ClusterIdentity}.
 */
export interface ClusterIdentityProps {
  /** The cluster whose identity is published: an `EksCluster`, or an aws-eks-v2 cluster defined in this app through `EksCluster.fromCluster()`. */
  readonly cluster: IEksCluster;

  /**
   * The platform's name (a DNS-1123 label, such as `prod-eu-west-1`), unique per account and
   * region: the parameters are `/cdk-eks-architecture/<platformName>/cluster/<key>`.
   */
  readonly platformName: string;
}

/**
 * Props of {@link ClusterIdentity.importCluster}: the platform's name, and the facts that must be
 * literal at synth time, so cannot come from a parameter read at deploy time.
 */
export interface ClusterIdentityImportProps {
  /** The name the platform published its identity under (`EksPlatform`'s or `ClusterIdentity`'s `platformName`). */
  readonly platformName: string;

  /**
   * How the platform's cluster runs pods. It decides how workload roles are bound (Pod Identity on
   * nodes, IRSA on Fargate) and what storage installs, at synth time, so the consumer states it;
   * the platform publishes it as `node-mode` to compare against.
   */
  readonly nodeModeType: NodeModeType;

  /**
   * The platform's Kubernetes version, which picks add-on versions at synth time. The platform
   * publishes it as `kubernetes-version` to compare against.
   */
  readonly kubernetesVersion: eks.KubernetesVersion;

  /**
   * How many Availability Zones (and so private subnets) the platform's VPC has: the published
   * lists are split into this many items at deploy time.
   *
   * @default 3 (`CustomerVpc`'s default)
   */
  readonly availabilityZoneCount?: number;

  /**
   * How many node security groups the platform published (`node-security-group-ids`).
   *
   * @default - 1 (the cluster security group), or 2 on self-managed nodes (plus the nodes' own)
   */
  readonly nodeSecurityGroupCount?: number;

  /**
   * Use the platform's kubectl provider for manifests and Helm charts. Only for a platform that
   * has one (it publishes `kubectl-service-token` and `kubectl-role-arn`); the consumer stack must
   * be in the platform's account and region.
   *
   * @default false
   */
  readonly importKubectlProvider?: boolean;
}

const PROPS_KEYS = optionKeys<ClusterIdentityProps>({ cluster: true, platformName: true });
const IMPORT_KEYS = optionKeys<ClusterIdentityImportProps>({
  platformName: true, nodeModeType: true, kubernetesVersion: true, availabilityZoneCount: true,
  nodeSecurityGroupCount: true, importKubectlProvider: true,
});

/**
 * Publishes what an app team needs to use a cluster it does not own, as SSM String parameters
 * under `/cdk-eks-architecture/<platformName>/cluster/`: the cluster's name, ARN, endpoint,
 * certificate authority, security groups, OIDC issuer (and provider on Fargate), kubectl provider
 * (when there is one), VPC, subnets and Availability Zones, Kubernetes version and node mode.
 *
 * `ClusterIdentity.importCluster()` reads them back in another stack or repository, at deploy
 * time (SSM-typed CloudFormation parameters, no synth-time lookup), as an `IEksCluster`.
 */
export class ClusterIdentity extends Construct {
  /** Every key the scheme names, in order (a platform without kubectl provider or not on Fargate publishes fewer). */
  public static readonly KEYS: string[] = [...IDENTITY_KEYS];

  /**
   * The SSM parameter name of one key for a platform: `/cdk-eks-architecture/<platformName>/cluster/<key>`.
   * The publisher and the importer both name parameters through it.
   */
  public static parameterName(platformName: string, key: string): string {
    if (!(IDENTITY_KEYS as readonly string[]).includes(key)) {
      throw new Error(`ClusterIdentity.parameterName: key got '${key}'; must be one of ${IDENTITY_KEYS.join(', ')}`);
    }
    return identityParameterName(platformName, key as IdentityKey);
  }

  /**
   * An `IEksCluster` on a platform's published identity, for an app team's stack in the platform's
   * account and region: add workload roles, Fargate profiles and, with `importKubectlProvider`,
   * manifests and Helm charts, without owning the cluster's stack. Each parameter becomes an
   * SSM-typed CloudFormation parameter resolved at deploy time; synth needs no lookup.
   */
  public static importCluster(scope: Construct, id: string, props: ClusterIdentityImportProps): IEksCluster {
    const container = new Construct(scope, id);

    // Defaults
    const azCount = props.availabilityZoneCount ?? 3;
    const sgCount = props.nodeSecurityGroupCount ?? (props.nodeModeType === NodeModeType.SELF_MANAGED ? 2 : 1);

    // Validation (node mode and version are checked by EksCluster.fromCluster)
    const errors = new PropErrors(container, 'ClusterIdentity.importCluster');
    checkKnownKeys(errors, props, IMPORT_KEYS, 'ClusterIdentity.importCluster()');
    checkPlatformName(errors, 'platformName', props.platformName);
    checkIntRange(errors, 'availabilityZoneCount', props.availabilityZoneCount, 2, 6);
    checkIntRange(errors, 'nodeSecurityGroupCount', props.nodeSecurityGroupCount, 1, 5);
    errors.throwIfAny();

    // Children: one SSM-typed CloudFormation parameter per key, resolved at deploy time
    const value = (key: IdentityKey) => new CfnParameter(container, pascalCase(key), {
      type: 'AWS::SSM::Parameter::Value<String>',
      default: identityParameterName(props.platformName, key),
      description: `The ${key} of cdk-eks-architecture platform ${props.platformName} (read from SSM at deploy time)`,
    }).valueAsString;
    const vpc = ec2.Vpc.fromVpcAttributes(container, 'Vpc', {
      vpcId: value('vpc-id'),
      availabilityZones: Fn.split(',', value('availability-zones'), azCount),
      privateSubnetIds: Fn.split(',', value('private-subnet-ids'), azCount),
    });
    const nodeSecurityGroups = Fn.split(',', value('node-security-group-ids'), sgCount)
      .map((groupId, i) => ec2.SecurityGroup.fromSecurityGroupId(container, `NodeSecurityGroup${i}`, groupId, { mutable: false }));
    const kubectlProvider = props.importKubectlProvider
      ? eks.KubectlProvider.fromKubectlProviderAttributes(container, 'KubectlProvider', {
        serviceToken: value('kubectl-service-token'),
        role: iam.Role.fromRoleArn(container, 'KubectlRole', value('kubectl-role-arn'), { mutable: false }),
      })
      : undefined;
    const openIdConnectProvider = props.nodeModeType === NodeModeType.FARGATE
      ? iam.OpenIdConnectProvider.fromOpenIdConnectProviderArn(container, 'OidcProvider', value('oidc-provider-arn'))
      : undefined;
    const cluster = eks.Cluster.fromClusterAttributes(container, 'Cluster', {
      clusterName: value('name'),
      clusterEndpoint: value('endpoint'),
      clusterCertificateAuthorityData: value('certificate-authority'),
      clusterSecurityGroupId: value('security-group-id'),
      vpc,
      openIdConnectProvider,
      kubectlProvider,
    });
    return EksCluster.fromCluster(container, 'Handle', {
      cluster,
      nodeModeType: props.nodeModeType,
      kubernetesVersion: props.kubernetesVersion,
      nodeSecurityGroups,
    });
  }

  /** The parameter path every parameter of this platform starts with: `/cdk-eks-architecture/<platformName>/cluster/`. */
  public readonly parameterPrefix: string;

  /** The published parameters, by key. */
  public readonly parameters: { [key: string]: ssm.StringParameter };

  public constructor(scope: Construct, id: string, props: ClusterIdentityProps) {
    super(scope, id);
    requireClusterHandle(this, 'ClusterIdentity', props.cluster);

    // Defaults: what the cluster can tell (an imported aws-eks-v2 cluster may not know its endpoint)
    const cluster = props.cluster;
    const eksCluster = cluster.cluster;
    const endpoint = tryRead(() => eksCluster.clusterEndpoint);
    const certificateAuthority = tryRead(() => eksCluster.clusterCertificateAuthorityData);
    const clusterSecurityGroup = tryClusterSecurityGroup(eksCluster);
    const defined = eksCluster instanceof eks.Cluster ? eksCluster : undefined;

    // Validation
    const errors = new PropErrors(this, 'ClusterIdentity');
    checkKnownKeys(errors, props, PROPS_KEYS, 'ClusterIdentity');
    checkPlatformName(errors, 'platformName', props.platformName);
    errors.check(defined !== undefined || (endpoint !== undefined && certificateAuthority !== undefined && clusterSecurityGroup !== undefined),
      'cluster', eksCluster.node.path,
      'an imported cluster must know its clusterEndpoint, clusterCertificateAuthorityData and clusterSecurityGroupId to publish them');
    errors.throwIfAny();

    // Children
    const subnets = cluster.vpc.selectSubnets(cluster.vpcSubnets).subnets;
    const values: Array<[IdentityKey, string | undefined]> = [
      ['name', cluster.clusterName],
      ['arn', eksCluster.clusterArn],
      ['endpoint', endpoint],
      ['certificate-authority', certificateAuthority],
      ['security-group-id', clusterSecurityGroup?.securityGroupId],
      ['oidc-issuer', defined?.clusterOpenIdConnectIssuerUrl],
      // IRSA is how Fargate pods get roles, so a Fargate cluster has its provider anyway; on nodes,
      // Pod Identity needs none, and publishing one would create it.
      ['oidc-provider-arn', cluster.nodeModeType === NodeModeType.FARGATE ? eksCluster.openIdConnectProvider.openIdConnectProviderArn : undefined],
      // Capacity registered after this construct counts too.
      ['node-security-group-ids', Lazy.string({ produce: () => Fn.join(',', cluster.nodeSecurityGroups.map((g) => g.securityGroupId)) })],
      ['kubectl-service-token', cluster.kubectlProvider?.serviceToken],
      ['kubectl-role-arn', cluster.kubectlProvider?.role?.roleArn],
      ['vpc-id', cluster.vpc.vpcId],
      ['private-subnet-ids', Fn.join(',', subnets.map((s) => s.subnetId))],
      ['availability-zones', Fn.join(',', subnets.map((s) => s.availabilityZone))],
      ['kubernetes-version', cluster.kubernetesVersion.version],
      ['node-mode', cluster.nodeModeType],
    ];
    const parameters: { [key: string]: ssm.StringParameter } = {};
    for (const [key, stringValue] of values) {
      if (stringValue === undefined) {
        continue;
      }
      parameters[key] = new ssm.StringParameter(this, pascalCase(key), {
        parameterName: identityParameterName(props.platformName, key),
        simpleName: false,
        stringValue,
        description: `cdk-eks-architecture platform ${props.platformName}: cluster ${key}`,
      });
    }

    // Public fields
    this.parameterPrefix = identityPrefix(props.platformName);
    this.parameters = parameters;
  }
}

function pascalCase(key: string): string {
  return key.split('-').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}
