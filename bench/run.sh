#!/usr/bin/env bash
# Benchmark: foureyes against reading the files with cat and against the peer tools.
#
#   bench/run.sh [N ...]          (default: 200 2000)
#
# Needs hyperfine (Debian package `hyperfine`) and python3. The workload generator and the
# peer runner come from the shared bench kit: set BENCH_KIT (default ../shared/bench) to
# the folder holding gen.py and peers.sh. Peers are optional: install them as that kit's
# README says; missing ones are skipped. Prints medians and ratios; not part of CI.
NEEDS="hyperfine python3"
. "$(dirname "$0")/common.sh"
RUNS=${RUNS:-10}

for N in "${@:-200 2000}"; do
  for n in $N; do
    DIR=$(repo "$n")
    echo "== N=$n: $(find "$DIR" -type f | wc -l) files, $(du -sh --apparent-size "$DIR" | cut -f1)"
    "$BIN" check "$DIR" --today $TODAY --format json >"$OUT/out-$n.json" \
      || { echo "bench: foureyes does not report the generated repo clean" >&2; exit 1; }
    cmds=(-n foureyes "$BIN check $DIR --today $TODAY --format json"
          -n cat "find $DIR -name '*.yaml' -print0 | xargs -0 cat >/dev/null")
    if [ -x "${PEERS:-/tmp/peers}/node_modules/.bin/ajv" ]; then
      cmds+=(-n ajv-cli "bash $KIT/peers.sh $DIR ajv")
    fi
    if [ "$n" -le 500 ] && [ -x "${PEERS:-/tmp/peers}/venv/bin/check-jsonschema" ]; then
      cmds+=(-n check-jsonschema "bash $KIT/peers.sh $DIR check-jsonschema")
    fi
    hyperfine --warmup 1 --runs "$RUNS" --style none --export-json "$OUT/times-$n.json" \
      "${cmds[@]}" >/dev/null
    rss=$(/usr/bin/time -f %M "$BIN" check "$DIR" --today $TODAY --format json 2>&1 >/dev/null)
    python3 - "$OUT/times-$n.json" "$rss" <<'PY'
import json, sys
res = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
fe = res["foureyes"]["median"]
for name, r in res.items():
    ratio = "" if name == "foureyes" else f"   foureyes/{name} = {fe / r['median']:.3f}"
    print(f"  {name:<17} median {r['median'] * 1000:8.1f} ms  (min {r['min'] * 1000:.1f}, max {r['max'] * 1000:.1f}){ratio}")
print(f"  foureyes peak RSS {int(sys.argv[2]) / 1024:.1f} MiB")
PY
  done
done

# Startup: a repository of one file.
ONE=$OUT/one-file
mkdir -p "$ONE"
cp policies/people/staff.yaml "$ONE/"
hyperfine --warmup 3 --runs 30 --style none --export-json "$OUT/times-one.json" -N \
  "$BIN check $ONE --today $TODAY --format json" >/dev/null
python3 -c "import json; r=json.load(open('$OUT/times-one.json'))['results'][0]; print(f'== one-file repo: median {r[\"median\"]*1000:.2f} ms')"
