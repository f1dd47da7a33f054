#!/usr/bin/env bash
# Translates the README's TypeScript examples (embedded in the .jsii assembly) to Python, Java, C#
# and Go with jsii-rosetta, strictly: every snippet must compile, or this fails. The translations go
# to the implicit tablet .jsii.tabl.json beside the assembly, where jsii-pacmak picks them up for
# the READMEs and docstrings of the generated packages. Run after `npm run build`.
#
# Offline: rosetta normally `npm install`s the examples' dependencies into a temp folder. Instead it
# compiles in a temp folder whose node_modules links this package and the installed aws-cdk-lib,
# constructs and @aws-cdk/lambda-layer-kubectl-v36 (package.json jsiiRosetta.exampleDependencies,
# which Construct Hub also reads). Under 15 s on 2 cores.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
if [ ! -f .jsii ]; then
  echo "scripts/rosetta.sh: no .jsii assembly; run npm run build first" >&2
  exit 1
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
pkg="$(node -p "require('./package.json').name")"
mkdir -p "$work/node_modules"
ln -s "$root" "$work/node_modules/$pkg"
# The package's peer dependencies, its example dependencies and aws-cdk-lib's own dependencies.
deps="$(node -p "
  const p = require('./package.json');
  const cdk = require('aws-cdk-lib/package.json');
  [...new Set([...Object.keys(p.peerDependencies), ...Object.keys(p.jsiiRosetta.exampleDependencies), ...Object.keys(cdk.dependencies)])].join(' ')
")"
for dep in $deps; do
  [ -e "$root/node_modules/$dep" ] || continue # bundled inside aws-cdk-lib
  mkdir -p "$(dirname "$work/node_modules/$dep")"
  ln -s "$root/node_modules/$dep" "$work/node_modules/$dep"
done
rm -f .jsii.tabl.json
"$root/node_modules/.bin/jsii-rosetta" extract --strict --directory "$work" .jsii
node -e "
  const t = require('./.jsii.tabl.json');
  const snippets = Object.values(t.snippets);
  const bad = snippets.filter((s) => !s.didCompile || !['python', 'java', 'csharp', 'go'].every((l) => s.translations[l]));
  if (snippets.length === 0 || bad.length > 0) { console.error('rosetta: ' + bad.length + ' of ' + snippets.length + ' snippets not compiled and translated'); process.exit(1); }
  console.log('rosetta: ' + snippets.length + ' README snippets compile and translate to Python, Java, C# and Go');
"
