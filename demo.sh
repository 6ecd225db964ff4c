#!/usr/bin/env bash
# The main job on a built-in example: build, keygen, digest, attest, inspect, verify,
# then a tampered artifact and a wrong source repository refused, a VSA issued, and a trace.
# Usage: ./demo.sh   (needs only a Rust toolchain; writes into ./demo-out)
set -euo pipefail
cd "$(dirname "$0")"
cargo build --release --locked -q -p provenance-cli
bin="$PWD/target/release/provenance"
out="$PWD/demo-out"
rm -rf "$out" && mkdir -p "$out/dist"
cd "$out"
export SOURCE_DATE_EPOCH=1700000000   # reproducible timestamps
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "build: two artifacts"
printf 'hello, provenance\n' > dist/hello.txt
head -c 1048576 /dev/zero > dist/zeros.bin
ls -l dist

step "provenance keygen (Ed25519; the private key is written 0600)"
"$bin" keygen --output signing.key

step "provenance digest (sha256sum-compatible)"
"$bin" digest dist/hello.txt dist/zeros.bin

step "provenance attest: statement (context from CI env/git + flags) signed into release.intoto.jsonl"
"$bin" attest --key signing.key --output release.intoto.jsonl \
    --builder-id https://ci.example.com/builders/release@v1 \
    --source-uri https://github.com/example/app --source-ref refs/tags/v1.2.3 \
    --source-commit 4d329c75e7ec1725f7c9ce917a8799d408d06be3 \
    dist/hello.txt dist/zeros.bin
wc -l release.intoto.jsonl

step "provenance inspect (readable view, no trust decision)"
"$bin" inspect release.intoto.jsonl | head -30

step "provenance verify: signature, subjects, builder, source, tag -> PASS"
"$bin" verify --key signing.key.pub --attestation release.intoto.jsonl \
    --builder-id https://ci.example.com/builders/release@v1 \
    --source-uri github.com/example/app --source-tag v1.2.3 \
    --vsa-output hello.vsa.intoto.jsonl --vsa-key signing.key \
    dist/hello.txt dist/zeros.bin

step "the VSA verifies on its own (later gates need not re-verify)"
"$bin" verify --key signing.key.pub --attestation hello.vsa.intoto.jsonl \
    --predicate-type https://slsa.dev/verification_summary/v1 dist/hello.txt

step "a tampered artifact is refused (exit 1)"
printf 'tampered\n' >> dist/hello.txt
set +e
"$bin" verify --key signing.key.pub --attestation release.intoto.jsonl \
    --source-uri github.com/example/app dist/hello.txt
code=$?
set -e
[ "$code" -eq 1 ] || { echo "expected exit 1 for a tampered artifact, got $code"; exit 1; }
echo "-> refused, exit $code"

step "the wrong source repository is refused (exit 1)"
set +e
"$bin" verify --key signing.key.pub --attestation release.intoto.jsonl \
    --source-uri github.com/example/app-fork dist/zeros.bin
code=$?
set -e
[ "$code" -eq 1 ] || { echo "expected exit 1 for a wrong source, got $code"; exit 1; }
echo "-> refused, exit $code"

step "demo finished: see $out"
