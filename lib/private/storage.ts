import { Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';
import type { IEksCluster } from '../cluster/i-eks-cluster';
import { addonVersionProblem, ADDON_VERSIONS } from './addon-versions';
import { tryRead } from './cluster-facts';
import { PropErrors } from './prop-errors';

/**
 * What the storage constructs share: the CSI driver add-on version, and
 * the node security groups that storage traffic is allowed from.
 */

/**
 * The version of a CSI driver add-on to install: `given` (checked against the pinned major), else
 * the one pinned for the cluster's Kubernetes version. Records an error when it is neither given
 * nor pinned, naming `addonVersion`.
 */
export function csiAddonVersion(errors: PropErrors, addonName: string, given: string | undefined, kubernetesVersion: string): string | undefined {
  if (given !== undefined) {
    const problem = addonVersionProblem(addonName, given, kubernetesVersion);
    if (problem) {
      errors.add('addonVersion', given, problem);
    }
    return given;
  }
  const pinned = Token.isUnresolved(kubernetesVersion) ? undefined : ADDON_VERSIONS[addonName]?.[kubernetesVersion];
  errors.check(pinned !== undefined, 'addonVersion', undefined,
    `lib/private/addon-versions.ts pins no ${addonName} version for Kubernetes ${Token.isUnresolved(kubernetesVersion) ? '(a token)' : kubernetesVersion}; ` +
    "pass one such as 'v1.5.0-eksbuild.1' (`aws eks describe-addon-versions --addon-name " + addonName + '`)');
  return pinned;
}

/** The cluster's node security groups, each once (the clients that storage allows traffic from). */
export function nodeClientGroups(cluster: IEksCluster): ec2.ISecurityGroup[] {
  const seen = new Set<string>();
  return cluster.nodeSecurityGroups.filter((group) => {
    const key = group.node.path;
    if (seen.has(key)) {
      return false;
    }
    seen.add(key);
    return true;
  });
}

/**
 * Fails synth when capacity added to the cluster after `scope` brought security groups that
 * `allowed` does not cover: their nodes could not reach the storage. Names the way out.
 */
export function requireNodeGroupsCovered(scope: IConstruct, cluster: IEksCluster, allowed: ec2.ISecurityGroup[], what: string): void {
  scope.node.addValidation({
    validate: () => {
      const missing = nodeClientGroups(cluster).filter((group) => !allowed.includes(group));
      return missing.length === 0 ? [] : [
        `${what} at '${scope.node.path}' allows traffic only from the node security groups the cluster had when it was created; ` +
        `${missing.map((g) => g.node.path).join(', ')} came later: add the storage after the capacity whose nodes use it`,
      ];
    },
  });
}

/**
 * The subnets of `selection`, one per Availability Zone (the first of each), for storage that takes
 * one subnet per AZ. A subnet whose AZ cannot be read counts as its own AZ.
 */
export function oneSubnetPerAz(subnets: ec2.ISubnet[]): ec2.ISubnet[] {
  const byAz = new Map<string, ec2.ISubnet>();
  for (const subnet of subnets) {
    const az = tryRead(() => subnet.availabilityZone) ?? `unknown:${subnet.subnetId}`;
    if (!byAz.has(az)) {
      byAz.set(az, subnet);
    }
  }
  return [...byAz.values()];
}
