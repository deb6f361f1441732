#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Safeguard's match index against FAISS (Debian python3-faiss) on the identical bank and queries.
# Usage: benchmarks/index-vs-faiss.sh COUNT RADIUS QUERIES [--clustered]
# Needs: apt-get install -y python3-faiss python3-numpy. Uses about 3 GB of memory at COUNT=10000000.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
count="${1:-1000000}"; radius="${2:-31}"; queries="${3:-10000}"; shift 3 || true
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
lscpu | grep 'Model name' || true
"$root/safeguard" bench index --count "$count" --radius "$radius" --queries "$queries" --export "$dir" "$@" | tee "$dir/bench.txt"
/usr/bin/python3 "$root/benchmarks/index-vs-faiss.py" "$dir" "$radius" ${FAISS_ARGS:-}
