#!/usr/bin/env bash
# Runs this repository's pre-commit hook for real, as a governance repository would:
# `pre-commit try-repo` builds foureyes from this checkout with cargo (language: rust)
# and runs the hook on a repository scaffolded by `foureyes init`, once passing and once
# with a self-approval that must fail the commit.
#
# Needs git, cargo and pre-commit (`pip install pre-commit`). Not part of `cargo test`:
# pre-commit builds foureyes in release mode, which takes minutes on a cold cache; the
# build reuses target/pre-commit afterwards.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The scaffold's records are dated for today, the day the hook checks them on.
cargo run --quiet --manifest-path "$root/Cargo.toml" -- init "$work/governance"

export PRE_COMMIT_HOME="$work/pre-commit-home"
export CARGO_TARGET_DIR="$root/target/pre-commit"
cd "$work/governance"
git init -q
git add -A
git -c user.name=test -c user.email=test@example.com commit -qm "foureyes init"

pre-commit try-repo "$root" foureyes --all-files

# carol requests her own exception and approves it (A001): the hook must fail.
sed -i.bak 's/requested_by: "@heidi-t"/requested_by: carol/' exceptions/EXC-2026-0001.yaml
rm exceptions/EXC-2026-0001.yaml.bak
if pre-commit try-repo "$root" foureyes --all-files; then
  echo "pre-commit-try-repo: the hook passed a self-approval" >&2
  exit 1
fi
echo "pre-commit-try-repo: ok"
