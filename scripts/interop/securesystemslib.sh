#!/usr/bin/env bash
# Interoperability with PyPI securesystemslib (the in-toto/TUF reference DSSE implementation):
#  - envelopes securesystemslib signs (Ed25519, ECDSA P-256, two signers) verify with our library
#    (crates/provenance-keys/examples/dsse-verify.rs, since `provenance verify` is a wider tool);
#  - envelopes `provenance sign` and `provenance attest` make with `provenance keygen` keys verify
#    in securesystemslib with our .pub files loaded as `SSlibKey.from_crypto(key)`, with no keyid
#    override: our signatures carry securesystemslib's own key id by default;
#    `--keyid-format spki` envelopes verify with our key id given as the override, and not
#    without it;
#  - negative cases both ways: wrong key, tampered payload, payloadType changed, empty signature
#    list, threshold not met;
#  - encrypted keys from `provenance keygen` open in pyca/cryptography and `openssl pkey`;
#  - the in-toto/witness Ed25519 envelopes verify with their key (and not with the RSA one).
# Creates target/interop-venv on first use. Exits non-zero on any failure; the last line is
# "N passed, M failed".
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
VENV=$ROOT/target/interop-venv
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import securesystemslib, cryptography" 2>/dev/null; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check securesystemslib cryptography
fi
PY=$VENV/bin/python
HELPER=$ROOT/scripts/interop/securesystemslib_interop.py

cargo build --quiet --locked -p provenance-cli -p provenance-keys --example dsse-verify
PROVENANCE=$ROOT/target/debug/provenance
OURS=$ROOT/target/debug/examples/dsse-verify

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
passed=0
failed=0

# expect PASS|FAIL NAME CMD...: the command must exit 0 (PASS) or 1 (FAIL, i.e. refused).
expect() {
    local want=$1 name=$2
    shift 2
    local rc=0 out
    out=$("$@" 2>&1) || rc=$?
    if { [ "$want" = PASS ] && [ $rc -eq 0 ]; } || { [ "$want" = FAIL ] && [ $rc -eq 1 ]; }; then
        passed=$((passed + 1))
        echo "ok   $name ($want) ${out:0:120}"
    else
        failed=$((failed + 1))
        echo "FAIL $name: wanted $want, exit $rc: $out"
    fi
}

# --- securesystemslib signs, we verify -----------------------------------------------------
"$PY" "$HELPER" make "$WORK/ssl"
S=$WORK/ssl
expect PASS "ssl Ed25519 -> ours" "$OURS" --key "$S/ssl-ed25519.pub.pem" "$S/ssl-ed25519.json"
expect PASS "ssl P-256 -> ours" "$OURS" --key "$S/ssl-p256.pub.pem" "$S/ssl-p256.json"
expect PASS "ssl two signers, threshold 2 -> ours" \
    "$OURS" --threshold 2 --key "$S/ssl-ed25519.pub.pem" --key "$S/ssl-p256.pub.pem" "$S/ssl-two.json"
expect FAIL "ssl two signers, threshold not met -> ours" \
    "$OURS" --threshold 2 --key "$S/ssl-ed25519.pub.pem" --key "$S/ssl-other.pub.pem" "$S/ssl-two.json"
expect FAIL "ssl wrong key -> ours" "$OURS" --key "$S/ssl-other.pub.pem" "$S/ssl-ed25519.json"
expect FAIL "ssl tampered payload -> ours" \
    "$OURS" --key "$S/ssl-ed25519.pub.pem" --key "$S/ssl-p256.pub.pem" "$S/ssl-tampered.json"
expect FAIL "ssl payloadType changed -> ours" \
    "$OURS" --key "$S/ssl-ed25519.pub.pem" --key "$S/ssl-p256.pub.pem" "$S/ssl-type-changed.json"
expect FAIL "ssl empty signature list -> ours" \
    "$OURS" --key "$S/ssl-ed25519.pub.pem" "$S/ssl-empty.json"
expect FAIL "ssl P-256 envelope, expected payloadType differs -> ours" \
    "$OURS" --payload-type text/plain --key "$S/ssl-p256.pub.pem" "$S/ssl-p256.json"

# --- we sign (provenance keygen + sign), securesystemslib verifies -------------------------
O=$WORK/ours
mkdir -p "$O"
"$PROVENANCE" keygen --output "$O/ed.pem" >/dev/null 2>&1
"$PROVENANCE" keygen --algorithm ecdsa-p256 --output "$O/p256.pem" >/dev/null 2>&1
"$PROVENANCE" keygen --algorithm ecdsa-p384 --output "$O/p384.pem" >/dev/null 2>&1
"$PROVENANCE" keygen --output "$O/other.pem" >/dev/null 2>&1
"$PY" - "$O/statement.json" <<'PYEOF'
import json, sys
st = {"_type": "https://in-toto.io/Statement/v1",
      "subject": [{"name": "app.bin", "digest": {"sha256": "cd" * 32}}],
      "predicateType": "https://slsa.dev/provenance/v1", "predicate": {}}
open(sys.argv[1], "w").write(json.dumps(st))
PYEOF
"$PROVENANCE" sign --key "$O/ed.pem" -o "$O/ed.json" "$O/statement.json"
"$PROVENANCE" sign --key "$O/p256.pem" -o "$O/p256.json" "$O/statement.json"
"$PROVENANCE" sign --key "$O/p384.pem" -o "$O/p384.json" "$O/statement.json"
"$PROVENANCE" sign --key "$O/ed.pem" --key "$O/p256.pem" -o "$O/two.json" "$O/statement.json"
"$PROVENANCE" sign --keyid-format spki --key "$O/p256.pem" -o "$O/p256-spki.json" "$O/statement.json"
echo hello > "$O/app.bin"
"$PROVENANCE" attest --key "$O/p384.pem" --builder-id https://ci.example/b -o "$O/app.intoto.jsonl" "$O/app.bin"
expect PASS "ours attest P-384 (default keyid) -> ssl from_crypto" \
    "$PY" "$HELPER" verify "$O/app.intoto.jsonl" --key "$O/p384.pem.pub"
expect PASS "ours --keyid-format spki -> ssl with our keyid as override" \
    "$PY" "$HELPER" verify "$O/p256-spki.json" --spki-keyid --key "$O/p256.pem.pub"
expect FAIL "ours --keyid-format spki -> ssl from_crypto, no override" \
    "$PY" "$HELPER" verify "$O/p256-spki.json" --key "$O/p256.pem.pub"
expect PASS "ours Ed25519 -> ssl" "$PY" "$HELPER" verify "$O/ed.json" --key "$O/ed.pem.pub"
expect PASS "ours P-256 -> ssl" "$PY" "$HELPER" verify "$O/p256.json" --key "$O/p256.pem.pub"
expect PASS "ours P-384 -> ssl" "$PY" "$HELPER" verify "$O/p384.json" --key "$O/p384.pem.pub"
expect PASS "ours two signers, threshold 2 -> ssl" \
    "$PY" "$HELPER" verify "$O/two.json" --threshold 2 --key "$O/ed.pem.pub" --key "$O/p256.pem.pub"
expect FAIL "ours two signers, threshold not met -> ssl" \
    "$PY" "$HELPER" verify "$O/two.json" --threshold 2 --key "$O/ed.pem.pub" --key "$O/other.pem.pub"
expect FAIL "ours wrong key -> ssl" "$PY" "$HELPER" verify "$O/ed.json" --key "$O/other.pem.pub"
"$PY" - "$O" <<'PYEOF'
import base64, json, sys
d = sys.argv[1]
env = json.load(open(f"{d}/two.json"))
t = dict(env); t["payload"] = base64.b64encode(b'{"_type":"x"}').decode()
json.dump(t, open(f"{d}/tampered.json", "w"))
t = dict(env); t["payloadType"] = "application/vnd.in-toto.provenance+json"
json.dump(t, open(f"{d}/type-changed.json", "w"))
t = dict(env); t["signatures"] = []
json.dump(t, open(f"{d}/empty.json", "w"))
PYEOF
for case in tampered type-changed empty; do
    expect FAIL "ours $case -> ssl" \
        "$PY" "$HELPER" verify "$O/$case.json" --key "$O/ed.pem.pub" --key "$O/p256.pem.pub"
    expect FAIL "ours $case -> ours" \
        "$OURS" --key "$O/ed.pem.pub" --key "$O/p256.pem.pub" "$O/$case.json"
done
expect PASS "ours two signers -> ours" \
    "$OURS" --threshold 2 --key "$O/ed.pem.pub" --key "$O/p256.pem.pub" "$O/two.json"

# --- encrypted private keys open elsewhere -------------------------------------------------
for alg in ed25519 ecdsa-p256 ecdsa-p384; do
    PROVENANCE_PASSWORD=interop-pw "$PROVENANCE" keygen --algorithm "$alg" --output "$O/enc-$alg.pem" >/dev/null 2>&1
    expect PASS "encrypted $alg opens in pyca/cryptography" \
        "$PY" "$HELPER" open-encrypted "$O/enc-$alg.pem" interop-pw
    expect FAIL "encrypted $alg refuses a wrong password (pyca)" \
        "$PY" "$HELPER" open-encrypted "$O/enc-$alg.pem" wrong-pw
    if command -v openssl >/dev/null; then
        expect PASS "encrypted $alg opens in openssl pkey" \
            env PW=interop-pw openssl pkey -in "$O/enc-$alg.pem" -passin env:PW -noout
    fi
done

# --- third-party envelopes -----------------------------------------------------------------
W=$ROOT/test-vectors/third-party/witness
for env in test/cdx-att.json test@caf68e70/scorecard.attestation.json test@caf68e70/sast.attestation.json; do
    expect PASS "witness $env" "$OURS" --key "$W/test/testpub.pem" "$W/$env"
    expect FAIL "witness $env, RSA key" "$OURS" --key "$W/test/testpub2.pem" "$W/$env"
done
expect PASS "witness policy-signed.json" \
    "$OURS" --payload-type https://witness.testifysec.com/policy/v0.1 --key "$W/test/testpub.pem" \
    "$W/test@fc5f583e/policy-signed.json"
D=$ROOT/test-vectors/third-party/dsse-spec
expect PASS "DSSE spec vector (P-256, P1363)" \
    "$OURS" --payload-type http://example.com/HelloWorld --key "$D/protocol_test_vector.pub.pem" \
    "$D/protocol_test_vector.envelope.json"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
