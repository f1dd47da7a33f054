import { Aws, Stack, Token } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { acknowledge, findingEnv } from '../private/acknowledge';
import { checkKnownKeys, optionKeys } from '../private/known-keys';
import { PropErrors } from '../private/prop-errors';

/**
 * A private ECR registry that serves public images to a cluster with no internet path: what
 * {@link AlbIngress} and workloads pull their images through in a private cluster.
 */
export interface IImageCache extends IConstruct {
  /** The private registry host, `<account>.dkr.ecr.<region>.<url suffix>`. */
  readonly registry: string;

  /**
   * The private reference of a public image, such as
   * `public.ecr.aws/eks/aws-load-balancer-controller:v3.2.2` →
   * `<registry>/ecr-public/eks/aws-load-balancer-controller:v3.2.2`. Throws for an image of a
   * registry the cache does not serve.
   */
  imageUri(image: string): string;

  /**
   * Lets `grantee` (a node role, a Fargate pod execution role) pull through the cache: import
   * upstream images and create their repositories on first pull, in the cache's repositories only.
   * Pulling itself (`ecr:BatchGetImage`, ...) comes from the ECR policies nodes already have.
   */
  grantPull(grantee: iam.IGrantable): iam.Grant;
}

/** What a node needs to pull an image through the cache the first time: import it, creating its repository. */
const PULL_ACTIONS = ['ecr:BatchImportUpstreamImage', 'ecr:CreateRepository'];

/**
 * Props of {@link ImageCache}.
 */
export interface ImageCacheProps {
  /**
   * The repository prefix under which ECR Public (`public.ecr.aws`) images are cached.
   *
   * @default 'ecr-public'
   */
  readonly ecrPublicPrefix?: string;

  /**
   * Also cache the Kubernetes registry (`registry.k8s.io`), under this prefix. No component of this
   * library needs it (the EKS add-ons come from EKS's own ECR registries, the load balancer
   * controller from ECR Public); turn it on for workloads that do.
   *
   * @default - not cached
   */
  readonly kubernetesRegistryPrefix?: string;

  /**
   * Turn on basic scan-on-push for the cache's repositories through the registry scanning
   * configuration. It is one resource per registry (account and region): if yours is managed
   * elsewhere, set false and cover the cache prefixes there.
   *
   * @default true
   */
  readonly scanOnPush?: boolean;
}

const PROPS_KEYS = optionKeys<ImageCacheProps>({ ecrPublicPrefix: true, kubernetesRegistryPrefix: true, scanOnPush: true });

/** Upstream registries that pull through cache serves without credentials, by host. */
const UPSTREAMS: Record<string, string> = { 'public.ecr.aws': 'ecr-public', 'registry.k8s.io': 'k8s' };

/** ECR repository name prefixes: 2 to 30 characters, lowercase letters, digits, and `._-/` inside. */
const PREFIX_PATTERN = /^[a-z0-9]+(?:[._/-][a-z0-9]+)*$/;

/**
 * An ECR pull-through cache for the public registries a private cluster pulls from: ECR Public
 * (always) and the Kubernetes registry (opt-in). Nodes pull `<account>.dkr.ecr.<region>/<prefix>/...`
 * through the VPC's ECR endpoints; ECR fetches the image from upstream on first pull and keeps it.
 *
 * The repositories ECR creates on first pull follow a repository creation template: encrypted with
 * KMS (the AWS managed `aws/ecr` key), tags mutable (pull-through cache refreshes them), and, by
 * default, scanned on push. ECR Public and registry.k8s.io need no upstream credentials.
 *
 * Pull-through cache rules are one per prefix and registry: create one `ImageCache` per account
 * and region, and share it between clusters.
 */
export class ImageCache extends Construct implements IImageCache {
  /** The ECR Public registry host. */
  public static readonly ECR_PUBLIC = 'public.ecr.aws';

  /** The Kubernetes registry host. */
  public static readonly KUBERNETES_REGISTRY = 'registry.k8s.io';

  public readonly registry: string;

  /** The repository prefixes of the cache, by upstream host. */
  private readonly prefixes: Record<string, string> = {};

  public constructor(scope: Construct, id: string, props: ImageCacheProps = {}) {
    super(scope, id);

    // Defaults
    const ecrPublicPrefix = props.ecrPublicPrefix ?? 'ecr-public';
    const upstreams: Array<[string, string]> = [[ImageCache.ECR_PUBLIC, ecrPublicPrefix]];
    if (props.kubernetesRegistryPrefix !== undefined) {
      upstreams.push([ImageCache.KUBERNETES_REGISTRY, props.kubernetesRegistryPrefix]);
    }

    // Validation
    const errors = new PropErrors(this, 'ImageCache');
    checkKnownKeys(errors, props, PROPS_KEYS, 'ImageCache');
    for (const [prop, prefix] of [['ecrPublicPrefix', ecrPublicPrefix], ['kubernetesRegistryPrefix', props.kubernetesRegistryPrefix]] as const) {
      if (prefix === undefined || Token.isUnresolved(prefix)) {
        continue;
      }
      errors.check(prefix.length >= 2 && prefix.length <= 30 && PREFIX_PATTERN.test(prefix), prop, prefix,
        'must be 2 to 30 lowercase letters, digits and inner . _ - / (an ECR repository prefix)');
      errors.check(prefix !== 'ecr' && !prefix.startsWith('aws'), prop, prefix, "'ecr' and prefixes starting with 'aws' are reserved by ECR");
    }
    if (props.kubernetesRegistryPrefix !== undefined && !Token.isUnresolved(ecrPublicPrefix)) {
      errors.check(props.kubernetesRegistryPrefix !== ecrPublicPrefix, 'kubernetesRegistryPrefix', props.kubernetesRegistryPrefix,
        'must differ from ecrPublicPrefix: each upstream needs its own prefix');
    }
    errors.throwIfAny();

    // Children
    const stack = Stack.of(this);
    for (const [host, prefix] of upstreams) {
      const name = UPSTREAMS[host] === 'k8s' ? 'Kubernetes' : 'EcrPublic';
      new ecr.CfnPullThroughCacheRule(this, `${name}Rule`, {
        ecrRepositoryPrefix: prefix,
        upstreamRegistry: UPSTREAMS[host],
        upstreamRegistryUrl: host,
      });
      new ecr.CfnRepositoryCreationTemplate(this, `${name}Template`, {
        prefix,
        appliedFor: ['PULL_THROUGH_CACHE'],
        description: `Repositories ECR creates on the first pull of a ${host} image through ${this.node.path}`,
        // Encrypted with KMS (the AWS managed aws/ecr key): no key policy or custom role to keep.
        encryptionConfiguration: { encryptionType: 'KMS' },
        // Pull-through cache updates cached tags from upstream, which needs mutable tags.
        imageTagMutability: 'MUTABLE',
      });
      this.prefixes[host] = prefix;
    }
    if (props.scanOnPush ?? true) {
      new ecr.CfnRegistryScanningConfiguration(this, 'ScanOnPush', {
        scanType: 'BASIC',
        rules: [{
          scanFrequency: 'SCAN_ON_PUSH',
          repositoryFilters: upstreams.map(([, prefix]) => ({ filter: `${prefix}/*`, filterType: 'WILDCARD' })),
        }],
      });
    }

    // Public fields
    this.registry = `${stack.account}.dkr.ecr.${stack.region}.${Aws.URL_SUFFIX}`;
  }

  public imageUri(image: string): string {
    const [host, ...rest] = image.split('/');
    const prefix = this.prefixes[host];
    if (prefix === undefined || rest.length === 0) {
      const errors = new PropErrors(this, 'ImageCache');
      errors.add('image', image, `is not an image of a registry this cache serves (${Object.keys(this.prefixes).join(', ')}); ` +
        'copy it into a private ECR repository, or cache its registry (kubernetesRegistryPrefix for registry.k8s.io)');
      errors.throwIfAny();
    }
    return `${this.registry}/${prefix}/${rest.join('/')}`;
  }

  public grantPull(grantee: iam.IGrantable): iam.Grant {
    const principal = grantee.grantPrincipal;
    if (principal instanceof iam.Role) {
      // A managed policy, attached to every role that pulls (HIPAA, NIST and PCI ask for no inline policies).
      this.ensurePullPolicy().attachToRole(principal);
      return iam.Grant.drop(grantee, 'pull through the cache: attached the managed pull policy');
    }
    return iam.Grant.addToPrincipal({ grantee, actions: PULL_ACTIONS, resourceArns: this.cacheRepositoryArns() });
  }

  /** The ARNs of the repositories the cache creates: every one under its prefixes. */
  private cacheRepositoryArns(): string[] {
    const stack = Stack.of(this);
    return Object.values(this.prefixes).map((prefix) =>
      stack.formatArn({ service: 'ecr', resource: 'repository', resourceName: `${prefix}/*` }));
  }

  /** The managed policy that lets a node pull through the cache, created with its first grant. */
  private ensurePullPolicy(): iam.ManagedPolicy {
    const existing = this.node.tryFindChild('PullPolicy') as iam.ManagedPolicy | undefined;
    if (existing) {
      return existing;
    }
    const policy = new iam.ManagedPolicy(this, 'PullPolicy', {
      description: 'Pull images through the ECR pull-through cache: import upstream images into, and create, repositories under the cache prefixes',
      statements: [new iam.PolicyStatement({ actions: PULL_ACTIONS, resources: this.cacheRepositoryArns() })],
    });
    const { region, account } = findingEnv(policy);
    for (const prefix of Object.values(this.prefixes)) {
      acknowledge(policy, `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecr:${region}:${account}:repository/${prefix}/*]`,
        `Pull-through cache creates one repository per upstream image on first pull, so their names are not known at deploy time; limited to the cache prefix ${prefix}/ and to importing and creating, no push or delete.`);
    }
    return policy;
  }

}
