#!/usr/bin/env bash
# Quick start: infrastructure up, install, build, a local cluster via `quarry dev up`, the LUBM
# sample loaded (once), and an example query.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-infra.sh
bash scripts/install.sh
quarry() { node tools/cli/bin/quarry.js "$@"; }
quarry dev up "$@"
sample=../shared/data/lubm/lubm1.nt.gz
count=$(quarry query --format csv 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }' | tail -n 1 | tr -d '\r')
if [ "$count" = "0" ] && [ -f "$sample" ]; then
  echo "Loading the LUBM(1) sample ($sample)..."
  quarry load "$sample"
fi
query='PREFIX ub: <http://www.lehigh.edu/~zhp2/2004/0401/univ-bench.owl#>
SELECT ?student WHERE { ?student a ub:GraduateStudent ; ub:takesCourse <http://www.Department0.University0.edu/GraduateCourse0> }'
echo
echo "Example query (LUBM Q1):"
echo "$query"
quarry query --format csv "$query"
