#!/usr/bin/env bash
# Benchmark of `foureyes report`: its time against `check` on the same repository, the size
# of the HTML page, and how long headless Chromium takes to load it.
#
#   bench/report.sh [N]          (default: 2000)
#
# Needs hyperfine, python3 and chromium (Debian packages). The workload comes from the shared
# bench kit's gen.py (BENCH_KIT, default ../shared/bench). Not part of CI; figures vary with
# the machine's load: compare the ratio, measured side by side.
NEEDS="hyperfine python3"
. "$(dirname "$0")/common.sh"
N=${1:-2000}
DIR=$(repo "$N")
PAGE=$OUT/report-$N.html
echo "== N=$N: $(find "$DIR" -type f | wc -l) files"
hyperfine --warmup 1 --runs "${RUNS:-5}" --style none --export-json "$OUT/report-times-$N.json" \
  -n check "$BIN check $DIR --today $TODAY --format json" \
  -n report-html "$BIN report $DIR --today $TODAY --format html --output $PAGE" \
  -n report-json "$BIN report $DIR --today $TODAY --format json --output $OUT/report-$N.json" \
  >/dev/null
python3 - "$OUT/report-times-$N.json" <<'PY'
import json, sys
res = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
check = res["check"]["median"]
for name, r in res.items():
    ratio = "" if name == "check" else f"   {name}/check = {r['median'] / check:.2f}"
    print(f"  {name:<12} median {r['median'] * 1000:8.1f} ms{ratio}")
PY
rss=$(/usr/bin/time -f %M "$BIN" report "$DIR" --today $TODAY --output "$PAGE" 2>&1 >/dev/null)
echo "  report-html peak RSS $((rss / 1024)) MiB"
echo "  page: $(du -b "$PAGE" | cut -f1) bytes ($(du -h --apparent-size "$PAGE" | cut -f1))"
# Navigation to the load event, in a running headless Chromium (tests/browser.rs).
REPORT_PAGE=$PWD/$PAGE cargo test --release --quiet --test browser load_time -- --ignored --nocapture \
  | grep 'chromium load' | sed 's/^/  /'
