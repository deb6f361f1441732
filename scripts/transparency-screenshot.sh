#!/usr/bin/env bash
# Regenerates docs/transparency-report.png: a synthetic record log, its public HTML report for April–June 2025,
# rendered by headless Chromium. Needs chromium (scripts/deps-chromium.sh installs it).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
chromium="${SAFEGUARD_CHROMIUM:-$(command -v chromium || true)}"
[ -n "$chromium" ] || { echo "chromium not found; set SAFEGUARD_CHROMIUM or run scripts/deps-chromium.sh" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$root/safeguard" transparency sample --out "$work/records.jsonl" --items 400
"$root/safeguard" transparency --records "$work/records.jsonl" --from 2025-04-01 --to 2025-07-01 --format html --service-name "Example Service" --out "$work/report.html"
timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
  --disable-sync --no-first-run --user-data-dir="$work/profile" --hide-scrollbars --window-size=900,2600 \
  --screenshot="$root/docs/transparency-report.png" "file://$work/report.html" 2>/dev/null
echo "wrote docs/transparency-report.png"
