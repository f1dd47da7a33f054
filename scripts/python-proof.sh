#!/usr/bin/env bash
# What can be proven about the Python package here, offline (no PyPI: the `jsii`, `aws-cdk-lib` and
# `constructs` Python packages cannot be installed, so the module cannot be imported or run):
#   1. every generated .py file byte-compiles (python3 -m compileall, this machine's Python 3.11);
#   2. the generated setup.py builds a source distribution with the setuptools already installed
#      (no build isolation, no downloads), and its metadata names the right distribution, version,
#      Python versions and dependencies;
#   3. the Python module exposes every type of the jsii assembly, and the jsii tarball it embeds
#      (what the Python runtime loads into node) holds exactly this build's assembly.
# Run after scripts/pacmak.sh.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
outdir="$(node -p "require('./package.json').jsii.outdir")"
py="$outdir/python"
[ -f "$py/setup.py" ] || { echo "scripts/python-proof.sh: no $py/setup.py; run scripts/pacmak.sh first" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

python3 -m compileall -q "$py/src" > "$work/compileall.log" || { cat "$work/compileall.log" >&2; exit 1; }
# setup.py writes its egg-info into src/: build from a copy so dist-pacmak/ stays as generated.
cp -r "$py" "$work/python"
(cd "$work/python" && python3 -W ignore setup.py -q sdist --dist-dir "$work/sdist" > "$work/sdist.log" 2>&1) || { cat "$work/sdist.log" >&2; exit 1; }
python3 "$root/scripts/python-proof.py" "$root" "$py" "$work/sdist"
