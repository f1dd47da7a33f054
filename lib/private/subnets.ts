import { Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { PropErrors } from './prop-errors';

/**
 * Checks that `subnets` exist and span at least 2 Availability Zones (what EKS requires of the
 * control plane's subnets and what high availability requires of nodes). Token AZs, as in an
 * env-agnostic stack, count as distinct.
 */
export function checkSpansTwoAzs(errors: PropErrors, prop: string, subnets: ec2.ISubnet[], what: string): void {
  if (subnets.length === 0) {
    errors.add(prop, 'no subnets', `${what} need private subnets in at least 2 Availability Zones`);
    return;
  }
  if (subnets.length === 1 && Token.isUnresolved(subnets[0].availabilityZone)) {
    // One subnet is one AZ, even when that AZ is only known at deploy time.
    errors.add(prop, 'one subnet', `${what} need subnets in at least 2 Availability Zones`);
    return;
  }
  const azs = subnets.map((s) => s.availabilityZone);
  if (azs.some((az) => az === undefined || Token.isUnresolved(az))) {
    return;
  }
  const distinct = [...new Set(azs)];
  errors.check(distinct.length >= 2, prop, `subnets in ${distinct.join(', ')}`, `${what} need subnets in at least 2 Availability Zones`);
}

/** Subnet tag that tells the AWS Load Balancer Controller where internet-facing load balancers go. */
export const PUBLIC_ELB_TAG = 'kubernetes.io/role/elb';
/** Subnet tag that tells the AWS Load Balancer Controller where internal load balancers go. */
export const INTERNAL_ELB_TAG = 'kubernetes.io/role/internal-elb';

/** Whether a VPC has isolated subnets and no private subnets with egress (a private cluster's VPC). */
export function isIsolatedOnly(vpc: ec2.IVpc): boolean {
  return vpc.privateSubnets.length === 0 && vpc.isolatedSubnets.length > 0;
}

/** The private subnets of a VPC where nodes and the control plane go: with egress, else isolated. */
export function privateSubnetSelection(vpc: ec2.IVpc): ec2.SubnetSelection {
  return { subnetType: isIsolatedOnly(vpc) ? ec2.SubnetType.PRIVATE_ISOLATED : ec2.SubnetType.PRIVATE_WITH_EGRESS };
}

/** The subnets a selection picks, or none where the VPC has no subnet group of the asked type. */
export function selectSubnetsOrNone(vpc: ec2.IVpc, selection: ec2.SubnetSelection): ec2.ISubnet[] {
  try {
    return vpc.selectSubnets(selection).subnets;
  } catch {
    return [];
  }
}
