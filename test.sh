#!/usr/bin/env bash
# Runs every test of the project: unit, integration, doc tests, then the interop scripts.
# Usage: ./test.sh        (the command the README names and .ci/run calls)
set -euo pipefail
cd "$(dirname "$0")"
cargo test --workspace --locked
for script in scripts/interop/*.sh; do
    [ -e "$script" ] || continue
    echo "== $script"
    bash "$script"
done
