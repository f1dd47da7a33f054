#!/usr/bin/env bash
# Release step: check (or, with --write, refresh) lib/private/addon-versions.ts against
# `aws eks describe-addon-versions`. Needs the AWS CLI and credentials. See docs/ADDONS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
exec node --import tsx scripts/refresh-addon-versions.ts "$@"
