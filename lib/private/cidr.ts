import { Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';

/** Whether `cidr` is a well-formed IPv4 CIDR block such as `203.0.113.0/24`. */
export function isIpv4Cidr(cidr: string): boolean {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!match) {
    return false;
  }
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  return octets.every((o) => o <= 255) && prefix <= 32;
}

/** The first and last address of a well-formed IPv4 CIDR block, as numbers. */
function cidrRange(cidr: string): [number, number] {
  const [ip, bits] = cidr.split('/');
  const base = ip.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
  const size = 2 ** (32 - Number(bits));
  const start = base - (base % size);
  return [start, start + size - 1];
}

/** Whether two well-formed IPv4 CIDR blocks share an address. */
export function cidrsOverlap(a: string, b: string): boolean {
  const [aStart, aEnd] = cidrRange(a);
  const [bStart, bEnd] = cidrRange(b);
  return aStart <= bEnd && bStart <= aEnd;
}

/** Whether the well-formed IPv4 CIDR block `inner` lies inside `outer`. */
export function cidrWithin(inner: string, outer: string): boolean {
  const [iStart, iEnd] = cidrRange(inner);
  const [oStart, oEnd] = cidrRange(outer);
  return iStart >= oStart && iEnd <= oEnd;
}

/** The VPC's primary CIDR when it is known at synth time (a VPC of this app, or an imported literal), else undefined. */
export function literalVpcCidr(vpc: ec2.IVpc): string | undefined {
  const candidates: unknown[] = [];
  try {
    candidates.push(vpc.vpcCidrBlock);
  } catch {
    // An imported VPC without its CIDR block throws when asked for it.
  }
  const cfn = vpc.node.defaultChild;
  if (cfn instanceof ec2.CfnVPC) {
    candidates.push(cfn.cidrBlock);
  }
  for (const c of candidates) {
    if (typeof c === 'string' && !Token.isUnresolved(c) && isIpv4Cidr(c)) {
      return c;
    }
  }
  return undefined;
}
