#!/usr/bin/env bash
# Peak memory (RSS) of `provenance verify` over a .intoto.jsonl of N Ed25519-signed SLSA
# statements (issue #11: at most 3x the input), for N = 10,000 and 100,000 by default; the
# median of RUNS runs (default 3). Four rows per N: `verify` with the artifact given as
# `sha256:HEX`, as a file and on standard input (all known before verification: standard
# input is hashed first, with every accepted algorithm; attestations naming other artifacts
# are only counted), and `trace` over a store holding the file (what each verdict needs is
# kept of every verified attestation: the kept-record path). The time side is the criterion bench `benches/benches/verify.rs`
# (`cargo bench -p provenance-benches --bench verify`), the bound a test
# (`crates/provenance/tests/memory.rs`).
# Usage: benches/memory.sh [N...]
#   BIN=path/to/provenance   measure that binary instead of building the release one
#   CARGO_TARGET_DIR         where the release binary is built (default target/)
#   RUNS=3                   runs per N (the median is printed)
# Needs python3 with `cryptography` (the differential venv has it:
# scripts/interop/sigstore-differential.sh creates target/differential-venv) and GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(10000 100000)
runs=${RUNS:-3}
py=${CARGO_TARGET_DIR:-target}/differential-venv/bin/python
[ -x "$py" ] || py=target/differential-venv/bin/python
[ -x "$py" ] || py=python3
"$py" -c 'import cryptography' 2>/dev/null || { echo "memory.sh: needs python3 with cryptography" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "memory.sh: needs GNU time (/usr/bin/time)" >&2; exit 2; }
if [ -n "${BIN:-}" ]; then
    bin=$(realpath "$BIN")
else
    cargo build --release --locked --quiet -p provenance-cli
    bin=$(realpath "${CARGO_TARGET_DIR:-target}")/release/provenance
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for n in "${counts[@]}"; do
    "$py" - "$work" "$n" <<'PY'
import base64, hashlib, json, sys
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
work, n = sys.argv[1], int(sys.argv[2])
key = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
open(f"{work}/pub.pem", "wb").write(key.public_key().public_bytes(
    serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
pt = "application/vnd.in-toto+json"
with open(f"{work}/{n}.jsonl", "w") as f:
    for i in range(n):
        st = {"_type": "https://in-toto.io/Statement/v1",
              "subject": [{"name": f"app{i}.tar.gz",
                           "digest": {"sha256": hashlib.sha256(f"a{i}".encode()).hexdigest()}}],
              "predicateType": "https://slsa.dev/provenance/v1",
              "predicate": {"buildDefinition": {
                  "buildType": "https://example.com/build/v1",
                  "externalParameters": {"ref": "refs/heads/main"},
                  "resolvedDependencies": [{"uri": "git+https://github.com/example/app@refs/heads/main",
                                            "digest": {"gitCommit": "0" * 40}}]},
                  "runDetails": {"builder": {"id": "https://ci.example.com/builder@v1"},
                                 "metadata": {"invocationId": f"https://ci.example.com/run/{i}"}}}}
        payload = json.dumps(st).encode()
        pae = b"DSSEv1 %d %s %d %s" % (len(pt), pt.encode(), len(payload), payload)
        f.write(json.dumps({"payloadType": pt, "payload": base64.b64encode(payload).decode(),
                            "signatures": [{"keyid": "", "sig": base64.b64encode(key.sign(pae)).decode()}]}) + "\n")
PY
    bytes=$(stat -c %s "$work/$n.jsonl")
    # statement 0's subject is the SHA-256 of "a0"
    printf a0 >"$work/app0.tar.gz"
    digest=$(sha256sum <"$work/app0.tar.gz" | cut -c1-64)
    mkdir -p "$work/store"
    ln -f "$work/$n.jsonl" "$work/store/all.intoto.jsonl"
    for artifact in "sha256:$digest" "$work/app0.tar.gz" - trace; do
        : >"$work/runs"
        for _ in $(seq "$runs"); do
            if [ "$artifact" = trace ]; then
                # (the chain fails: the source dependency is not a verified hop; only memory counts)
                /usr/bin/time -f "%e %M" -o "$work/time" "$bin" trace --key "$work/pub.pem" \
                    --store "$work/store" "$work/app0.tar.gz" >/dev/null 2>&1 || true
            else
                /usr/bin/time -f "%e %M" -o "$work/time" "$bin" verify --key "$work/pub.pem" \
                    --builder-id https://ci.example.com/builder --attestation "$work/$n.jsonl" \
                    "$artifact" <"$work/app0.tar.gz" >/dev/null
            fi
            cat "$work/time" >>"$work/runs"
        done
        case $artifact in
            sha256:*) kind=digest ;;
            -) kind=stdin ;;
            trace) kind=trace ;;
            *) kind=file ;;
        esac
        python3 - "$n" "$bytes" "$work/runs" "$kind" <<'PY'
import statistics, sys
n, b, runs, kind = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
rows = [line.split() for line in open(runs) if line.strip()]
secs = statistics.median(float(r[0]) for r in rows)
kib = statistics.median(int(r[1]) for r in rows)
what = "trace (all kept)" if kind == "trace" else f"artifact as {kind:<6}"
print(f"{n:>7} lines, {b/1e6:6.1f} MB, {what:<17}: {secs:5.2f} s, peak {kib/1024:6.1f} MiB "
      f"= {kib*1024/b:4.2f}x the input (median of {len(rows)}; target <= 3x)")
PY
    done
    rm -f "$work/$n.jsonl" "$work/store/all.intoto.jsonl"
done
