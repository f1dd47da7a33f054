/**
 * A one-minor upgrade (N -> N+1) of the whole sample, per node mode, compared on the templates:
 * what CloudFormation would do on `cdk deploy -c kubernetesVersion=1.36` over a 1.35 stack.
 * docs/UPGRADING.md is the runbook.
 */
import { AddonVersions } from '../../lib/addons/addon-versions';
import { dependenciesOf, idsOfType } from '../helpers/template-graph';
import { MODES, sample } from './fixtures';

const FROM = '1.35';
const TO = '1.36';

/** The add-ons built per Kubernetes minor, which must move with the control plane. */
const VERSION_BOUND_ADDONS = ['vpc-cni', 'kube-proxy', 'coredns'];
/** What an upgrade may change; everything else must be byte-for-byte the same. */
const MAY_CHANGE = ['AWS::EKS::Cluster', 'AWS::EKS::Nodegroup', 'AWS::EKS::Addon', 'AWS::EC2::LaunchTemplate'];

const addon = (t: any, name: string) => Object.values(t.Resources).find((r: any) => r.Type === 'AWS::EKS::Addon' && r.Properties.AddonName === name) as any;

describe.each(MODES)(`%s: upgrade ${FROM} -> ${TO}`, (mode) => {
  const before = () => sample(mode, { kubernetesVersion: FROM }).json;
  const after = () => sample(mode, { kubernetesVersion: TO }).json;

  test('no resource changes its logical ID (so nothing stateful is replaced by a new ID)', () => {
    expect(Object.keys(after().Resources).sort()).toEqual(Object.keys(before().Resources).sort());
    // The stateful ones, named, so a failure says which.
    for (const type of ['AWS::EKS::Cluster', 'AWS::EKS::Nodegroup', 'AWS::AutoScaling::AutoScalingGroup', 'AWS::EKS::FargateProfile',
      'AWS::EFS::FileSystem', 'AWS::KMS::Key', 'AWS::Logs::LogGroup', 'AWS::EKS::Addon']) {
      expect({ type, ids: idsOfType(after(), type).sort() }).toEqual({ type, ids: idsOfType(before(), type).sort() });
    }
  });

  test('the cluster changes only its Version: no create-only property moves', () => {
    const [id] = idsOfType(before(), 'AWS::EKS::Cluster');
    const { Version: from, ...restBefore } = before().Resources[id].Properties;
    const { Version: to, ...restAfter } = after().Resources[id].Properties;
    expect([from, to]).toEqual([FROM, TO]);
    expect(restAfter).toEqual(restBefore);
  });

  test('node groups and the version-bound add-ons move with the control plane', () => {
    expect(idsOfType(after(), 'AWS::EKS::Nodegroup')).toHaveLength(mode === 'managed' ? 1 : 0);
    for (const id of idsOfType(after(), 'AWS::EKS::Nodegroup')) {
      expect([before().Resources[id].Properties.Version, after().Resources[id].Properties.Version]).toEqual([FROM, TO]);
    }
    for (const name of VERSION_BOUND_ADDONS) {
      if (!addon(before(), name)) {
        continue; // Auto Mode and Fargate bring some of them built in
      }
      expect([addon(before(), name).Properties.AddonVersion, addon(after(), name).Properties.AddonVersion])
        .toEqual([AddonVersions.pinned(name, FROM), AddonVersions.pinned(name, TO)]);
    }
    if (mode === 'managed' || mode === 'self-managed') {
      expect(addon(after(), 'kube-proxy').Properties.AddonVersion).toMatch(new RegExp(`^v${TO.replace('.', '\\.')}\\.`));
    }
  });

  test('nodes and add-ons are updated after the control plane (they depend on it), as EKS requires', () => {
    const [cluster] = idsOfType(after(), 'AWS::EKS::Cluster');
    // Every node group, add-on and launch template the upgrade changes.
    const later = ['AWS::EKS::Nodegroup', 'AWS::EKS::Addon', 'AWS::EC2::LaunchTemplate'].flatMap((type) => idsOfType(after(), type))
      .filter((id) => JSON.stringify(after().Resources[id]) !== JSON.stringify(before().Resources[id]));
    expect(later.length).toBeGreaterThanOrEqual(({ 'managed': 2, 'self-managed': 2 } as Record<string, number>)[mode] ?? 0);
    expect(later.filter((id) => !dependenciesOf(after(), id).has(cluster))).toEqual([]);
  });

  test('self-managed nodes take the AMI of the new version', () => {
    const amis = (t: any) => Object.values(t.Parameters ?? {}).map((p: any) => p.Default).filter((d: string) => /optimized-ami|bottlerocket/.test(d));
    expect(amis(after())).toEqual(amis(before()).map((d: string) => d.replace(`/${FROM}/`, `/${TO}/`)));
    expect(amis(after()).length).toBe(mode === 'self-managed' ? 1 : 0);
  });

  test('nothing but the cluster, node groups, add-ons and launch templates changes', () => {
    const changed = Object.keys(after().Resources)
      .filter((id) => JSON.stringify(after().Resources[id]).replace(/136/g, '13X') !== JSON.stringify(before().Resources[id]).replace(/135/g, '13X'))
      .map((id) => `${id} (${after().Resources[id].Type})`);
    expect(changed.filter((c) => !MAY_CHANGE.some((type) => c.endsWith(`(${type})`)))).toEqual([]);
  });
});
