import { Token } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { IConstruct } from 'constructs';
import { cidrWithin, isIpv4Cidr } from './cidr';
import { PropErrors } from './prop-errors';
import { warn } from './warnings';

/**
 * Cluster-level rules of `EksCluster`, as functions of plain values so that each bound is tested
 * directly (test/private/cluster-rules.test.ts) as well as through the construct.
 */

/**
 * The most public-access CIDR blocks EKS takes per cluster ("Public endpoint access CIDR ranges per
 * cluster", not adjustable: https://docs.aws.amazon.com/eks/latest/userguide/service-quotas.html).
 */
export const MAX_PUBLIC_ACCESS_CIDRS = 40;

/**
 * Address ranges that are not on the internet, so never the source of a request to the public
 * endpoint: RFC 1918 private ranges, shared address space (RFC 6598), loopback, link-local,
 * "this network", multicast and the reserved block. EKS refuses them in `publicAccessCidrs`.
 */
export const NON_PUBLIC_RANGES = [
  '0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12',
  '192.168.0.0/16', '224.0.0.0/4', '240.0.0.0/4',
];

/**
 * Public-access CIDRs as EKS takes them: at most 40, each once, each an IPv4 block on the internet
 * (not 0.0.0.0/0 unless allowed). Tokens pass, and count towards the 40.
 */
export function checkPublicAccessCidrs(errors: PropErrors, cidrs: string[], allowAnywhere: boolean): void {
  errors.check(cidrs.length <= MAX_PUBLIC_ACCESS_CIDRS, 'publicAccessCidrs', `${cidrs.length} CIDR blocks`,
    `EKS takes at most ${MAX_PUBLIC_ACCESS_CIDRS} public access CIDR blocks per cluster (a quota that cannot be raised); merge adjacent blocks`);
  const seen = new Set<string>();
  for (const cidr of cidrs) {
    if (Token.isUnresolved(cidr)) {
      continue;
    }
    if (!isIpv4Cidr(cidr)) {
      errors.add('publicAccessCidrs', cidr, 'each entry must be an IPv4 CIDR block such as 203.0.113.0/24');
      continue;
    }
    if (seen.has(cidr)) {
      errors.add('publicAccessCidrs', cidr, 'is listed twice; list each CIDR block once');
      continue;
    }
    seen.add(cidr);
    if (cidr === '0.0.0.0/0') {
      errors.check(allowAnywhere, 'publicAccessCidrs', cidr,
        'opens the API endpoint to the whole internet; list your own CIDRs, or set allowPublicEndpointFromAnywhere: true');
      continue;
    }
    const range = NON_PUBLIC_RANGES.find((r) => cidrWithin(cidr, r));
    if (range !== undefined) {
      errors.add('publicAccessCidrs', cidr, `lies in ${range}, which is not on the internet, and EKS refuses it: ` +
        'the public endpoint only sees public source addresses (your NAT or office egress IPs); from inside the VPC the private endpoint is used');
    }
  }
}

const PRINCIPAL_ARN = /^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@/-]+$/;
const ASSUMED_ROLE_ARN = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([\w+=,.@-]+)\/[^/]+$/;

/**
 * Principals of access entries: IAM role or user ARNs (`arn:<partition>:iam::<account>:role/...`
 * or `user/...`), each once. An STS assumed-role session ARN, as `aws sts get-caller-identity`
 * prints it, is refused with the role ARN to use instead. Tokens pass.
 */
export function checkPrincipalArns(errors: PropErrors, prop: string, arns: string[]): void {
  const seen = new Set<string>();
  for (const arn of arns) {
    if (Token.isUnresolved(arn)) {
      continue;
    }
    if (seen.has(arn)) {
      errors.add(prop, arn, 'is listed twice; EKS refuses a second access entry for the same principal');
      continue;
    }
    seen.add(arn);
    const session = ASSUMED_ROLE_ARN.exec(arn);
    if (session) {
      const [, partition, account, role] = session;
      errors.add(prop, arn, `is an STS session ARN (what \`aws sts get-caller-identity\` prints), not a principal: use the role's ARN, ` +
        `arn:${partition}:iam::${account}:role/${role} (with its path, if it has one: \`aws iam get-role --role-name ${role}\`)`);
      continue;
    }
    errors.check(PRINCIPAL_ARN.test(arn), prop, arn,
      'must be the ARN of an IAM role or user, such as arn:aws:iam::111122223333:role/Admin (not a bare name, a group, the account root or an ARN of another service)');
  }
}

/** Warns when a cluster gets no admin principal: nobody but the deployment's kubectl provider can use kubectl until an access entry is added. */
export function warnNoClusterAdmin(scope: IConstruct, arns: string[] | undefined): void {
  if ((arns ?? []).length === 0) {
    warn(scope, 'no-cluster-admin', 'clusterAdminPrincipalArns is empty: no IAM role or user can use kubectl on this cluster until an access entry is added ' +
      '(the deploying identity gets no implicit admin); list your admin role ARNs, or acknowledge this warning if access entries are managed elsewhere');
  }
}

/**
 * The Kubernetes minor version a kubectl layer is for, read off the class name of the
 * `@aws-cdk/lambda-layer-kubectl-vNN` layers (`KubectlV36Layer` is 1.36), when it is one of them.
 */
export function kubectlLayerVersion(layer: lambda.ILayerVersion): string | undefined {
  const match = /^KubectlV(\d+)Layer$/.exec(layer?.constructor?.name ?? '');
  return match ? `1.${match[1]}` : undefined;
}

/**
 * Warns when the kubectl layer is more than one minor version from the cluster, outside the kubectl
 * version skew policy (https://kubernetes.io/releases/version-skew-policy/#kubectl).
 */
export function warnKubectlSkew(scope: IConstruct, layer: lambda.ILayerVersion | undefined, clusterVersion: string): void {
  if (layer === undefined || Token.isUnresolved(clusterVersion)) {
    return;
  }
  const layerVersion = kubectlLayerVersion(layer);
  if (layerVersion === undefined) {
    return;
  }
  const skew = Math.abs(Number(layerVersion.split('.')[1]) - Number(clusterVersion.split('.')[1]));
  if (skew > 1) {
    warn(scope, 'kubectl-version-skew', `kubectlLayer is kubectl ${layerVersion} but the cluster runs Kubernetes ${clusterVersion}; ` +
      `kubectl supports one minor version of skew: use the layer for ${clusterVersion} (@aws-cdk/lambda-layer-kubectl-v${clusterVersion.split('.')[1]})`);
  }
}

/** Warns that a physical name was given: CloudFormation cannot replace a custom-named resource, so a change that needs a replacement fails. */
export function warnExplicitName(scope: IConstruct, prop: string, name: string | undefined, what: string): void {
  if (name === undefined) {
    return;
  }
  warn(scope, 'explicit-name', `${prop} is set: a change that replaces the ${what} will fail, because CloudFormation cannot create the ` +
    `new ${what} under a name the old one still holds; leave ${prop} unset to let a name be generated, or acknowledge this warning`);
}
