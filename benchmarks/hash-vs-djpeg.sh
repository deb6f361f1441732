#!/usr/bin/env bash
# PDQ hashing speed beside libjpeg-turbo's djpeg on the same files, single-threaded, with the
# ratios of issue 2 (hash/decode < 0.25; whole/djpeg <= 1.5). Usage: benchmarks/hash-vs-djpeg.sh [RUNS]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if ! command -v djpeg >/dev/null; then
  echo "djpeg not found: apt-get install -y libjpeg-turbo-progs" >&2
  exit 2
fi
dotnet build "$root/benchmarks/Safeguard.Benchmarks" -c Release --nologo -v quiet >/dev/null
exec dotnet "$root/benchmarks/Safeguard.Benchmarks/bin/Release/net10.0/Safeguard.Benchmarks.dll" hash-vs-djpeg "${1:-15}"
