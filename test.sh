#!/usr/bin/env bash
# Every test: set up (with Open MPI, for the data-parallel tests) and build, run each test project, then the packaged end-to-end check.
# Ends with one line "N passed, N failed" over all of them.
set -uo pipefail
cd "$(dirname "$0")"
bash setup.sh --mpi || exit 1
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
dotnet test Dsl.sln -c Release --no-build -nologo -v:q 2>&1 | tee "$log" || status=1
bash tests/EndToEnd/package-consumer.sh 2>&1 | tee -a "$log" || status=1
passed=$(grep -oE 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -oE 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
e2e_passed=$(grep -oE '^[0-9]+ passed' "$log" | awk '{s+=$1} END {print s+0}')
e2e_failed=$(grep -oE '^[0-9]+ passed, [0-9]+ failed' "$log" | awk '{s+=$3} END {print s+0}')
echo "$((passed + e2e_passed)) passed, $((failed + e2e_failed)) failed"
exit $status
