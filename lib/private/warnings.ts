import { Annotations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * The warnings this library gives for legal but risky choices, by stable id. Each is
 * acknowledgeable with `Annotations.of(scope).acknowledgeWarning('cdk-eks-architecture:<id>')`,
 * and each is listed with its message in docs/VALIDATION.md (a test keeps the two in step).
 */
export const WARNING_IDS = [
  'no-cluster-admin',
  'duplicate-instance-types',
  'kubectl-version-skew',
  'pod-ips-exceed-subnets',
  'private-cluster-endpoints',
  'explicit-name',
  'explicit-nodegroup-name',
  'explicit-fargate-profile-name',
  'removal-policy-destroy',
  'self-managed-nodes-without-drain',
  'extended-support',
  'version-past-standard-support',
  'control-plane-egress-customer-routed',
  'session-policy-with-session-tags',
] as const;

/** One of {@link WARNING_IDS}. */
export type WarningId = typeof WARNING_IDS[number];

/** The full, acknowledgeable id of a warning: `cdk-eks-architecture:<id>`. */
export function warningId(id: WarningId): string {
  return `cdk-eks-architecture:${id}`;
}

/** Adds the acknowledgeable warning `id` to `scope`. */
export function warn(scope: IConstruct, id: WarningId, message: string): void {
  Annotations.of(scope).addWarningV2(warningId(id), message);
}
