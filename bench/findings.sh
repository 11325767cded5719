#!/usr/bin/env bash
# Benchmark: `foureyes findings` on a large Trivy report against the N=2000 governance repo,
# paired with jq reading the same report.
#
#   bench/findings.sh [VULNS]      (default: 100000 vulnerability entries, about 150 MB)
#
# Needs python3, jq and GNU time (/usr/bin/time). The governance repo comes from the shared
# bench kit's gen.py: set BENCH_KIT (default ../shared/bench) to the folder holding it. The
# report (bench/gen_trivy.py) mixes in the finding ids of one service's records, so that
# part of it is tracked. Runs the two commands alternately RUNS times (default 5) and prints
# the median of the per-pair ratios, and foureyes' peak memory against the report's size.
# Not part of CI.
NEEDS="jq python3 /usr/bin/time"
. "$(dirname "$0")/common.sh"
RUNS=${RUNS:-5}
VULNS=${1:-100000}
SERVICE=payments-api
GOV=$(repo 2000)
REPORT=$OUT/trivy-$VULNS.json
[ -f "$REPORT" ] || python3 bench/gen_trivy.py "$VULNS" "$REPORT" "$GOV" "$SERVICE"

FE=("$BIN" findings "$REPORT" --governance "$GOV" --service "$SERVICE" --today "$TODAY" --format json)
JQ=(jq '[.Results[].Vulnerabilities[].VulnerabilityID] | length' "$REPORT")
code=0
"${FE[@]}" >"$OUT/findings-$VULNS.json" || code=$?
[ "$code" -le 1 ] || { echo "bench: foureyes findings failed (exit $code)" >&2; exit 1; }
echo "== report: $VULNS entries, $(du -h --apparent-size "$REPORT" | cut -f1); governance repo N=2000"
python3 - "$OUT/findings-$VULNS.json" <<'PY'
import collections, json, sys
d = json.load(open(sys.argv[1]))
codes = collections.Counter(x["code"] for x in d["diagnostics"])
print(f"  {d['summary']['documents']} distinct findings; diagnostics: {dict(sorted(codes.items()))}")
PY
python3 - "$RUNS" "${#FE[@]}" "${FE[@]}" "${JQ[@]}" <<'PY'
import statistics, subprocess, sys, time
runs, n = int(sys.argv[1]), int(sys.argv[2])
fe, jq = sys.argv[3:3 + n], sys.argv[3 + n:]
def timed(cmd):
    t = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, check=False)
    return time.perf_counter() - t
timed(fe); timed(jq)  # warm the page cache
pairs = [(timed(fe), timed(jq)) for _ in range(runs)]
ratios = sorted(a / b for a, b in pairs)
print(f"  foureyes median {statistics.median(a for a, _ in pairs) * 1000:.0f} ms, "
      f"jq median {statistics.median(b for _, b in pairs) * 1000:.0f} ms")
print(f"  paired ratio foureyes/jq: median {statistics.median(ratios):.3f} "
      f"(min {ratios[0]:.3f}, max {ratios[-1]:.3f}, {runs} pairs)")
PY
# foureyes exits 1 (it reports errors): the last line of GNU time's output is %M anyway.
rss=$(/usr/bin/time -f %M "${FE[@]}" 2>&1 >/dev/null | tail -1 || true)
jq_rss=$(/usr/bin/time -f %M "${JQ[@]}" 2>&1 >/dev/null | tail -1)
size=$(stat -c %s "$REPORT")
python3 -c "
rss, jq, size = $rss * 1024, $jq_rss * 1024, $size
print(f'  peak RSS: foureyes {rss / 2**20:.0f} MiB = {rss / size:.2f}x the report (limit 2.5x); jq {jq / 2**20:.0f} MiB')
"
