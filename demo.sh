#!/usr/bin/env bash
# Builds the CLI and runs the main job on a built-in example.
set -euo pipefail
cd "$(dirname "$0")"
cargo build --release --locked -p provenance-cli
bin=target/release/provenance
out=demo-out
rm -rf "$out" && mkdir -p "$out/artifacts"
printf 'hello, provenance\n' > "$out/artifacts/hello.txt"
head -c 1048576 /dev/zero > "$out/artifacts/zeros.bin"
echo "== provenance digest"
"$bin" digest "$out/artifacts/hello.txt" "$out/artifacts/zeros.bin"
