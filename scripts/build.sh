#!/usr/bin/env bash
# The library build (`npm run build`): jsii compiles lib/ with tsconfig.build.json into dist/
# (dist/index.js, dist/index.d.ts, as before) and writes the jsii assembly `.jsii` at the root,
# which jsii-pacmak (Python, Java, .NET, Go), jsii-docgen (API.md) and jsii-rosetta read.
# dist/ and .jsii are removed first, so a file deleted or moved in lib/ never lingers in the package.
#
# --fail-on-warnings: every jsii warning fails the build, except the one silenced below.
# --silence-warnings reserved-word (JSII5018): jsii warns about the props `namespace` (a C# keyword)
#   and `type` (a Go keyword). Both are the Kubernetes and EKS words for what they hold, and
#   neither reaches C# or Go as written: jsii renders properties in PascalCase there (`Namespace`,
#   `Type`), exactly as aws-cdk-lib ships its own `namespace` and `type` props. Only this one
#   diagnostic is silenced (not its category, language-compatibility), and silenced warnings stay
#   recorded in the assembly. Renaming them would make the TypeScript API worse for no binding's
#   benefit.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
rm -rf dist .jsii
exec "$root/node_modules/.bin/jsii" --fail-on-warnings --silence-warnings reserved-word "$@"
