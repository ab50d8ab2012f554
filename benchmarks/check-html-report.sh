#!/usr/bin/env bash
# Renders the benchmark command's HTML report in headless Chromium and checks that its charts drew.
#
#   benchmarks/check-html-report.sh [ddd-benchmark options]     (default: --operations 2000 --type mixed
#                                                                 --compare startup,growth)
#
# Writes target/html-check/report.html, report.json and report.png (a 1200-pixel-wide screenshot of the whole
# page), then counts the bands of the screenshot holding the charts' series colours: one percentile chart and one
# histogram per profile, plus the throughput chart. Needs Debian's chromium (apt-get install chromium).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/target/html-check"
mkdir -p "$out"
args=("$@")
if [ ${#args[@]} -eq 0 ]; then
  args=(--operations 2000 --type mixed --compare startup,growth)
fi
rm -f "$out/report.html" "$out/report.json" "$out/report.png"
"$here/ddd-benchmark" "${args[@]}" --html "$out/report.html" --json "$out/report.json"

profiles=$(grep -o '"profiles" : \[[^]]*\]' "$out/report.json" | grep -o '"[a-z]*"' | grep -vc profiles || true)
expected=$((profiles * 2 + 1))

chromium_bin=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium_bin" ]; then
  echo "check-html-report: chromium is not installed (apt-get install -y chromium)" >&2
  exit 1
fi
profile_dir=$(mktemp -d)
trap 'rm -rf "$profile_dir"' EXIT
timeout 120 "$chromium_bin" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync --user-data-dir="$profile_dir" \
  --hide-scrollbars --screenshot="$out/report.png" --window-size=1200,7000 "file://$out/report.html" \
  >/dev/null 2>&1 || true
if [ ! -s "$out/report.png" ]; then
  echo "check-html-report: chromium wrote no screenshot" >&2
  exit 1
fi
java -cp "$here/target/benchmarks.jar" io.modularddd.benchmarks.cli.ScreenshotCheck "$out/report.png" "$expected"
echo "check-html-report: $expected charts drew; look at $out/report.png"
