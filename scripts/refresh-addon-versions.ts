/**
 * Checks, and with --write refreshes, the add-on version table (lib/private/addon-versions.ts)
 * against `aws eks describe-addon-versions`. A release step (docs/RELEASING.md): it needs AWS
 * credentials for any account and region, and reads nothing else.
 *
 *   node --import tsx scripts/refresh-addon-versions.ts            # check: exit 1 if a pin is not offered
 *   node --import tsx scripts/refresh-addon-versions.ts --write    # move each pin to the newest build of its major line
 *
 * Without credentials (or without the AWS CLI) it exits 2 having checked nothing: the table's
 * offline evidence (comments next to each row) is then all there is.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ADDON_VERSIONS } from '../lib/private/addon-versions';
import { SUPPORTED_KUBERNETES_VERSIONS } from '../lib/private/kubernetes-versions';

/** What EKS offers for one add-on on one Kubernetes version: builds newest first, and its default. */
export interface Offered {
  readonly versions: string[];
  readonly defaultVersion?: string;
}

/** Asks EKS (through the AWS CLI) what it offers. Throws when the CLI or credentials are missing. */
export function describeAddonVersions(addonName: string, kubernetesVersion: string): Offered {
  const out = execFileSync('aws', ['eks', 'describe-addon-versions', '--addon-name', addonName,
    '--kubernetes-version', kubernetesVersion, '--output', 'json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const addon = JSON.parse(out).addons?.[0];
  const entries: any[] = addon?.addonVersions ?? [];
  return {
    versions: entries.map((e) => e.addonVersion),
    defaultVersion: entries.find((e) => (e.compatibilities ?? []).some((c: any) => c.defaultVersion))?.addonVersion,
  };
}

/** One cell of the table, compared with what EKS offers. */
export interface CellReport {
  readonly addonName: string;
  readonly kubernetesVersion: string;
  readonly pinned: string;
  readonly offered: boolean;
  readonly newestSameMajor?: string;
  readonly eksDefault?: string;
}

const major = (v: string) => v.slice(1).split('.')[0];

/** Compares every cell of `table` with `describe`'s answer. */
export function checkTable(table: Readonly<Record<string, Readonly<Record<string, string>>>>, kubernetesVersions: readonly string[],
  describe: (addonName: string, kubernetesVersion: string) => Offered): CellReport[] {
  const reports: CellReport[] = [];
  for (const [addonName, row] of Object.entries(table)) {
    for (const k of kubernetesVersions) {
      const pinned = row[k];
      const offered = describe(addonName, k);
      reports.push({
        addonName, kubernetesVersion: k, pinned,
        offered: offered.versions.includes(pinned),
        newestSameMajor: offered.versions.find((v) => major(v) === major(pinned)),
        eksDefault: offered.defaultVersion,
      });
    }
  }
  return reports;
}

/** The table source with each cell moved to `newestSameMajor` (comments and layout kept). */
export function rewriteTable(source: string, reports: CellReport[]): string {
  let out = source;
  for (const r of reports) {
    if (!r.newestSameMajor || r.newestSameMajor === r.pinned) {
      continue;
    }
    const block = new RegExp(`('${r.addonName}': \\{[^}]*?'${r.kubernetesVersion.replace('.', '\\.')}': )'${r.pinned.replace(/\./g, '\\.')}'`);
    out = out.replace(block, `$1'${r.newestSameMajor}'`);
  }
  return out;
}

function main(): number {
  const write = process.argv.includes('--write');
  let reports: CellReport[];
  try {
    reports = checkTable(ADDON_VERSIONS, SUPPORTED_KUBERNETES_VERSIONS, describeAddonVersions);
  } catch (e) {
    process.stderr.write(`Could not call aws eks describe-addon-versions (AWS CLI and credentials needed); nothing was checked.\n${String(e).split('\n')[0]}\n`);
    return 2;
  }
  for (const r of reports) {
    const state = r.offered ? 'ok     ' : 'MISSING';
    process.stdout.write(`${state} ${r.addonName.padEnd(26)} ${r.kubernetesVersion} pinned ${r.pinned.padEnd(22)} newest ${r.newestSameMajor ?? '-'} default ${r.eksDefault ?? '-'}\n`);
  }
  if (write) {
    const file = path.join(__dirname, '..', 'lib', 'private', 'addon-versions.ts');
    fs.writeFileSync(file, rewriteTable(fs.readFileSync(file, 'utf8'), reports));
    process.stdout.write(`Rewrote ${file}: update the evidence comments, docs/ADDONS.md and the snapshot (npx jest test/sample/stability.test.ts -u).\n`);
    return 0;
  }
  return reports.every((r) => r.offered) ? 0 : 1;
}

if (require.main === module) {
  process.exitCode = main();
}
