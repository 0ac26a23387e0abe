#!/usr/bin/env bash
# The whole test suite: infrastructure up, install, build, then unit and end-to-end tests.
# Extra arguments go to vitest (e.g. `npm test -- libs/raft`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-infra.sh
bash scripts/install.sh
# Type-checks the tests too; the build leaves them out.
npx tsc -p tsconfig.json --noEmit
npx eslint .
npx vitest run "$@"
