import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const root = path.join(__dirname, '..');
const assemblyFile = path.join(root, '.jsii');

/**
 * The jsii assembly: what Python, Java, .NET and Go see. Built here (jsii, about 6 s) when
 * `npm run build` has not run, or ran before the last change to lib/.
 */
function assembly(): any {
  const newestSource = Math.max(...listFiles(path.join(root, 'lib')).map((f) => fs.statSync(f).mtimeMs));
  if (!fs.existsSync(assemblyFile) || fs.statSync(assemblyFile).mtimeMs < newestSource) {
    execFileSync('bash', [path.join(root, 'scripts/build.sh')], { cwd: root, stdio: 'pipe' });
  }
  return JSON.parse(fs.readFileSync(assemblyFile, 'utf8'));
}

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

describe('the jsii assembly (the API of every other language)', () => {
  let types: any[];
  beforeAll(() => {
    types = Object.values(assembly().types);
  });

  test('holds the cluster handle, its adapter facts and every capability', () => {
    const names = types.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining([
      'IEksCluster', 'EksCluster', 'EksClusterAttributes', 'EksClusterProps',
      'EbsCsiStorageOptions', 'EfsCsiStorageOptions', 'FsxLustreCsiStorageOptions', 'AlbIngressOptions', 'WorkloadRoleOptions',
    ]));
    const handle = types.find((t) => t.name === 'IEksCluster');
    expect(handle.kind).toBe('interface');
    expect(handle.methods.map((m: any) => m.name).sort()).toEqual(['registerCapacity', 'waitForCapacity']);
  });

  test('holds no internal type: nothing from lib/private, no bind context or cluster props of a node mode', () => {
    expect(types.filter((t) => /(^|\/)private\//.test(t.locationInModule?.filename ?? '')).map((t) => t.fqn)).toEqual([]);
    expect(types.map((t) => t.name)).not.toEqual(expect.arrayContaining(['NodeModeBindContext']));
    expect(types.map((t) => t.name)).not.toEqual(expect.arrayContaining(['NodeModeClusterProps']));
    expect(types.filter((t) => t.name.startsWith('_')).map((t) => t.fqn)).toEqual([]);
  });

  test('holds no underscore member: internal methods stay TypeScript-only', () => {
    const members = types.flatMap((t) => [...(t.properties ?? []), ...(t.methods ?? [])].map((m: any) => `${t.name}.${m.name}`));
    expect(members.filter((m) => m.split('.')[1].startsWith('_'))).toEqual([]);
    expect(members).toEqual(expect.arrayContaining(['NodeMode.type', 'EksCluster.addEbsStorage']));
  });

  test('names one concept one way: no subnets/nodeSubnets/version props, vpcSubnets and kubernetesVersion instead', () => {
    const props = types.flatMap((t) => (t.properties ?? []).map((p: any) => p.name));
    expect(props.filter((p) => ['subnets', 'nodeSubnets', 'version', 'clientSecurityGroups'].includes(p))).toEqual([]);
    expect(props).toEqual(expect.arrayContaining(['vpcSubnets', 'kubernetesVersion', 'addonVersion']));
  });
});
