import * as fs from 'fs';
import * as path from 'path';
import { checkTable, Offered, rewriteTable } from '../../scripts/refresh-addon-versions';
import { ADDON_VERSIONS } from '../../lib/private/addon-versions';
import { SUPPORTED_KUBERNETES_VERSIONS } from '../../lib/private/kubernetes-versions';

// The release-step script (docs/RELEASING.md), with `aws eks describe-addon-versions` replaced by a fake.

describe('scripts/refresh-addon-versions.ts', () => {
  const table = { 'coredns': { '1.35': 'v1.14.3-eksbuild.3', '1.36': 'v1.14.3-eksbuild.3' } };
  const offers: Record<string, Offered> = {
    '1.35': { versions: ['v2.0.0-eksbuild.1', 'v1.14.6-eksbuild.4', 'v1.14.3-eksbuild.3'], defaultVersion: 'v1.14.3-eksbuild.3' },
    '1.36': { versions: ['v1.14.6-eksbuild.4'], defaultVersion: 'v1.14.6-eksbuild.4' },
  };

  test('reports each pin EKS offers, or MISSING, with the newest build of the same major and the EKS default', () => {
    // GIVEN a fake EKS WHEN the table is checked
    const reports = checkTable(table, ['1.35', '1.36'], (_a, k) => offers[k]);
    // THEN
    expect(reports).toEqual([
      { addonName: 'coredns', kubernetesVersion: '1.35', pinned: 'v1.14.3-eksbuild.3', offered: true, newestSameMajor: 'v1.14.6-eksbuild.4', eksDefault: 'v1.14.3-eksbuild.3' },
      { addonName: 'coredns', kubernetesVersion: '1.36', pinned: 'v1.14.3-eksbuild.3', offered: false, newestSameMajor: 'v1.14.6-eksbuild.4', eksDefault: 'v1.14.6-eksbuild.4' },
    ]);
  });

  test('--write moves only the named cell, keeping comments and the other rows', () => {
    // GIVEN the real table source
    const source = fs.readFileSync(path.join(__dirname, '..', '..', 'lib', 'private', 'addon-versions.ts'), 'utf8');
    // WHEN one kube-proxy cell has a newer build
    const reports = checkTable(ADDON_VERSIONS, SUPPORTED_KUBERNETES_VERSIONS, (a, k) => ({
      versions: a === 'kube-proxy' && k === '1.36' ? ['v1.36.0-eksbuild.25', ADDON_VERSIONS[a][k]] : [ADDON_VERSIONS[a][k]],
    }));
    const rewritten = rewriteTable(source, reports);
    // THEN that cell changed and nothing else
    expect(rewritten).toContain("'1.36': 'v1.36.0-eksbuild.25'");
    expect(rewritten.replace("'1.36': 'v1.36.0-eksbuild.25'", `'1.36': '${ADDON_VERSIONS['kube-proxy']['1.36']}'`)).toBe(source);
  });
});
