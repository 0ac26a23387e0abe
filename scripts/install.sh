#!/usr/bin/env bash
# Installs dependencies (when package-lock.json changed since the last install) and builds.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v node >/dev/null || ! node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)'; then
  echo "Quarry needs Node.js 20 or newer (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # Not `npm ci`: the registry our machines reach serves only linux builds of packages with
  # per-platform optional binaries (swc, buf, lmdb), so the lock file cannot list the others and
  # `npm ci` rejects it as out of sync. `npm install` installs exactly the locked versions.
  npm install --no-audit --no-fund
fi
npm run build
