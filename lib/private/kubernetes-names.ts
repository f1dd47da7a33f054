import { Token } from 'aws-cdk-lib';
import { PropErrors } from './prop-errors';

/**
 * The one place Kubernetes name rules live. A DNS-1123 label (namespaces, IngressClass names)
 * and a DNS-1123 subdomain (most object names, service accounts, StorageClasses, volumes).
 */
const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Whether `name` is a DNS-1123 label: at most 63 characters. */
export function isDnsLabel(name: string): boolean {
  return name.length <= 63 && DNS_1123_LABEL.test(name);
}

/** Whether `name` is a DNS-1123 subdomain: at most 253 characters. */
export function isDnsSubdomain(name: string): boolean {
  return name.length <= 253 && DNS_1123_SUBDOMAIN.test(name);
}

/** Checks a Kubernetes object name (DNS-1123 subdomain). Tokens pass. */
export function checkObjectName(errors: PropErrors, prop: string, name: string): void {
  if (Token.isUnresolved(name)) {
    return;
  }
  errors.check(isDnsSubdomain(name), prop, name,
    "must be a DNS-1123 subdomain: at most 253 characters of lowercase letters, digits, '-' and '.', starting and ending with a letter or digit");
}

/** Checks a Kubernetes namespace or other DNS-1123 label name. Tokens pass. */
export function checkDnsLabel(errors: PropErrors, prop: string, name: string): void {
  if (Token.isUnresolved(name)) {
    return;
  }
  errors.check(isDnsLabel(name), prop, name,
    "must be a DNS-1123 label: at most 63 characters of lowercase letters, digits and '-', starting and ending with a letter or digit");
}
