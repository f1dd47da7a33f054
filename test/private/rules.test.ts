import * as fs from 'fs';
import * as path from 'path';
import { App, CfnParameter, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct, IConstruct } from 'constructs';
import { accountRegionKey, claim, claimAddon, claimVolumeName, clusterOwnerKey } from '../../lib/private/app-registry';
import {
  checkPrincipalArns, checkPublicAccessCidrs, kubectlLayerVersion, MAX_PUBLIC_ACCESS_CIDRS, warnExplicitName, warnKubectlSkew, warnNoClusterAdmin,
} from '../../lib/private/cluster-rules';
import { checkEncryptionKey } from '../../lib/private/kms-rules';
import {
  addressesPerNode, checkAvailabilityZoneNames, endpointsNodesNeed, shortServiceName, usableAddresses, warnMissingPrivateEndpoints, warnPodIpsExceedSubnets,
} from '../../lib/private/network-rules';
import {
  checkInstanceTypeList, checkMaxUnavailable, checkSpot, MAX_MANAGED_INSTANCE_TYPES, MAX_SELF_MANAGED_INSTANCE_TYPES,
} from '../../lib/private/node-common';
import { cidrsOverlap, cidrWithin, isIpv4Cidr, literalVpcCidr } from '../../lib/private/cidr';
import { checkIntRange, isResolved, PropErrors } from '../../lib/private/prop-errors';
import { checkTagsAtSynth, MAX_TAG_KEY_LENGTH, MAX_TAG_VALUE_LENGTH, MAX_TAGS, tagProblems } from '../../lib/private/tag-rules';
import { WARNING_IDS } from '../../lib/private/warnings';

// The rules as plain functions, each bound on both sides and with a token: fast enough for
// mutation testing (npm run mutate), which runs these per mutant.

function stackIn(region?: string): Stack {
  return new Stack(new App(), 'Test', region ? { env: { account: '111122223333', region } } : undefined);
}

/** The problems one rule records, as the error message lines (empty when it passes). */
function problems(rule: (errors: PropErrors, scope: Construct) => void, scope: Construct = stackIn()): string[] {
  const errors = new PropErrors(scope, 'Rule');
  rule(errors, scope);
  try {
    errors.throwIfAny();
    return [];
  } catch (e) {
    return (e as Error).message.split('\n').slice(1).map((l) => l.replace(/^ *- /, ''));
  }
}

/** The warnings on `scope`, without synthesis. */
function warnings(scope: IConstruct): string[] {
  return scope.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === 'aws:cdk:warning').map((m) => String(m.data)));
}

const token = () => Token.asString({ Ref: 'Param' });
const cidrs = (n: number) => Array.from({ length: n }, (_, i) => `203.0.${i}.0/24`);

describe('publicAccessCidrs', () => {
  test.each([
    [[`${MAX_PUBLIC_ACCESS_CIDRS}`], cidrs(40), []],
    [['41'], cidrs(41), ['publicAccessCidrs: got \'41 CIDR blocks\'; EKS takes at most 40 public access CIDR blocks per cluster']],
  ])('%s blocks', (_, given, expected) => {
    expect(problems((e) => checkPublicAccessCidrs(e, given, false)).map((p) => p.split(' (a quota')[0])).toEqual(expected);
  });

  test('tokens count towards the 40 but are not read', () => {
    expect(problems((e) => checkPublicAccessCidrs(e, [...cidrs(39), token()], false))).toEqual([]);
    expect(problems((e) => checkPublicAccessCidrs(e, [...cidrs(40), token()], false))).toHaveLength(1);
  });

  test.each(['10.0.0.0/8', '10.1.2.0/24', '172.16.0.0/12', '172.31.255.0/24', '192.168.1.0/24', '100.64.0.0/10', '127.0.0.1/32',
    '169.254.0.0/16', '224.0.0.0/4', '240.0.0.0/4', '0.1.0.0/16'])('%s is not on the internet', (cidr) => {
    expect(problems((e) => checkPublicAccessCidrs(e, [cidr], false))).toEqual([expect.stringMatching(new RegExp(`^publicAccessCidrs: got '${cidr.replace(/\./g, '\\.')}'; lies in .* which is not on the internet, and EKS refuses it`))]);
  });

  test.each(['9.255.255.255/32', '11.0.0.0/8', '172.15.255.0/24', '172.32.0.0/16', '192.167.0.0/16', '192.169.0.0/16', '100.63.0.0/16',
    '100.128.0.0/16', '126.0.0.0/8', '128.0.0.0/8', '169.253.0.0/16', '223.255.255.0/24', '1.0.0.0/8', '203.0.113.0/24'])('%s is public', (cidr) => {
    expect(problems((e) => checkPublicAccessCidrs(e, [cidr], false))).toEqual([]);
  });

  test('0.0.0.0/0 only when allowed; a block listed twice; a malformed block', () => {
    expect(problems((e) => checkPublicAccessCidrs(e, ['0.0.0.0/0'], false))).toEqual([expect.stringMatching(/^publicAccessCidrs: got '0.0.0.0\/0'; opens the API endpoint to the whole internet/)]);
    expect(problems((e) => checkPublicAccessCidrs(e, ['0.0.0.0/0'], true))).toEqual([]);
    expect(problems((e) => checkPublicAccessCidrs(e, ['203.0.113.0/24', '203.0.113.0/24'], false)))
      .toEqual(["publicAccessCidrs: got '203.0.113.0/24'; is listed twice; list each CIDR block once"]);
    expect(problems((e) => checkPublicAccessCidrs(e, ['203.0.113.0'], false)))
      .toEqual(["publicAccessCidrs: got '203.0.113.0'; each entry must be an IPv4 CIDR block such as 203.0.113.0/24"]);
  });
});

describe('principal ARNs', () => {
  test.each([
    'arn:aws:iam::111122223333:role/Admin',
    'arn:aws:iam::111122223333:role/path/to/Admin',
    'arn:aws:iam::111122223333:user/alice',
    'arn:aws-cn:iam::111122223333:role/Admin',
    'arn:aws-us-gov:iam::111122223333:role/Admin+=,.@-_',
  ])('%s is an IAM principal', (arn) => {
    expect(problems((e) => checkPrincipalArns(e, 'admins', [arn]))).toEqual([]);
  });

  test.each([
    'Admin',
    'role/Admin',
    'arn:aws:iam::111122223333:group/Admins',
    'arn:aws:iam::111122223333:root',
    'arn:aws:iam::11112222333:role/Admin',
    'arn:aws:iam::1111222233334:role/Admin',
    'arn:aws:iam::111122223333:role/',
    'arn:aws:s3:::bucket',
    ' arn:aws:iam::111122223333:role/Admin',
    'arn:aws:iam::111122223333:role/Admin ',
  ])('%s is refused', (arn) => {
    expect(problems((e) => checkPrincipalArns(e, 'admins', [arn]))).toEqual([
      `admins: got '${arn}'; must be the ARN of an IAM role or user, such as arn:aws:iam::111122223333:role/Admin (not a bare name, a group, the account root or an ARN of another service)`,
    ]);
  });

  test('an STS session ARN names the role ARN to use instead', () => {
    expect(problems((e) => checkPrincipalArns(e, 'admins', ['arn:aws:sts::111122223333:assumed-role/Admin/alice@example.com']))).toEqual([
      "admins: got 'arn:aws:sts::111122223333:assumed-role/Admin/alice@example.com'; is an STS session ARN (what `aws sts get-caller-identity` prints), " +
      "not a principal: use the role's ARN, arn:aws:iam::111122223333:role/Admin (with its path, if it has one: `aws iam get-role --role-name Admin`)",
    ]);
  });

  test('a principal listed twice; tokens pass and are not compared', () => {
    const arn = 'arn:aws:iam::111122223333:role/Admin';
    expect(problems((e) => checkPrincipalArns(e, 'admins', [arn, arn]))).toEqual([`admins: got '${arn}'; is listed twice; EKS refuses a second access entry for the same principal`]);
    const t = token();
    expect(problems((e) => checkPrincipalArns(e, 'admins', [t, t, arn]))).toEqual([]);
  });
});

describe('warnings', () => {
  test('no cluster admin: none listed warns, one listed does not', () => {
    const a = stackIn();
    warnNoClusterAdmin(a, undefined);
    warnNoClusterAdmin(a, []);
    expect(warnings(a)).toEqual([expect.stringMatching(/^clusterAdminPrincipalArns is empty: no IAM role or user can use kubectl .*\[ack: cdk-eks-architecture:no-cluster-admin\]$/)]);
    const b = stackIn();
    warnNoClusterAdmin(b, ['arn:aws:iam::111122223333:role/Admin']);
    expect(warnings(b)).toEqual([]);
  });

  class KubectlV33Layer {}
  class KubectlV35Layer {}
  class MyKubectlLayer {}
  test('kubectl layer: the version comes from the layer class name', () => {
    expect(kubectlLayerVersion(new KubectlV33Layer() as any)).toBe('1.33');
    expect(kubectlLayerVersion(new MyKubectlLayer() as any)).toBeUndefined();
  });

  test.each([
    [KubectlV33Layer, '1.35', true],
    [KubectlV33Layer, '1.34', false],
    [KubectlV35Layer, '1.36', false],
    [KubectlV35Layer, '1.33', true],
    [KubectlV35Layer, '1.34', false],
    [KubectlV35Layer, '1.37', true],
    [MyKubectlLayer, '1.30', false],
  ])('kubectl skew: %p on %s warns: %s', (Layer, version, warns) => {
    const scope = stackIn();
    warnKubectlSkew(scope, new Layer() as any, version);
    expect(warnings(scope)).toEqual(warns ? [expect.stringMatching(/^kubectlLayer is kubectl 1\.3\d but the cluster runs Kubernetes .*\[ack: cdk-eks-architecture:kubectl-version-skew\]$/)] : []);
  });

  test('kubectl skew: no layer, or a token version, says nothing', () => {
    const scope = stackIn();
    warnKubectlSkew(scope, undefined, '1.36');
    warnKubectlSkew(scope, new KubectlV33Layer() as any, token());
    expect(warnings(scope)).toEqual([]);
  });

  test('explicit name: set warns, unset does not', () => {
    const scope = stackIn();
    warnExplicitName(scope, 'clusterName', undefined, 'cluster');
    expect(warnings(scope)).toEqual([]);
    warnExplicitName(scope, 'clusterName', 'prod', 'cluster');
    expect(warnings(scope)).toEqual([expect.stringMatching(/^clusterName is set: a change that replaces the cluster will fail.*\[ack: cdk-eks-architecture:explicit-name\]$/)]);
  });

  test('every warning id is documented in docs/VALIDATION.md', () => {
    const doc = fs.readFileSync(path.join(__dirname, '../../docs/VALIDATION.md'), 'utf8');
    for (const id of WARNING_IDS) {
      expect(doc).toContain(`cdk-eks-architecture:${id}`);
    }
  });
});

describe('KMS keys', () => {
  test.each([
    [kms.KeySpec.SYMMETRIC_DEFAULT, kms.KeyUsage.ENCRYPT_DECRYPT, false],
    [kms.KeySpec.RSA_2048, kms.KeyUsage.ENCRYPT_DECRYPT, true],
    [kms.KeySpec.HMAC_256, kms.KeyUsage.GENERATE_VERIFY_MAC, true],
    [kms.KeySpec.ECC_NIST_P256, kms.KeyUsage.SIGN_VERIFY, true],
  ])('a key of this app with %s/%s is refused: %s', (keySpec, keyUsage, refused) => {
    const stack = stackIn();
    const key = new kms.Key(stack, 'Key', { keySpec, keyUsage });
    expect(problems((e) => checkEncryptionKey(e, stack, 'encryptionKey', key), stack)).toEqual(refused
      ? [`encryptionKey: got 'a key with keySpec ${keySpec} and keyUsage ${keyUsage}'; must be a symmetric encryption key (keySpec SYMMETRIC_DEFAULT, keyUsage ENCRYPT_DECRYPT): EKS, CloudWatch Logs and the storage services encrypt with nothing else`]
      : []);
  });

  test('a symmetric key whose spec is left to its default passes; a token spec passes', () => {
    const stack = stackIn();
    const key = new kms.Key(stack, 'Key');
    const tokenKey = new kms.Key(stack, 'TokenKey');
    (tokenKey.node.defaultChild as kms.CfnKey).keySpec = new CfnParameter(stack, 'Spec').valueAsString;
    expect(problems((e) => { checkEncryptionKey(e, stack, 'a', key); checkEncryptionKey(e, stack, 'b', tokenKey); checkEncryptionKey(e, stack, 'c', undefined); }, stack)).toEqual([]);
  });

  test.each([
    ['us-east-1', 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab', true],
    ['us-east-1', 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab', false],
    [undefined, 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab', false],
  ])('stack in %s, key %s: refused %s', (region, arn, refused) => {
    const stack = stackIn(region);
    const key = kms.Key.fromKeyArn(stack, 'Key', arn);
    expect(problems((e) => checkEncryptionKey(e, stack, 'encryptionKey', key), stack))
      .toEqual(refused ? ["encryptionKey: got 'a key in eu-west-1'; the stack deploys to us-east-1 and KMS keys are regional: use a key (or a multi-Region replica) in us-east-1"] : []);
  });

  test('a key imported from a token ARN passes', () => {
    const stack = stackIn('us-east-1');
    const key = kms.Key.fromKeyArn(stack, 'Key', new CfnParameter(stack, 'KeyArn').valueAsString);
    expect(problems((e) => checkEncryptionKey(e, stack, 'encryptionKey', key), stack)).toEqual([]);
  });
});

describe('Availability Zones', () => {
  test.each(['use1-az1', 'usw2-az4', 'apne1-az2', 'euc1-az3', 'use1-lax1-az1'])('%s is an AZ ID', (az) => {
    expect(problems((e, s) => checkAvailabilityZoneNames(e, s, 'availabilityZones', [az]))).toEqual([expect.stringMatching(new RegExp(`^availabilityZones: got '${az}'; is an Availability Zone ID`))]);
  });

  test.each([
    ['us-east-1', 'us-east-1a', false],
    ['us-east-1', 'us-east-1-bos-1a', false],
    ['us-east-1', 'us-west-2a', true],
    [undefined, 'us-west-2a', false],
  ])('stack in %s, AZ %s: refused %s', (region, az, refused) => {
    const stack = stackIn(region);
    expect(problems((e) => checkAvailabilityZoneNames(e, stack, 'availabilityZones', [az]), stack))
      .toEqual(refused ? [`availabilityZones: got '${az}'; is not an Availability Zone of the stack's Region us-east-1; give names such as 'us-east-1a'`] : []);
  });

  test('token AZs pass', () => {
    const stack = stackIn('us-east-1');
    expect(problems((e) => checkAvailabilityZoneNames(e, stack, 'availabilityZones', [token(), 'use1-az1'.replace('use1-az1', token())]), stack)).toEqual([]);
  });
});

describe('pod IPs and subnets', () => {
  const types = (...names: string[]) => names.map((n) => new ec2.InstanceType(n));

  test('addresses per node: pods of the largest known size, plus the node', () => {
    expect(addressesPerNode(types('m5.large'))).toBe(30);
    expect(addressesPerNode(types('m5.large', 'm5.xlarge'))).toBe(59);
    expect(addressesPerNode(types('m5.unknownsize'))).toBeUndefined();
    expect(addressesPerNode([new ec2.InstanceType(token())])).toBeUndefined();
    expect(addressesPerNode([])).toBeUndefined();
  });

  function subnetsOf(mask: number, count: number): { stack: Stack; subnets: ec2.ISubnet[] } {
    const stack = stackIn();
    const vpc = new ec2.Vpc(stack, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'),
      availabilityZones: Array.from({ length: count }, (_, i) => `us-east-1${'abc'[i]}`),
      natGateways: 0,
      subnetConfiguration: [{ name: 'Private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: mask }],
    });
    return { stack, subnets: vpc.isolatedSubnets };
  }

  test('usable addresses: the block less the 5 AWS reserves; unknown for a subnet without a literal CIDR', () => {
    const { stack, subnets } = subnetsOf(24, 2);
    expect(usableAddresses(subnets[0])).toBe(251);
    expect(usableAddresses(ec2.Subnet.fromSubnetAttributes(stack, 'Imported', { subnetId: 'subnet-1', availabilityZone: 'us-east-1a' }))).toBeUndefined();
  });

  // Three /24 subnets hold 251 addresses each: 8 m5.large nodes per subnet need 240, 9 need 270.
  test.each([[24, false], [25, true], [27, true]])('maxSize %d over three /24 subnets warns: %s', (maxSize, warns) => {
    const { stack, subnets } = subnetsOf(24, 3);
    warnPodIpsExceedSubnets(stack, subnets, types('m5.large'), maxSize);
    expect(warnings(stack)).toEqual(warns
      ? [expect.stringMatching(/^maxSize \d+ nodes over 3 subnets is up to 9 nodes per subnet, which with the VPC CNI need about 270 addresses .* but the smallest node subnet has 251.*\[ack: cdk-eks-architecture:pod-ips-exceed-subnets\]$/)]
      : []);
  });

  test('unknown sizes, no subnets or a token maxSize say nothing', () => {
    const { stack, subnets } = subnetsOf(28, 2);
    warnPodIpsExceedSubnets(stack, subnets, types('m5.unknownsize'), 100);
    warnPodIpsExceedSubnets(stack, [], types('m5.large'), 100);
    warnPodIpsExceedSubnets(stack, subnets, types('m5.large'), Token.asNumber({ Ref: 'Max' }));
    expect(warnings(stack)).toEqual([]);
    warnPodIpsExceedSubnets(stack, subnets, types('m5.large'), 1);
    expect(warnings(stack)).toHaveLength(1);
  });
});

describe('VPC endpoints', () => {
  test('service names, literal or with a token Region', () => {
    expect(shortServiceName('com.amazonaws.us-east-1.ecr.api')).toBe('ecr.api');
    expect(shortServiceName({ 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.ecr.dkr']] })).toBe('ecr.dkr');
    expect(shortServiceName('com.amazonaws.vpce.us-east-1.vpce-svc-123')).toBe('us-east-1.vpce-svc-123');
    expect(shortServiceName('aws.sagemaker.us-east-1.notebook')).toBeUndefined();
    expect(shortServiceName({ Ref: 'Service' })).toBeUndefined();
    expect(shortServiceName(undefined)).toBeUndefined();
  });

  test('what nodes need: EC2, ECR and S3; EKS Auth with Pod Identity; STS with IRSA', () => {
    expect(endpointsNodesNeed(false, false)).toEqual(['ec2', 'ecr.api', 'ecr.dkr', 's3']);
    expect(endpointsNodesNeed(true, false)).toEqual(['ec2', 'ecr.api', 'ecr.dkr', 's3', 'eks-auth']);
    expect(endpointsNodesNeed(false, true)).toEqual(['ec2', 'ecr.api', 'ecr.dkr', 's3', 'sts']);
  });
});

describe('node groups', () => {
  const types = (n: number) => Array.from({ length: n }, (_, i) => new ec2.InstanceType(`m${5 + (i % 3)}.${['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge'][Math.floor(i / 3) % 7]}`)).map((t, i) => i >= 21 ? new ec2.InstanceType(`c${i}.large`) : t);

  test.each([
    [MAX_MANAGED_INSTANCE_TYPES, MAX_MANAGED_INSTANCE_TYPES, false],
    [MAX_MANAGED_INSTANCE_TYPES, MAX_MANAGED_INSTANCE_TYPES + 1, true],
    [MAX_SELF_MANAGED_INSTANCE_TYPES, MAX_SELF_MANAGED_INSTANCE_TYPES, false],
    [MAX_SELF_MANAGED_INSTANCE_TYPES, MAX_SELF_MANAGED_INSTANCE_TYPES + 1, true],
  ])('at most %d instance types: %d refused %s', (max, count, refused) => {
    expect(MAX_MANAGED_INSTANCE_TYPES).toBe(20);
    expect(MAX_SELF_MANAGED_INSTANCE_TYPES).toBe(40);
    expect(problems((e, s) => checkInstanceTypeList(e, s, types(count), max, true)))
      .toEqual(refused ? [`instanceTypes: got '${count} instance types'; a node group of this kind takes at most ${max} instance types`] : []);
  });

  test('token instance types need amiType', () => {
    const list = [new ec2.InstanceType(token())];
    expect(problems((e, s) => checkInstanceTypeList(e, s, list, 20, false)))
      .toEqual(["instanceTypes: got 'a token'; the instance types pick the AMI architecture at synth, so they must be literal; or set amiType, and the instance types may be tokens"]);
    expect(problems((e, s) => checkInstanceTypeList(e, s, list, 20, true))).toEqual([]);
  });

  test('an instance type listed twice warns; tokens are not compared', () => {
    const scope = stackIn();
    const t = new ec2.InstanceType(token());
    checkInstanceTypeList(new PropErrors(scope, 'Rule'), scope, [t, t, new ec2.InstanceType('m5.large'), new ec2.InstanceType('m5a.large')], 20, true);
    expect(warnings(scope)).toEqual([]);
    checkInstanceTypeList(new PropErrors(scope, 'Rule'), scope, ['m5.large', 'm5.large', 'm5a.large'].map((n) => new ec2.InstanceType(n)), 20, true);
    expect(warnings(scope)).toEqual([expect.stringMatching(/^instanceTypes lists m5\.large more than once.*\[ack: cdk-eks-architecture:duplicate-instance-types\]$/)]);
  });

  test.each([
    [['m5.large', 'm5.large'], true],
    [['m5.large', 'm5a.large'], false],
    [['m5.large'], true],
    [['m5.large', 'TOKEN'], false],
  ])('spot with %p refused: %s', (names, refused) => {
    const list = names.map((n) => new ec2.InstanceType(n === 'TOKEN' ? token() : n));
    expect(problems((e) => checkSpot(e, true, list))).toHaveLength(refused ? 1 : 0);
    expect(problems((e) => checkSpot(e, false, list))).toEqual([]);
  });

  test.each([
    [0, 6, ['must be a whole number from 1 to 100']],
    [1, 6, []],
    [6, 6, []],
    [7, 6, ['must not exceed maxSize (6): EKS refuses an update configuration larger than the group']],
    [100, 1000, []],
    [101, 1000, ['must be a whole number from 1 to 100']],
    [1.5, 6, ['must be a whole number from 1 to 100']],
  ])('maxUnavailable %d with maxSize %d', (maxUnavailable, maxSize, expected) => {
    expect(problems((e) => checkMaxUnavailable(e, maxUnavailable, maxSize))).toEqual(expected.map((m) => `maxUnavailable: got ${maxUnavailable}; ${m}`));
  });

  test('maxUnavailable and maxSize tokens pass', () => {
    expect(problems((e) => checkMaxUnavailable(e, Token.asNumber({ Ref: 'U' }), 1))).toEqual([]);
    expect(problems((e) => checkMaxUnavailable(e, 50, Token.asNumber({ Ref: 'M' })))).toEqual([]);
  });
});

describe('tags', () => {
  const many = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']));
  test.each([
    [many(MAX_TAGS), []],
    [many(MAX_TAGS + 1), ['has 51 tags; AWS takes at most 50 per resource']],
    [{ 'aws:team': 'x' }, ["tag key 'aws:team' begins with 'aws:', which is reserved for AWS"]],
    [{ 'AWS:team': 'x' }, ["tag key 'AWS:team' begins with 'aws:', which is reserved for AWS"]],
    [{ 'aws-cdk:subnet-type': 'Private', 'team:aws:': 'x' }, []],
    [{ ['k'.repeat(MAX_TAG_KEY_LENGTH)]: 'x' }, []],
    [{ ['k'.repeat(MAX_TAG_KEY_LENGTH + 1)]: 'x' }, [`tag key '${'k'.repeat(129)}' has 129 characters; keys take 1 to 128`]],
    [{ '': 'x' }, ["tag key '' has 0 characters; keys take 1 to 128"]],
    [{ team: 'v'.repeat(MAX_TAG_VALUE_LENGTH) }, []],
    [{ team: 'v'.repeat(MAX_TAG_VALUE_LENGTH + 1) }, ["tag 'team' has a value of 257 characters; values take at most 256"]],
    [{ [token()]: 'v'.repeat(300) }, []],
    [{ team: Token.asString({ Ref: 'Long' }) }, []],
  ])('%#', (tags, expected) => {
    expect(tagProblems(tags)).toEqual(expected);
  });
});

describe('app-wide claims', () => {
  const kind = { prop: 'nodegroupName', what: 'node group name', where: 'on this cluster' };
  test('the second claim of a name is refused, naming the first; other owners, tokens and failed constructs do not count', () => {
    const stack = stackIn();
    const a = new Construct(stack, 'A');
    const b = new Construct(stack, 'B');
    const failed = new Construct(stack, 'Failed');
    const failing = new PropErrors(failed, 'Rule');
    failing.add('x', 1, 'bad');
    claim(failing, failed, 'cluster:1', kind, 'ng');
    expect(() => failing.throwIfAny()).toThrow(/x: got 1; bad/);
    expect(problems((e) => claim(e, a, 'cluster:1', kind, 'ng'), a)).toEqual([]);
    expect(problems((e) => claim(e, a, 'cluster:1', kind, 'ng'), a)).toEqual([]);
    expect(problems((e) => claim(e, b, 'cluster:2', kind, 'ng'), b)).toEqual([]);
    expect(problems((e) => claim(e, b, 'cluster:1', kind, 'other'), b)).toEqual([]);
    expect(problems((e) => claim(e, b, 'cluster:1', kind, token()), b)).toEqual([]);
    expect(problems((e) => claim(e, b, 'cluster:1', kind, undefined), b)).toEqual([]);
    expect(problems((e) => claim(e, b, 'cluster:1', kind, 'ng'), b))
      .toEqual(["nodegroupName: got 'ng'; is already the node group name of 'Test/A' on this cluster; EKS would refuse the second at deploy time: pick another, or reuse the first"]);
    expect(problems((e) => claim(e, new Construct(new Stack(new App(), 'Other'), 'C'), 'cluster:1', kind, 'ng'))).toEqual([]);
  });
});

describe('CIDR helpers', () => {
  test.each([
    ['10.0.0.0/16', true], ['0.0.0.0/0', true], ['255.255.255.255/32', true], ['256.0.0.0/8', false], ['10.0.0.0/33', false],
    ['10.0.0/16', false], ['10.0.0.0', false], ['a.b.c.d/8', false], ['10.0.0.0/16 ', false], ['1000.0.0.0/8', false], ['10.0.0.0/100', false],
  ])('%s is an IPv4 CIDR: %s', (cidr, ok) => {
    expect(isIpv4Cidr(cidr)).toBe(ok);
  });

  test.each([
    ['10.0.0.0/16', '10.0.255.0/24', true], ['10.0.0.0/16', '10.1.0.0/16', false], ['10.0.0.0/24', '10.0.0.255/32', true],
    ['10.0.1.0/24', '10.0.0.255/32', false], ['10.0.0.0/8', '0.0.0.0/0', true], ['10.0.0.5/24', '10.0.0.200/32', true],
  ])('%s and %s overlap: %s', (a, b, overlap) => {
    expect(cidrsOverlap(a, b)).toBe(overlap);
    expect(cidrsOverlap(b, a)).toBe(overlap);
  });

  test.each([
    ['10.0.0.0/24', '10.0.0.0/16', true], ['10.0.0.0/16', '10.0.0.0/16', true], ['10.0.0.0/15', '10.0.0.0/16', false],
    ['10.1.0.0/16', '10.0.0.0/16', false], ['10.0.255.255/32', '10.0.0.0/16', true], ['10.1.0.0/32', '10.0.0.0/16', false],
    ['9.255.255.255/32', '10.0.0.0/8', false],
  ])('%s within %s: %s', (inner, outer, within) => {
    expect(cidrWithin(inner, outer)).toBe(within);
  });

  test('the literal CIDR of a VPC of this app, or of an imported one; none for a token', () => {
    const stack = stackIn();
    expect(literalVpcCidr(new ec2.Vpc(stack, 'Own', { ipAddresses: ec2.IpAddresses.cidr('10.1.0.0/16') }))).toBe('10.1.0.0/16');
    expect(literalVpcCidr(ec2.Vpc.fromVpcAttributes(stack, 'Imported', { vpcId: 'vpc-1', vpcCidrBlock: '10.2.0.0/16', availabilityZones: ['us-east-1a'] }))).toBe('10.2.0.0/16');
    expect(literalVpcCidr(ec2.Vpc.fromVpcAttributes(stack, 'NoCidr', { vpcId: 'vpc-2', availabilityZones: ['us-east-1a'] }))).toBeUndefined();
    expect(literalVpcCidr(ec2.Vpc.fromVpcAttributes(stack, 'Token', { vpcId: 'vpc-3', vpcCidrBlock: token(), availabilityZones: ['us-east-1a'] }))).toBeUndefined();
    expect(literalVpcCidr(ec2.Vpc.fromVpcAttributes(stack, 'Bad', { vpcId: 'vpc-4', vpcCidrBlock: 'not-a-cidr', availabilityZones: ['us-east-1a'] }))).toBeUndefined();
  });
});

describe('PropErrors', () => {
  test.each([[0, 1, 10, false], [1, 1, 10, true], [10, 1, 10, true], [11, 1, 10, false], [1.5, 1, 10, false]])('%d in [%d, %d]: %s', (value, min, max, ok) => {
    expect(problems((e) => checkIntRange(e, 'n', value, min, max))).toEqual(ok ? [] : [`n: got ${value}; must be a whole number from ${min} to ${max}`]);
  });

  test('undefined and tokens pass; every problem is listed under the construct path; values are described', () => {
    expect(problems((e) => { checkIntRange(e, 'n', undefined, 1, 2); checkIntRange(e, 'n', Token.asNumber({ Ref: 'N' }), 1, 2); })).toEqual([]);
    const stack = stackIn();
    const errors = new PropErrors(new Construct(stack, 'Thing'), 'Thing');
    expect(errors.hasProblems).toBe(false);
    errors.add('a', 'x', 'first');
    errors.add('b', undefined, 'second');
    errors.add('c', [1], 'third');
    errors.check(true, 'd', 1, 'never');
    expect(errors.hasProblems).toBe(true);
    expect(() => errors.throwIfAny()).toThrow("Thing at 'Test/Thing' has invalid props:\n  - a: got 'x'; first\n  - b: got undefined; second\n  - c: got [1]; third");
    expect(isResolved('x')).toBe(true);
    expect(isResolved(undefined)).toBe(false);
    expect(isResolved(token())).toBe(false);
  });

  test('whenValid actions run once, and only when there is no problem', () => {
    const runs: string[] = [];
    const ok = new PropErrors(stackIn(), 'Ok');
    ok.whenValid(() => runs.push('ok'));
    ok.throwIfAny();
    ok.throwIfAny();
    const bad = new PropErrors(stackIn(), 'Bad');
    bad.whenValid(() => runs.push('bad'));
    bad.add('x', 1, 'no');
    expect(() => bad.throwIfAny()).toThrow();
    expect(runs).toEqual(['ok']);
  });
});

describe('mutation-guided bounds and guards', () => {
  test('claims: tokens and undefined are never compared, however often they come', () => {
    const stack = stackIn();
    const kind = { prop: 'p', what: 'thing', where: 'here' };
    const t = token();
    for (const id of ['A', 'B']) {
      const c = new Construct(stack, id);
      expect(problems((e) => { claim(e, c, 'o', kind, t); claim(e, c, 'o', kind, undefined); }, c)).toEqual([]);
    }
  });

  test('claim helpers: per cluster construct, per add-on and per PersistentVolume name', () => {
    const stack = stackIn();
    const cluster = { cluster: new Construct(stack, 'Eks') };
    expect(clusterOwnerKey(cluster)).toBe('cluster:Test/Eks');
    const first = new Construct(stack, 'First');
    const second = new Construct(stack, 'Second');
    expect(problems((e) => { claimAddon(e, first, cluster, 'vpc-cni'); claimVolumeName(e, first, cluster, 'data'); }, first)).toEqual([]);
    expect(problems((e) => { claimAddon(e, second, cluster, 'vpc-cni'); claimVolumeName(e, second, cluster, 'data'); }, second)).toEqual([
      "cluster: got 'vpc-cni'; is already the vpc-cni installation of 'Test/First' on this cluster; EKS would refuse the second at deploy time: " +
      'a cluster takes each add-on once; reuse the first construct (EksCluster installs its own CoreAddons)',
      "name: got 'data'; is already the PersistentVolume name of 'Test/First' on this cluster; EKS would refuse the second at deploy time: pick another, or reuse the first",
    ]);
  });

  test('account and Region key: literal environment, or the stack when either is unknown', () => {
    expect(accountRegionKey(stackIn('eu-west-1'))).toBe('111122223333/eu-west-1');
    expect(accountRegionKey(stackIn())).toBe('stack:Test');
    const app = new App();
    expect(accountRegionKey(new Stack(app, 'RegionOnly', { env: { region: 'eu-west-1' } }))).toBe('stack:RegionOnly');
    expect(accountRegionKey(new Stack(app, 'AccountOnly', { env: { account: '111122223333' } }))).toBe('stack:AccountOnly');
  });

  test('a CIDR with host bits set covers its whole block', () => {
    expect(cidrsOverlap('10.0.0.250/24', '10.0.0.0/32')).toBe(true);
    expect(cidrWithin('10.0.0.0/32', '10.0.0.250/24')).toBe(true);
  });

  test('the kubectl layer class name must be exactly KubectlV<NN>Layer', () => {
    class MyKubectlV33Layer {}
    class KubectlV33LayerProxy {}
    expect(kubectlLayerVersion(new MyKubectlV33Layer() as any)).toBeUndefined();
    expect(kubectlLayerVersion(new KubectlV33LayerProxy() as any)).toBeUndefined();
    expect(kubectlLayerVersion(undefined as any)).toBeUndefined();
  });

  test('a key of this app with the default spec but a non-encryption usage is refused', () => {
    const stack = stackIn();
    const key = new kms.Key(stack, 'Key');
    (key.node.defaultChild as kms.CfnKey).keyUsage = kms.KeyUsage.SIGN_VERIFY;
    expect(problems((e) => checkEncryptionKey(e, stack, 'k', key), stack)).toEqual([
      "k: got 'a key with keySpec SYMMETRIC_DEFAULT and keyUsage SIGN_VERIFY'; must be a symmetric encryption key (keySpec SYMMETRIC_DEFAULT, keyUsage ENCRYPT_DECRYPT): EKS, CloudWatch Logs and the storage services encrypt with nothing else",
    ]);
  });

  function mixedSubnets(): { stack: Stack; big: ec2.ISubnet; small: ec2.ISubnet; exact: ec2.ISubnet } {
    const stack = stackIn();
    const vpc = new ec2.Vpc(stack, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'), availabilityZones: ['us-east-1a'], natGateways: 0,
      subnetConfiguration: [
        { name: 'Big', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
        { name: 'Small', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 28 },
        { name: 'Exact', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 26 },
      ],
    });
    const [big, small, exact] = vpc.isolatedSubnets;
    return { stack, big, small, exact };
  }

  test('pod IPs: the smallest subnet decides; exactly full does not warn', () => {
    const { stack, big, small, exact } = mixedSubnets();
    expect([big, small, exact].map(usableAddresses)).toEqual([251, 11, 59]);
    warnPodIpsExceedSubnets(big, [big], [new ec2.InstanceType('m5.xlarge')], 1);
    warnPodIpsExceedSubnets(exact, [exact], [new ec2.InstanceType('m5.xlarge')], 1);
    expect(warnings(stack)).toEqual([]);
    warnPodIpsExceedSubnets(small, [big, small], [new ec2.InstanceType('m5.large')], 2);
    expect(warnings(stack)).toEqual([
      'maxSize 2 nodes over 2 subnets is up to 1 nodes per subnet, which with the VPC CNI need about 30 addresses (30 per node for m5.large), ' +
      'but the smallest node subnet has 11: pods would stay Pending once it is full; give the VPC larger private subnets, lower maxSize, ' +
      'or turn on VPC CNI prefix delegation [ack: cdk-eks-architecture:pod-ips-exceed-subnets]',
    ]);
  });

  test('the full messages of the no-admin, explicit-name and kubectl-skew warnings', () => {
    class KubectlV33Layer {}
    const stack = stackIn();
    warnNoClusterAdmin(stack, []);
    warnExplicitName(stack, 'nodegroupName', 'workers', 'node group');
    warnKubectlSkew(stack, new KubectlV33Layer() as any, '1.36');
    expect(warnings(stack)).toEqual([
      'clusterAdminPrincipalArns is empty: no IAM role or user can use kubectl on this cluster until an access entry is added (the deploying identity ' +
      'gets no implicit admin); list your admin role ARNs, or acknowledge this warning if access entries are managed elsewhere [ack: cdk-eks-architecture:no-cluster-admin]',
      'nodegroupName is set: a change that replaces the node group will fail, because CloudFormation cannot create the new node group under a name the old one ' +
      'still holds; leave nodegroupName unset to let a name be generated, or acknowledge this warning [ack: cdk-eks-architecture:explicit-name]',
      'kubectlLayer is kubectl 1.33 but the cluster runs Kubernetes 1.36; kubectl supports one minor version of skew: use the layer for 1.36 ' +
      '(@aws-cdk/lambda-layer-kubectl-v36) [ack: cdk-eks-architecture:kubectl-version-skew]',
    ]);
  });

  test('a public range next to a private one passes; the private one names why', () => {
    expect(problems((e) => checkPublicAccessCidrs(e, ['192.168.0.0/16'], false))).toEqual([
      "publicAccessCidrs: got '192.168.0.0/16'; lies in 192.168.0.0/16, which is not on the internet, and EKS refuses it: the public endpoint only sees " +
      'public source addresses (your NAT or office egress IPs); from inside the VPC the private endpoint is used',
    ]);
  });

  test('a service name must begin with com.amazonaws.', () => {
    expect(shortServiceName('xcom.amazonaws.us-east-1.ecr.api')).toBeUndefined();
  });

  test('a one-character tag key is fine', () => {
    expect(tagProblems({ a: 'b' })).toEqual([]);
  });
});

describe('checks at synth', () => {
  test('tags: every resource under a watched construct, each once; others are not read', () => {
    const stack = stackIn();
    const watched = new Construct(stack, 'Watched');
    new ec2.CfnVPC(watched, 'Vpc', { cidrBlock: '10.0.0.0/16', tags: [{ key: 'aws:team', value: 'x' }] });
    const inner = new Construct(watched, 'Inner');
    new ec2.CfnVPC(inner, 'Vpc', { cidrBlock: '10.1.0.0/16', tags: [{ key: 't', value: 'v'.repeat(257) }] });
    new ec2.CfnVPC(stack, 'Other', { cidrBlock: '10.2.0.0/16', tags: [{ key: 'aws:ignored', value: 'x' }] });
    new ec2.CfnEIP(watched, 'Untagged');
    checkTagsAtSynth(watched);
    checkTagsAtSynth(inner);
    expect(stack.node.validate()).toEqual([
      "'Test/Watched/Vpc' tag key 'aws:team' begins with 'aws:', which is reserved for AWS",
      "'Test/Watched/Inner/Vpc' tag 't' has a value of 257 characters; values take at most 256",
    ]);
  });

  test('private endpoints: what an isolated VPC of this app lacks, found among the endpoints of its stack', () => {
    const stack = stackIn();
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    vpc.addInterfaceEndpoint('Ec2', { service: ec2.InterfaceVpcEndpointAwsService.EC2 });
    vpc.addGatewayEndpoint('S3', { service: ec2.GatewayVpcEndpointAwsService.S3 });
    const other = new ec2.Vpc(stack, 'Other', { natGateways: 0, subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    other.addInterfaceEndpoint('Ecr', { service: ec2.InterfaceVpcEndpointAwsService.ECR });
    const scope = new Construct(stack, 'Cluster');
    warnMissingPrivateEndpoints(scope, vpc, endpointsNodesNeed(true, false));
    expect(warnings(scope)).toEqual([
      'the VPC Test/Vpc has no internet route and no VPC endpoint for ecr.api, ecr.dkr, eks-auth, which nodes need to join and pull images ' +
      "(docs.aws.amazon.com/eks/latest/userguide/private-clusters.html): build it with CustomerVpc's privateCluster: true, add the endpoints, " +
      'or acknowledge this warning if the VPC reaches them another way [ack: cdk-eks-architecture:private-cluster-endpoints]',
    ]);
    const complete = new Construct(stack, 'Complete');
    warnMissingPrivateEndpoints(complete, vpc, ['ec2', 's3']);
    const imported = new Construct(stack, 'Imported');
    warnMissingPrivateEndpoints(imported, ec2.Vpc.fromVpcAttributes(stack, 'Theirs', { vpcId: 'vpc-1', availabilityZones: ['us-east-1a'] }), ['ec2']);
    expect([...warnings(complete), ...warnings(imported)]).toEqual([]);
  });
});
