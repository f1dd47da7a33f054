import { Stack, Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ImageCache } from '../../lib/network/image-cache';
import { awsSolutionsFindings, newStack } from '../helpers/synth';

describe('ImageCache defaults', () => {
  let stack: Stack;
  let cache: ImageCache;
  let template: Template;
  let role: iam.Role;
  beforeAll(() => {
    // GIVEN a stack WHEN an ImageCache is added and a node role may pull through it
    stack = newStack();
    cache = new ImageCache(stack, 'ImageCache');
    role = new iam.Role(stack, 'NodeRole', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    cache.grantPull(role);
    template = Template.fromStack(stack);
  });

  test('one pull-through cache rule: ECR Public under ecr-public/, with no upstream credentials', () => {
    template.resourceCountIs('AWS::ECR::PullThroughCacheRule', 1);
    const [rule] = Object.values(template.findResources('AWS::ECR::PullThroughCacheRule')) as any[];
    expect(rule.Properties).toEqual({ EcrRepositoryPrefix: 'ecr-public', UpstreamRegistry: 'ecr-public', UpstreamRegistryUrl: 'public.ecr.aws' });
  });

  test('repositories created on first pull are KMS-encrypted with mutable tags (pull-through refreshes them)', () => {
    template.hasResourceProperties('AWS::ECR::RepositoryCreationTemplate', {
      Prefix: 'ecr-public',
      AppliedFor: ['PULL_THROUGH_CACHE'],
      EncryptionConfiguration: { EncryptionType: 'KMS' },
      ImageTagMutability: 'MUTABLE',
    });
  });

  test('cached repositories are scanned on push', () => {
    template.hasResourceProperties('AWS::ECR::RegistryScanningConfiguration', {
      ScanType: 'BASIC',
      Rules: [{ ScanFrequency: 'SCAN_ON_PUSH', RepositoryFilters: [{ Filter: 'ecr-public/*', FilterType: 'WILDCARD' }] }],
    });
  });

  test('imageUri rewrites an ECR Public reference to the private registry, tag kept', () => {
    const uri = stack.resolve(cache.imageUri('public.ecr.aws/eks/aws-load-balancer-controller:v3.2.2'));
    expect(uri).toEqual({ 'Fn::Join': ['', [{ Ref: 'AWS::AccountId' }, '.dkr.ecr.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }, '/ecr-public/eks/aws-load-balancer-controller:v3.2.2']] });
  });

  test('grantPull lets the role import and create repositories under the cache prefix only, through a managed policy', () => {
    template.resourceCountIs('AWS::IAM::Policy', 0);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: [{ Ref: Match.stringLikeRegexp('NodeRole') }],
      PolicyDocument: {
        Statement: [{
          Action: ['ecr:BatchImportUpstreamImage', 'ecr:CreateRepository'],
          Effect: 'Allow',
          Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ecr:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':repository/ecr-public/*']] },
        }],
      },
    });
  });

  test('cdk-nag AwsSolutions finds nothing (the prefix wildcard is acknowledged on the pull policy)', () => {
    expect(awsSolutionsFindings(stack)).toEqual([]);
  });
});

describe('ImageCache options', () => {
  test('the Kubernetes registry is cached under its own prefix when asked for', () => {
    // GIVEN a cache with registry.k8s.io too
    const stack = newStack();
    const cache = new ImageCache(stack, 'ImageCache', { kubernetesRegistryPrefix: 'k8s', scanOnPush: false });
    const template = Template.fromStack(stack);
    // THEN a second rule, a second template, and no registry scanning configuration
    template.hasResourceProperties('AWS::ECR::PullThroughCacheRule', { EcrRepositoryPrefix: 'k8s', UpstreamRegistry: 'k8s', UpstreamRegistryUrl: 'registry.k8s.io' });
    template.hasResourceProperties('AWS::ECR::RepositoryCreationTemplate', { Prefix: 'k8s', AppliedFor: ['PULL_THROUGH_CACHE'] });
    template.resourceCountIs('AWS::ECR::RegistryScanningConfiguration', 0);
    expect(stack.resolve(cache.imageUri('registry.k8s.io/pause:3.10'))['Fn::Join'][1].slice(-1)[0]).toBe('/k8s/pause:3.10');
  });
});

describe('ImageCache bad input', () => {
  test('an image of a registry the cache does not serve', () => {
    const cache = new ImageCache(newStack(), 'ImageCache');
    expect(() => cache.imageUri('registry.k8s.io/pause:3.10'))
      .toThrow(/ImageCache at 'Test\/ImageCache'[\s\S]*image: got 'registry.k8s.io\/pause:3.10'; is not an image of a registry this cache serves \(public.ecr.aws\)/);
    expect(() => cache.imageUri('docker.io/library/busybox')).toThrow(/is not an image of a registry this cache serves/);
    expect(cache.imageUri('public.ecr.aws/docker/library/busybox:1.36')).toMatch(/\/ecr-public\/docker\/library\/busybox:1.36$/);
  });

  test.each([
    ['A', false], ['Upper', false], ['ecr', false], ['aws-mirror', false], ['-lead', false], ['x'.repeat(31), false],
    ['ab', true], ['mirror/ecr-public', true], ['x'.repeat(30), true],
  ])('ecrPublicPrefix %s is accepted: %s', (prefix, ok) => {
    const build = () => new ImageCache(newStack(), 'ImageCache', { ecrPublicPrefix: prefix });
    if (ok) {
      expect(build).not.toThrow();
    } else {
      expect(build).toThrow(/ecrPublicPrefix: got '[^']*'; (must be 2 to 30 lowercase|'ecr' and prefixes starting with 'aws' are reserved)/);
    }
  });

  test('a token prefix is not refused', () => {
    const stack = newStack();
    expect(() => new ImageCache(stack, 'ImageCache', { ecrPublicPrefix: Token.asString({ Ref: 'Prefix' }) })).not.toThrow();
  });

  test('the same prefix for both upstreams', () => {
    expect(() => new ImageCache(newStack(), 'ImageCache', { kubernetesRegistryPrefix: 'ecr-public' }))
      .toThrow(/kubernetesRegistryPrefix: got 'ecr-public'; must differ from ecrPublicPrefix/);
  });
});
