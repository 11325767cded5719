#!/usr/bin/env bash
# Benchmark of `foureyes suppressions`: a monorepo with 2,000 suppression files (20,000
# entries across the seven formats) audited against the N=2000 governance repository,
# against `foureyes check` of that governance repository alone and against a `cat` of all
# the files involved.
#
#   bench/suppressions.sh
#
# Needs hyperfine and python3, and the shared bench kit's gen.py: set BENCH_KIT (default
# ../shared/bench). Prints medians and the ratios. Not part of CI.
NEEDS="hyperfine python3"
. "$(dirname "$0")/common.sh"
RUNS=${RUNS:-10}
GOV=$OUT/sup-gov
APP=$OUT/sup-monorepo
python3 bench/monorepo.py "$(repo 2000)" "$GOV" "$APP"
"$BIN" check "$GOV" --today $TODAY --format json >/dev/null \
  || { echo "bench: the governance repository with repositories is not clean" >&2; exit 1; }
"$BIN" suppressions "$APP" --governance "$GOV" --today $TODAY --format json >"$OUT/sup-out.json" || true
python3 - "$OUT/sup-out.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
codes = {}
for x in d["diagnostics"]:
    codes[x["code"]] = codes.get(x["code"], 0) + 1
print(f"== audit: {d['summary']['files']} files, {d['summary']['documents']} entries, diagnostics {codes}")
PY
hyperfine -i --warmup 1 --runs "$RUNS" --style none --export-json "$OUT/times-suppressions.json" \
  -n check "$BIN check $GOV --today $TODAY --format json" \
  -n suppressions "$BIN suppressions $APP --governance $GOV --today $TODAY --format json" \
  -n cat "find $GOV -name '*.yaml' -print0 | xargs -0 cat >/dev/null; find $APP/services -type f ! -name main.py -print0 | xargs -0 cat >/dev/null" \
  >/dev/null
python3 - "$OUT/times-suppressions.json" <<'PY'
import json, sys
res = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
for name, r in res.items():
    print(f"  {name:<13} median {r['median'] * 1000:8.1f} ms  (min {r['min'] * 1000:.1f}, max {r['max'] * 1000:.1f})")
s = res["suppressions"]["median"]
print(f"  suppressions/check = {s / res['check']['median']:.3f} (target <= 1.2)")
print(f"  suppressions/cat   = {s / res['cat']['median']:.3f} (target <= 2)")
PY
