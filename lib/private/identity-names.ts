import { Token } from 'aws-cdk-lib';
import { isDnsLabel } from './kubernetes-names';
import { PropErrors } from './prop-errors';

/**
 * The one naming scheme of the published cluster identity, shared by the publisher
 * (`ClusterIdentity`) and the importer (`ClusterIdentity.importCluster`), so the two cannot drift:
 * `/cdk-eks-architecture/<platform name>/cluster/<key>`.
 */
export const IDENTITY_ROOT = '/cdk-eks-architecture';

/** Every key of the scheme, in the order of the README's table. */
export const IDENTITY_KEYS = [
  'name', 'arn', 'endpoint', 'certificate-authority', 'security-group-id', 'oidc-issuer', 'oidc-provider-arn',
  'node-security-group-ids', 'kubectl-service-token', 'kubectl-role-arn', 'vpc-id', 'private-subnet-ids',
  'availability-zones', 'kubernetes-version', 'node-mode',
] as const;

/** One key of the scheme. */
export type IdentityKey = typeof IDENTITY_KEYS[number];

/** The parameter path every parameter of `platformName` starts with, ending in `/`. */
export function identityPrefix(platformName: string): string {
  return `${IDENTITY_ROOT}/${platformName}/cluster/`;
}

/** The SSM parameter name of `key` for `platformName`. */
export function identityParameterName(platformName: string, key: IdentityKey): string {
  return `${identityPrefix(platformName)}${key}`;
}

/**
 * Checks a platform name: a DNS-1123 label, which keeps every parameter name valid and one path
 * segment deep. A full parameter name or path in its place is named as such. Tokens pass.
 */
export function checkPlatformName(errors: PropErrors, prop: string, name: string | undefined): void {
  if (name === undefined) {
    errors.add(prop, name, 'is required: the platform name the identity is published under');
    return;
  }
  if (Token.isUnresolved(name)) {
    return;
  }
  const scheme = `${identityPrefix('<platformName>')}<key>`;
  if (name.includes('/')) {
    errors.add(prop, name, `must be the platform's name, not a parameter name or path: the parameters are ${scheme}`);
    return;
  }
  errors.check(isDnsLabel(name), prop, name,
    `must be a DNS-1123 label (at most 63 characters of lowercase letters, digits and '-', starting and ending with a letter or digit): the parameters are ${scheme}`);
}
