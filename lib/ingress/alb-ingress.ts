import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3_assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import { IEksCluster } from '../cluster/i-eks-cluster';
import { NodeModeType } from '../compute/node-mode';
import { acknowledge, acknowledgeInPacks, findingEnv, HIPAA, NIST, PCI } from '../private/acknowledge';
import { checkKubectlProvider, requireClusterHandle } from '../private/cluster-facts';
import { checkVpcEndpoints, ENDPOINTS, isPrivateEcrOci, KUBECTL_PROVIDER_ENDPOINTS, VpcEndpointNeed } from '../private/endpoints';
import { checkKnownKeys, optionKeys } from '../private/known-keys';
import { claim, claimAddon, clusterOwnerKey } from '../private/app-registry';
import { checkTagsAtSynth } from '../private/tag-rules';
import { checkDnsLabel } from '../private/kubernetes-names';
import { checkOidcProvider, irsaPrincipal } from '../private/oidc';
import { podIdentityPrincipal } from '../private/pod-identity';
import { PropErrors } from '../private/prop-errors';
import { INTERNAL_ELB_TAG, isIsolatedOnly, PUBLIC_ELB_TAG } from '../private/subnets';
import { IImageCache } from '../network/image-cache';
import {
  LOAD_BALANCER_CONTROLLER_CHART_VERSION,
  LOAD_BALANCER_CONTROLLER_VERSION,
  loadBalancerControllerPolicyStatements,
} from './load-balancer-controller-policy';

/** The namespace and service account the controller runs as. */
const NAMESPACE = 'kube-system';
const SERVICE_ACCOUNT = 'aws-load-balancer-controller';
/** The public Helm repository of the controller chart, and its public image. */
const EKS_CHARTS = 'https://aws.github.io/eks-charts';
const CONTROLLER_IMAGE = 'public.ecr.aws/eks/aws-load-balancer-controller';

/**
 * How ingress is provided, without the cluster: the options an `EksCluster` or app can pass through.
 */
export interface AlbIngressOptions {
  /**
   * Install the AWS Load Balancer Controller. Asking for it under Auto Mode is an error: Auto Mode
   * provisions ALBs itself.
   *
   * @default - true, except under Auto Mode
   */
  readonly loadBalancerController?: boolean;

  /**
   * The IngressClass name Ingresses use (`spec.ingressClassName`), a DNS-1123 label. The same name works under both
   * the controller and Auto Mode, so one Ingress manifest fits every node mode.
   *
   * @default 'alb'
   */
  readonly ingressClassName?: string;

  /**
   * Force one scheme on every load balancer of the class, through its IngressClassParams.
   *
   * @default - each Ingress chooses with the `alb.ingress.kubernetes.io/scheme` annotation; internal when absent
   */
  readonly scheme?: eks.AlbScheme;

  /**
   * Where Helm gets the controller chart: an https Helm repository, or the chart itself in an OCI
   * registry, such as a private ECR repository you copied it into
   * (`oci://<account>.dkr.ecr.<region>.amazonaws.com/<path>/aws-load-balancer-controller`, chart
   * version `AlbIngress.CHART_VERSION`). A VPC with no internet path needs the private ECR form (or
   * `chartAsset`): the kubectl provider runs in its subnets.
   *
   * @default 'https://aws.github.io/eks-charts' (public: refused on a VPC with isolated subnets only)
   */
  readonly chartRepository?: string;

  /**
   * The controller chart as a CDK asset (a directory holding the unpacked chart of version
   * `AlbIngress.CHART_VERSION`, such as the output of `helm pull eks/aws-load-balancer-controller
   * --version 3.2.2 --untar`), uploaded with the stack's assets and read from S3. Works with no
   * internet path; this library ships no chart of its own.
   *
   * @default - the chart comes from `chartRepository`
   */
  readonly chartAsset?: s3_assets.Asset;

  /**
   * The private registry the controller image is pulled through (`ImageCache`), instead of ECR
   * Public. Required on a VPC with isolated subnets only, which cannot reach ECR Public; the node
   * roles need `imageCache.grantPull()`.
   *
   * @default - the image comes from ECR Public (public.ecr.aws/eks/aws-load-balancer-controller)
   */
  readonly imageCache?: IImageCache;
}

/**
 * Props of {@link AlbIngress}.
 */
export interface AlbIngressProps extends AlbIngressOptions {
  /**
   * The cluster: an `EksCluster`, or any aws-eks-v2 cluster through `EksCluster.fromCluster()`. Its
   * node mode decides how ingress is provided: Auto Mode has load balancing built in (no controller
   * is installed); on Fargate the controller authenticates with IRSA, since Pod Identity does not
   * work for Fargate pods; elsewhere with Pod Identity. It needs the kubectl provider (EksCluster's
   * `kubectlLayer`), since the controller is a Helm chart and the Auto Mode IngressClass a manifest.
   */
  readonly cluster: IEksCluster;
}

const PROPS_KEYS = optionKeys<AlbIngressProps>({
  cluster: true, loadBalancerController: true, ingressClassName: true, scheme: true, chartRepository: true, chartAsset: true, imageCache: true,
});

/**
 * Ingress into services through Application Load Balancers, with an IngressClass (`alb` by default).
 *
 * On managed nodes, self-managed nodes and Fargate it installs the AWS Load Balancer Controller
 * (v3.2.2, chart 3.2.2 from eks-charts) with Helm through the cluster's kubectl provider, with the
 * IAM policy of that exact release narrowed to this account and region, bound through Pod Identity
 * (IRSA on Fargate). `vpcId` and `region` are passed as chart values, because pods cannot read
 * them from instance metadata (hop limit 1, and no IMDS on Fargate). Under EKS Auto Mode it
 * installs no controller: it adds an IngressClass for Auto Mode's built-in load balancing
 * (`eks.amazonaws.com/alb`) and its `IngressClassParams`, under the same name.
 *
 * Internet-facing load balancers land in subnets tagged `kubernetes.io/role/elb` (public) and
 * internal ones in subnets tagged `kubernetes.io/role/internal-elb` (private), as CustomerVpc
 * tags them; a VPC of this app with neither tag is rejected at synth.
 *
 * The controller chart waits for the cluster's capacity and Pod Identity Agent
 * (`cluster.waitForCapacity`); its role, policy and Pod Identity association do not.
 *
 * Ingress objects must be deleted before this construct (make them depend on it): the controller
 * deletes the ALBs of deleted Ingresses, and an ALB left behind blocks the VPC's deletion.
 *
 * On a VPC with no internet path (isolated subnets only) the chart must come from inside the
 * account (`chartRepository` in private ECR, or `chartAsset`) and the image through an
 * `imageCache`; Shield and WAF integrations are turned off. Both are refused at synth otherwise,
 * as is a VPC of this app lacking an endpoint the controller or the kubectl provider calls. Auto
 * Mode needs neither chart nor image (docs/PRIVATE-CLUSTERS.md).
 */
export class AlbIngress extends Construct {
  /** The controller release installed. */
  public static readonly CONTROLLER_VERSION = LOAD_BALANCER_CONTROLLER_VERSION;

  /** The chart version installed. */
  public static readonly CHART_VERSION = LOAD_BALANCER_CONTROLLER_CHART_VERSION;

  /** The controller an IngressClass names for EKS Auto Mode's built-in load balancing. */
  public static readonly AUTO_MODE_CONTROLLER = 'eks.amazonaws.com/alb';

  /** The controller an IngressClass names for the AWS Load Balancer Controller (set by its chart). */
  public static readonly LOAD_BALANCER_CONTROLLER = 'ingress.k8s.aws/alb';

  /** The IngressClass name. */
  public readonly ingressClassName: string;

  /** Whether the AWS Load Balancer Controller is installed (false under Auto Mode). */
  public readonly controllerInstalled: boolean;

  /** The controller's IAM role, when the controller is installed. */
  public readonly controllerRole?: iam.IRole;

  /** The controller's IAM policy, when the controller is installed. */
  public readonly controllerPolicy?: iam.Policy;

  /** The node mode that decided how ingress is provided. */
  public readonly nodeModeType: NodeModeType;

  public constructor(scope: Construct, id: string, props: AlbIngressProps) {
    super(scope, id);
    requireClusterHandle(this, 'AlbIngress', props.cluster);

    // Defaults
    const cluster = props.cluster;
    const nodeModeType = cluster.nodeModeType;
    const autoMode = nodeModeType === NodeModeType.AUTO_MODE;
    const controllerInstalled = props.loadBalancerController ?? !autoMode;
    const ingressClassName = props.ingressClassName ?? 'alb';
    const useIrsa = nodeModeType === NodeModeType.FARGATE;
    const chartRepository = props.chartAsset ? undefined : (props.chartRepository ?? EKS_CHARTS);
    const isolated = isIsolatedOnly(cluster.vpc);

    // Validation
    const errors = new PropErrors(this, 'AlbIngress');
    checkKnownKeys(errors, props, PROPS_KEYS, 'AlbIngress');
    checkKubectlProvider(errors, cluster.kubectlProvider, autoMode ? "Auto Mode's IngressClass (a manifest)" : 'the AWS Load Balancer Controller (a Helm chart)');
    if (autoMode && props.loadBalancerController === true) {
      errors.add('loadBalancerController', true, 'EKS Auto Mode provisions load balancers itself (IngressClass controller eks.amazonaws.com/alb); installing the AWS Load Balancer Controller as well would make two controllers fight over the same ALBs; leave it unset');
    }
    checkDnsLabel(errors, 'ingressClassName', ingressClassName);
    if (controllerInstalled && useIrsa) {
      checkOidcProvider(errors, cluster.cluster, 'the AWS Load Balancer Controller on Fargate');
    }
    errors.check(controllerInstalled || autoMode, 'loadBalancerController', false,
      'without the controller (outside Auto Mode) nothing would serve the IngressClass; leave AlbIngress out instead');
    checkPrivateNetwork(errors, props, cluster.vpc, controllerInstalled, isolated, chartRepository);
    if (controllerInstalled) {
      claimAddon(errors, this, cluster, 'aws-load-balancer-controller');
    }
    claim(errors, this, clusterOwnerKey(cluster), { prop: 'ingressClassName', what: 'IngressClass name', where: 'on this cluster' }, ingressClassName);
    errors.throwIfAny();
    checkTagsAtSynth(this);
    this.node.addValidation({ validate: () => checkSubnetTags(this, cluster.vpc) });
    const needs: VpcEndpointNeed[] = [...KUBECTL_PROVIDER_ENDPOINTS];
    if (controllerInstalled) {
      needs.push(ENDPOINTS.ELASTIC_LOAD_BALANCING, ENDPOINTS.EC2, useIrsa ? ENDPOINTS.STS : ENDPOINTS.EKS_AUTH, ENDPOINTS.ECR_API, ENDPOINTS.ECR_DKR);
    }
    this.node.addValidation({
      validate: () => checkVpcEndpoints(this, 'AlbIngress', 'cluster', cluster.vpc,
        controllerInstalled ? 'the AWS Load Balancer Controller (and the kubectl provider that installs its chart)' : "the kubectl provider that applies Auto Mode's IngressClass",
        [...new Set(needs)]),
    });

    // Children
    let controllerRole: iam.Role | undefined;
    let controllerPolicy: iam.Policy | undefined;
    if (controllerInstalled) {
      controllerRole = useIrsa ? this.createIrsaRole(cluster.cluster) : new iam.Role(this, 'ControllerRole', {
        description: `Pod Identity role of the AWS Load Balancer Controller (${NAMESPACE}/${SERVICE_ACCOUNT})`,
        assumedBy: podIdentityPrincipal(),
      });
      controllerPolicy = new iam.Policy(this, 'ControllerPolicy', {
        statements: loadBalancerControllerPolicyStatements(this),
        roles: [controllerRole],
      });
      const association = useIrsa ? undefined : new eks.CfnPodIdentityAssociation(this, 'PodIdentityAssociation', {
        clusterName: cluster.clusterName,
        namespace: NAMESPACE,
        serviceAccount: SERVICE_ACCOUNT,
        roleArn: controllerRole.roleArn,
      });
      const chart = new eks.HelmChart(this, 'Controller', {
        cluster: cluster.cluster,
        // A chart asset carries its own name and version; a repository is asked for both.
        ...(props.chartAsset
          ? { chartAsset: props.chartAsset }
          : { chart: 'aws-load-balancer-controller', repository: chartRepository, version: LOAD_BALANCER_CONTROLLER_CHART_VERSION }),
        release: 'aws-load-balancer-controller',
        namespace: NAMESPACE,
        wait: true,
        timeout: Duration.minutes(15),
        values: {
          clusterName: cluster.clusterName,
          // Passed explicitly: pods cannot read them from IMDS (hop limit 1; none on Fargate).
          region: Stack.of(this).region,
          vpcId: cluster.vpc.vpcId,
          image: props.imageCache
            ? { repository: props.imageCache.imageUri(CONTROLLER_IMAGE), tag: LOAD_BALANCER_CONTROLLER_VERSION }
            : { tag: LOAD_BALANCER_CONTROLLER_VERSION },
          // With no internet path: Shield, WAF and WAFv2 have no VPC endpoint the controller could
          // reach, so their integrations are off (as EKS documents for private clusters).
          ...(isolated ? { enableShield: false, enableWaf: false, enableWafv2: false } : {}),
          serviceAccount: {
            create: true,
            name: SERVICE_ACCOUNT,
            annotations: useIrsa ? { 'eks.amazonaws.com/role-arn': controllerRole.roleArn } : {},
          },
          ingressClass: ingressClassName,
          createIngressClassResource: true,
          ingressClassParams: { create: true, name: ingressClassName, spec: props.scheme ? { scheme: props.scheme } : {} },
        },
      });
      // The controller starts with its permissions, and keeps them until it is uninstalled.
      chart.node.addDependency(controllerPolicy);
      if (association) {
        chart.node.addDependency(association);
      }
      // The controller's pods need nodes (or Fargate) to run on, and the Pod Identity Agent.
      cluster.waitForCapacity(chart);
    } else {
      new eks.KubernetesManifest(this, 'AutoModeIngressClass', {
        cluster: cluster.cluster,
        manifest: [
          {
            apiVersion: 'eks.amazonaws.com/v1',
            kind: 'IngressClassParams',
            metadata: { name: ingressClassName },
            spec: props.scheme ? { scheme: props.scheme } : {},
          },
          {
            apiVersion: 'networking.k8s.io/v1',
            kind: 'IngressClass',
            metadata: { name: ingressClassName },
            spec: {
              controller: AlbIngress.AUTO_MODE_CONTROLLER,
              parameters: { apiGroup: 'eks.amazonaws.com', kind: 'IngressClassParams', name: ingressClassName },
            },
          },
        ],
      });
    }

    // Public fields
    this.ingressClassName = ingressClassName;
    this.controllerInstalled = controllerInstalled;
    this.controllerRole = controllerRole;
    this.controllerPolicy = controllerPolicy;
    this.nodeModeType = nodeModeType;

    // Acknowledgements
    if (controllerPolicy) {
      acknowledgeControllerPolicy(controllerPolicy);
    }
  }

  /** An IRSA role only the controller's service account can assume (Fargate). */
  private createIrsaRole(cluster: eks.ICluster): iam.Role {
    return new iam.Role(this, 'ControllerRole', {
      description: `IRSA role of the AWS Load Balancer Controller (${NAMESPACE}/${SERVICE_ACCOUNT}), for Fargate`,
      assumedBy: irsaPrincipal(this, 'IrsaConditions', cluster, NAMESPACE, SERVICE_ACCOUNT),
    });
  }
}

/**
 * What a VPC with no internet path (or no public subnets) refuses: a public chart repository, a
 * public controller image, an internet-facing scheme; and chart or image options where no
 * controller is installed.
 */
function checkPrivateNetwork(errors: PropErrors, props: AlbIngressProps, vpc: ec2.IVpc, controllerInstalled: boolean,
  isolated: boolean, chartRepository: string | undefined): void {
  if (props.chartAsset && props.chartRepository !== undefined) {
    errors.add('chartRepository', props.chartRepository, 'cannot be combined with chartAsset, which is the chart itself; pass one or the other');
  }
  if (chartRepository !== undefined && !Token.isUnresolved(chartRepository)) {
    errors.check(/^(https|oci):\/\/\S+$/.test(chartRepository), 'chartRepository', chartRepository,
      'must be an https:// Helm repository or an oci:// chart reference');
  }
  if (!controllerInstalled) {
    const given = (['chartRepository', 'chartAsset', 'imageCache'] as const).filter((p) => props[p] !== undefined);
    errors.check(given.length === 0, given.join(', '), 'a value',
      "no controller is installed under Auto Mode (its load balancing is built in and needs no chart or image); leave them unset");
  }
  if (props.scheme === eks.AlbScheme.INTERNET_FACING && vpc.publicSubnets.length === 0) {
    errors.add('scheme', props.scheme, `the VPC ${vpc.node.path} has no public subnets for an internet-facing load balancer; use AlbScheme.INTERNAL (or add public subnets)`);
  }
  if (!isolated || !controllerInstalled) {
    return;
  }
  const wayOut = "or use Auto Mode (NodeMode.autoMode()), whose built-in load balancing needs no chart and no image";
  if (chartRepository !== undefined && !isPrivateEcrOci(chartRepository)) {
    errors.add('chartRepository', chartRepository,
      'the VPC has isolated subnets only (no NAT, no internet gateway), so the kubectl provider cannot reach a public chart repository; ' +
      `copy chart ${LOAD_BALANCER_CONTROLLER_CHART_VERSION} into private ECR and set chartRepository: 'oci://<account>.dkr.ecr.<region>.amazonaws.com/<path>/aws-load-balancer-controller', ` +
      `or pass the chart as chartAsset, ${wayOut}`);
  }
  if (props.imageCache === undefined) {
    errors.add('imageCache', undefined,
      `the VPC has isolated subnets only, so nodes cannot pull the controller image from ECR Public (${CONTROLLER_IMAGE}); ` +
      `pass imageCache: new ImageCache(...) (an ECR pull-through cache) and grant the node roles imageCache.grantPull(), ${wayOut}`);
  }
}

/**
 * The load balancer subnet-tag problem of the cluster's VPC, checked at synth after tag aspects
 * ran. Only subnets defined in this app can be read; an imported VPC passes (docs/ADDONS.md).
 */
function checkSubnetTags(scope: Construct, vpc: ec2.IVpc): string[] {
  const subnets = [...vpc.publicSubnets, ...vpc.privateSubnets, ...vpc.isolatedSubnets];
  const readable = subnets.map((s) => s.node.defaultChild).filter((c): c is ec2.CfnSubnet => c instanceof ec2.CfnSubnet);
  if (readable.length === 0) {
    return [];
  }
  const tagged = readable.some((subnet) => {
    const tags = subnet.tags.tagValues();
    return [PUBLIC_ELB_TAG, INTERNAL_ELB_TAG].some((key) => tags[key] === '1' || tags[key] === '');
  });
  if (tagged) {
    return [];
  }
  const errors = new PropErrors(scope, 'AlbIngress');
  errors.add('cluster', `VPC ${vpc.node.path} with no subnet tagged for load balancers`,
    `tag public subnets '${PUBLIC_ELB_TAG}=1' and private subnets '${INTERNAL_ELB_TAG}=1' (CustomerVpc does), or load balancers have nowhere to go`);
  try {
    errors.throwIfAny();
  } catch (e) {
    return [(e as Error).message];
  }
  return [];
}

/** One acknowledgement per IAM5 finding of the controller policy, each with its reason. */
function acknowledgeControllerPolicy(policy: iam.Policy): void {
  // As cdk-nag renders the policy of this stack: `<AWS::Region>` when environment-agnostic, the
  // literal region when the stack has one, so the acknowledgements hold in every app.
  const { partition, region, account } = findingEnv(policy);
  const arn = (service: string, resource: string) => `arn:${partition}:${service}:${region}:${account}:${resource}`;
  const findings: Array<[string, string]> = [
    ['*', "The AWS Load Balancer Controller's published policy: Describe/Get reads, APIs that take no resource ARN (ec2:CreateSecurityGroup, elasticloadbalancing:CreateListener/CreateRule), and writes limited by the elbv2.k8s.aws/cluster tag conditions; load balancers are created at run time, so their ARNs are not known at deploy time."],
    [arn('ec2', 'security-group/*'), 'Tags only security groups the controller created: the statements require the elbv2.k8s.aws/cluster request or resource tag; scoped to this account and region.'],
    [arn('elasticloadbalancing', 'targetgroup/*/*'), 'Target groups are created at run time per Service/Ingress; tagging is limited by the elbv2.k8s.aws/cluster tag conditions and registering targets to this account and region.'],
    [arn('elasticloadbalancing', 'loadbalancer/net/*/*'), 'Network load balancers are created at run time; tagging requires the elbv2.k8s.aws/cluster tag; scoped to this account and region.'],
    [arn('elasticloadbalancing', 'loadbalancer/app/*/*'), 'Application load balancers are created at run time; tagging requires the elbv2.k8s.aws/cluster tag; scoped to this account and region.'],
    [arn('elasticloadbalancing', 'listener/net/*/*/*'), 'Listeners of load balancers created at run time; only AddTags/RemoveTags; scoped to this account and region.'],
    [arn('elasticloadbalancing', 'listener/app/*/*/*'), 'Listeners of load balancers created at run time; only AddTags/RemoveTags; scoped to this account and region.'],
    [arn('elasticloadbalancing', 'listener-rule/net/*/*/*'), 'Listener rules created at run time; only AddTags/RemoveTags; scoped to this account and region.'],
    [arn('elasticloadbalancing', 'listener-rule/app/*/*/*'), 'Listener rules created at run time; only AddTags/RemoveTags; scoped to this account and region.'],
  ];
  for (const [resource, reason] of findings) {
    acknowledge(policy, `AwsSolutions-IAM5[Resource::${resource}]`, reason);
  }
  acknowledgeInPacks(policy, [NIST, HIPAA, PCI], 'IAMNoInlinePolicy',
    "The controller's policy is attached to its one role and versioned with the chart release it is generated for (LOAD_BALANCER_CONTROLLER_VERSION); it stays an iam.Policy, the type of AlbIngress.controllerPolicy, until that public field can change type in a breaking release.");
}
