#!/usr/bin/env bash
# Runs every test of the project: unit, integration, doc tests, then the interop scripts.
# Usage: ./test.sh        (the command the README names and .ci/run calls)
set -euo pipefail
cd "$(dirname "$0")"
# No trusted root from an earlier `provenance trusted-root update` on this machine: tests that
# rely on the built-in public-good root must see it (the cache tests set their own).
export PROVENANCE_TUF_CACHE=
cargo test --workspace --locked
for script in scripts/interop/*.sh; do
    [ -e "$script" ] || continue
    echo "== $script"
    bash "$script"
done
