#!/usr/bin/env bash
# Generates the sources of every jsii target (Python, Java, .NET, Go, and the npm tarball they
# embed) into dist-pacmak/ (package.json jsii.outdir, git-ignored) with jsii-pacmak --code-only:
# no python, java, dotnet or go toolchain and no registry other than npm is needed. Examples come
# from the rosetta tablet (scripts/rosetta.sh); a README snippet without a translation fails.
# Run after `npm run build` and scripts/rosetta.sh. A release runs jsii-pacmak without --code-only
# on a machine with the toolchains (see the report / RELEASING notes).
#
# jsii.outdir is not dist/: dist/ is tsc's output, and jsii's symbol ids strip jsii.outdir from the
# path of every .d.ts, so sharing the folder would break rosetta's type lookups for this package.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
if [ ! -f .jsii ]; then
  echo "scripts/pacmak.sh: no .jsii assembly; run npm run build first" >&2
  exit 1
fi
# --no-npmignore: pacmak would otherwise write a .npmignore into the repo (package.json "files" rules).
# --force: regenerate even if dist-pacmak/ has the same fingerprint (it is cheap).
"$root/node_modules/.bin/jsii-pacmak" --code-only --no-npmignore --force --rosetta-unknown-snippets fail "$@"
outdir="$(node -p "require('./package.json').jsii.outdir")"
for target in js python java dotnet go; do
  [ -d "$outdir/$target" ] || { echo "scripts/pacmak.sh: $outdir/$target was not generated" >&2; exit 1; }
done
echo "pacmak: generated $(find "$outdir" -type f | wc -l) files in $outdir/ ($(du -sh "$outdir" | cut -f1))"
