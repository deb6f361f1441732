#!/usr/bin/env bash
# Runs every test suite. Installs and starts what the tests need (see scripts/test-deps.sh),
# builds the solution, runs all tests and ends with the line "N passed, N failed[, N skipped]".
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

if [ -f scripts/test-deps.sh ]; then
  # shellcheck disable=SC1091
  source scripts/test-deps.sh || { echo "test dependencies could not be prepared"; echo "0 passed, 1 failed"; exit 1; }
fi

if ! dotnet build Safeguard.slnx -c Release --nologo -v quiet -clp:ErrorsOnly; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

dotnet test --solution Safeguard.slnx -c Release --no-build --no-progress "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

if declare -F test_deps_stop >/dev/null; then test_deps_stop; fi

failed=$(grep -E '^\s+failed: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+' || true)
passed=$(grep -E '^\s+succeeded: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+' || true)
skipped=$(grep -E '^\s+skipped: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+' || true)
if [ -z "$passed" ]; then
  echo "the test run printed no summary (exit $status)"
  echo "0 passed, 1 failed"
  exit 1
fi
failed=${failed:-0}
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
if [ "${skipped:-0}" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
[ "$status" -eq 0 ]
