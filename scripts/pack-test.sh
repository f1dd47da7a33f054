#!/usr/bin/env bash
# Proves the published package works for another CDK app: pack the library, install the tarball
# into a throwaway app in a temp folder, type-check an import of it, and synth with it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export CDK_DISABLE_CLI_TELEMETRY=true

cd "$root"
npm run --silent build
tarball="$(npm pack --silent --pack-destination "$work" | tail -n 1)"
echo "packed $tarball ($(du -h "$work/$tarball" | cut -f1))"

mkdir "$work/app" && cd "$work/app"
cdk_version="$(node -p "require('$root/node_modules/aws-cdk-lib/package.json').version")"
constructs_version="$(node -p "require('$root/node_modules/constructs/package.json').version")"
cat > package.json <<JSON
{ "name": "throwaway-consumer", "version": "0.0.0", "private": true }
JSON
# Peer dependencies at the versions this repo tests with; --prefer-offline reuses npm's cache.
npm install --silent --no-audit --no-fund --prefer-offline \
  "$work/$tarball" "aws-cdk-lib@$cdk_version" "constructs@$constructs_version"

pkg="$(node -p "require('$root/package.json').name")"
cat > app.ts <<TS
import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import { CustomerVpc, EksCluster, NodeMode, WorkloadRole } from '$pkg';

const app = new App({ builtinCloudFormationValidation: false });
const stack = new Stack(app, 'Consumer');
const network = new CustomerVpc(stack, 'Network');
new EksCluster(stack, 'Cluster', { vpc: network.vpc, nodeMode: NodeMode.managed() });
const template = app.synth().getStackByName('Consumer').template;
const types = Object.values(template.Resources).map((r: any) => r.Type);
if (!types.includes('AWS::EKS::Cluster') || !types.includes('AWS::EC2::VPC')) {
  throw new Error('the packed library did not synthesize a VPC and an EKS cluster');
}
console.log('consumer app synthesized ' + types.length + ' resources from the packed library');

// A sample of the synth-time rules (docs/VALIDATION.md), seen from outside the package.
function refused(what: string, build: (stack: Stack) => void, message: RegExp): void {
  const s = new Stack(new App(), 'Bad', { env: { account: '111122223333', region: 'us-east-1' } });
  try {
    build(s);
  } catch (e) {
    if (!message.test((e as Error).message)) {
      throw new Error(what + ': refused with the wrong message: ' + (e as Error).message);
    }
    return;
  }
  throw new Error(what + ': was not refused');
}
const vpcOf = (s: Stack) => new CustomerVpc(s, 'Network', { availabilityZones: ['us-east-1a', 'us-east-1b'] }).vpc;
refused('an STS session ARN', (s) => new EksCluster(s, 'C', { vpc: vpcOf(s), clusterAdminPrincipalArns: ['arn:aws:sts::111122223333:assumed-role/Admin/me'] }),
  /clusterAdminPrincipalArns: got .*use the role's ARN, arn:aws:iam::111122223333:role\/Admin/);
refused('an AZ ID', (s) => new CustomerVpc(s, 'N', { availabilityZones: ['use1-az1', 'use1-az2'] }), /availabilityZones: got 'use1-az1'; is an Availability Zone ID/);
refused('an unknown prop', (s) => new EksCluster(s, 'C', { vpc: vpcOf(s), kubernetesVerison: '1.36' } as any), /kubernetesVerison: .*did you mean 'kubernetesVersion'/);
refused('a private public-access CIDR', (s) => new EksCluster(s, 'C', { vpc: vpcOf(s), publicAccessCidrs: ['10.0.0.0/8'] }), /publicAccessCidrs: got '10.0.0.0\/8'; lies in 10.0.0.0\/8/);
refused('a token maxAzs', (s) => new CustomerVpc(s, 'N', { maxAzs: new CfnParameter(s, 'Azs', { type: 'Number' }).valueAsNumber }), /maxAzs: got 'a token'; .* must be a literal value/);
refused('a node group name used twice', (s) => {
  const c = new EksCluster(s, 'C', { vpc: vpcOf(s), nodeMode: NodeMode.managed({ nodegroupName: 'workers' }) });
  c.addManagedNodeGroup('More', { nodegroupName: 'workers' });
}, /nodegroupName: got 'workers'; is already the node group name/);

// Tokens for the string and number props that accept them synthesize, and reach the template.
const tokenApp = new App({ builtinCloudFormationValidation: false });
const tokens = new Stack(tokenApp, 'Tokens');
const p = (id: string) => new CfnParameter(tokens, id).valueAsString;
const n = (id: string) => new CfnParameter(tokens, id, { type: 'Number' }).valueAsNumber;
const cluster = new EksCluster(tokens, 'Cluster', {
  vpc: new CustomerVpc(tokens, 'Network').vpc, clusterName: p('Name'), serviceIpv4Cidr: p('ServiceCidr'),
  publicAccessCidrs: [p('Cidr')], clusterAdminPrincipalArns: [p('Admin')],
  nodeMode: NodeMode.managed({ nodegroupName: p('Group'), minSize: n('Min'), maxSize: n('Max'), maxUnavailable: n('Unavailable') }),
});
new WorkloadRole(tokens, 'Role', { cluster, namespace: p('Namespace'), serviceAccount: p('ServiceAccount') });
const tokenTemplate = JSON.stringify(tokenApp.synth().getStackByName('Tokens').template.Resources);
for (const ref of ['Name', 'ServiceCidr', 'Cidr', 'Admin', 'Group', 'Max', 'Unavailable', 'Namespace', 'ServiceAccount']) {
  if (!tokenTemplate.includes('{"Ref":"' + ref + '"}')) {
    throw new Error('the token parameter ' + ref + ' did not reach the template');
  }
}
console.log('the packed library refuses 6 sampled bad inputs and takes tokens for 9 props');
TS
"$root/node_modules/.bin/tsc" --noEmit --strict --skipLibCheck --target ES2022 --module commonjs --moduleResolution node --types node --typeRoots "$root/node_modules/@types" app.ts
"$root/node_modules/.bin/tsc" --strict --skipLibCheck --target ES2022 --module commonjs --moduleResolution node --types node --typeRoots "$root/node_modules/@types" app.ts
node app.js
