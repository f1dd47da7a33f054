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
import { App, Stack } from 'aws-cdk-lib';
import { CustomerVpc, EksCluster, NodeMode } from '$pkg';

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
TS
"$root/node_modules/.bin/tsc" --noEmit --strict --skipLibCheck --target ES2022 --module commonjs --moduleResolution node --types node --typeRoots "$root/node_modules/@types" app.ts
"$root/node_modules/.bin/tsc" --strict --skipLibCheck --target ES2022 --module commonjs --moduleResolution node --types node --typeRoots "$root/node_modules/@types" app.ts
node app.js
