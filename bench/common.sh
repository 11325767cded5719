# Sourced by the bench scripts once they have set NEEDS (the tools they run besides
# foureyes): checks for those tools and for the shared bench kit (BENCH_KIT, default
# ../shared/bench), builds the release binary and sets BIN, OUT and TODAY. Works from the
# repository root.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
KIT=${BENCH_KIT:-../shared/bench}
TODAY=2026-11-15
OUT=target/bench
for tool in ${NEEDS:-}; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is not installed (apt-get install ${tool##*/})" >&2; exit 2; }
done
[ -f "$KIT/gen.py" ] || { echo "bench: no $KIT/gen.py (set BENCH_KIT)" >&2; exit 2; }
cargo build --release --quiet
BIN=$PWD/target/release/foureyes
mkdir -p "$OUT"

# The kit's generated governance repository of $1 services, made once; prints its path.
repo() {
  local dir=$OUT/repo-$1
  [ -d "$dir" ] || python3 "$KIT/gen.py" "$1" "$dir" >/dev/null
  echo "$dir"
}
