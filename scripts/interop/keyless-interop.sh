#!/usr/bin/env bash
# Interop of keyless signing: `provenance attest --keyless` and `provenance sign --keyless`
# against a local Sigstore (scripts/sigstore-mock/server.js: npm @sigstore/mock on 127.0.0.1),
# then every bundle is verified, with the mock's trusted root and the token's identity and
# issuer, by
#   - provenance verify,
#   - sigstore-python (PyPI `sigstore`, `sigstore --trust-config verify identity`),
#   - @sigstore/verify (npm; scripts/interop/keyless_verify.js).
# The good bundles must pass in all three; another identity, a tampered bundle and a bundle
# from a different CA (another mock instance) must fail in all three. The same for bundles
# that sigstore-python (`sigstore sign`, `sigstore attest`) and sigstore-js (npm `sigstore` 5:
# sign, attest, sign with a TSA timestamp; and 2.x, npm 9/10's signer: attest with an `intoto`
# 0.0.2 entry; scripts/interop/keyless_sign.js) sign against the
# same services, and for PEP 740 attestations that pypi-attestations makes
# (scripts/interop/pep740_interop.py).
# Also for Rekor v2 with a TSA (a second mock listing it in its signing config); there
# @sigstore/verify 3.1.1 refuses DSSE bundles logged as rekor-v2-spec §6.1.4 says (a recorded,
# named difference: the run still fails if anything else differs).
# Uses target/differential-venv and target/differential-node as sigstore-differential.sh sets
# them up (created here on first use), and target/sigstore-mock-node (scripts/ci-deps.sh).
# The last line is "N passed, M failed"; the exit code is 1 when something failed.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
SIGSTORE_PY_VERSION=4.5.1
SIGSTORE_JS_VERIFY_VERSION=3.1.1
SIGSTORE_JS_BUNDLE_VERSION=4.0.0
SIGSTORE_JS_PROTOBUF_SPECS_VERSION=0.5.2
SIGSTORE_JS_SIGN_VERSION=5.0.1
# the signer of npm 9/10 (2023-2024 npm provenance): bundle v0.2, `intoto` 0.0.2 log entries
SIGSTORE_JS_SIGN_V2_VERSION=2.3.1
PYPI_ATTESTATIONS_VERSION=0.0.31
VENV=$ROOT/target/differential-venv
NODE_DIR=$ROOT/target/differential-node
MOCK_MODULES=${SIGSTORE_MOCK_NODE_MODULES:-$ROOT/target/sigstore-mock-node/node_modules}

if [ ! -f "$MOCK_MODULES/@sigstore/mock/package.json" ]; then
    if [ "${CI:-}" = true ]; then
        echo "keyless-interop: @sigstore/mock missing in $MOCK_MODULES (run scripts/ci-deps.sh)" >&2
        exit 1
    fi
    echo "SKIPPED: keyless-interop needs @sigstore/mock (scripts/ci-deps.sh)"
    exit 0
fi
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import sigstore, sys; sys.exit(sigstore.__version__ != '$SIGSTORE_PY_VERSION')" 2>/dev/null; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "sigstore==$SIGSTORE_PY_VERSION"
fi
if ! "$VENV/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('pypi-attestations') != '$PYPI_ATTESTATIONS_VERSION')" 2>/dev/null; then
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "pypi-attestations==$PYPI_ATTESTATIONS_VERSION" "sigstore==$SIGSTORE_PY_VERSION"
fi
if [ ! -f "$NODE_DIR/node_modules/@sigstore/verify/package.json" ] ||
    ! grep -q "\"version\": \"$SIGSTORE_JS_VERIFY_VERSION\"" "$NODE_DIR/node_modules/@sigstore/verify/package.json"; then
    mkdir -p "$NODE_DIR"
    (cd "$NODE_DIR" && { [ -f package.json ] || echo '{"private":true}' >package.json; } &&
        npm install --silent --no-audit --no-fund "@sigstore/verify@$SIGSTORE_JS_VERIFY_VERSION" \
            "@sigstore/bundle@$SIGSTORE_JS_BUNDLE_VERSION" \
            "@sigstore/protobuf-specs@$SIGSTORE_JS_PROTOBUF_SPECS_VERSION" >/dev/null)
fi
# sigstore-js's signer (npm `sigstore`), in its own folder so that the verifier's versions
# above stay as pinned
SIGN_NODE_DIR=$ROOT/target/interop-sign-node
SIGN_V2_NODE_DIR=$ROOT/target/interop-sign-node-v2
for pair in "$SIGN_NODE_DIR $SIGSTORE_JS_SIGN_VERSION" "$SIGN_V2_NODE_DIR $SIGSTORE_JS_SIGN_V2_VERSION"; do
    set -- $pair
    if [ ! -f "$1/node_modules/sigstore/package.json" ] ||
        ! grep -q "\"version\": \"$2\"" "$1/node_modules/sigstore/package.json"; then
        mkdir -p "$1"
        (cd "$1" && { [ -f package.json ] || echo '{"private":true}' >package.json; } &&
            npm install --silent --no-audit --no-fund "sigstore@$2" >/dev/null)
    fi
done

cargo build --quiet --locked -p provenance-cli
P=$ROOT/target/debug/provenance
WORK=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT

# Starts a mock in the background (in this shell, so that cleanup knows its pid) and waits
# for its first line.
start_mock() { # DIR [SERVER ARGS]
    local dir=$1
    shift
    mkdir -p "$dir"
    SIGSTORE_MOCK_NODE_MODULES=$MOCK_MODULES node "$ROOT/scripts/sigstore-mock/server.js" \
        --dir "$dir" "$@" >"$dir/server.out" 2>"$dir/server.err" &
    pids+=($!)
    for _ in $(seq 100); do [ -s "$dir/server.out" ] && break; sleep 0.1; done
}
mock_url() { # DIR
    python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['url'])" "$1/server.out"
}

A=$WORK/a
B=$WORK/b
C=$WORK/c
start_mock "$A"
start_mock "$B"
start_mock "$C" --rekor-v2 yes
URL_A=$(mock_url "$A")
ID="https://github.com/octo-org/demo/.github/workflows/release.yml@refs/heads/main"
ISS="https://token.actions.mock.example"
for d in "$A" "$C"; do
    python3 - "$d" <<'PYEOF'
import json, sys
d = sys.argv[1]
json.dump({"mediaType": "application/vnd.dev.sigstore.clienttrustconfig.v0.1+json",
           "trustedRoot": json.load(open(f"{d}/trusted_root.json")),
           "signingConfig": json.load(open(f"{d}/signing_config.json"))},
          open(f"{d}/trust_config.json", "w"))
PYEOF
done
cp "$A/trust_config.json" "$WORK/trust_config_a.json"
python3 - "$A" "$B" "$WORK/trust_config_other_ca.json" "$WORK/root_other_ca.json" <<'PYEOF'
import json, sys
a, b, out, root_out = sys.argv[1:]
root = json.load(open(f"{a}/trusted_root.json"))
other = json.load(open(f"{b}/trusted_root.json"))
root["certificateAuthorities"] = other["certificateAuthorities"]
root["ctlogs"] = other["ctlogs"]
json.dump(root, open(root_out, "w"))
json.dump({"mediaType": "application/vnd.dev.sigstore.clienttrustconfig.v0.1+json",
           "trustedRoot": root, "signingConfig": json.load(open(f"{a}/signing_config.json"))},
          open(out, "w"))
PYEOF

cd "$WORK"
printf 'release artifact\n' >app.bin
# attest runs as in a GitHub Actions job of the token's workflow, so that the statement's
# builder is that workflow (outside CI it would be the local builder, which verify refuses
# for a keyless signer unless told to trust it)
github_env=(env GITHUB_ACTIONS=true GITHUB_REPOSITORY=octo-org/demo GITHUB_REPOSITORY_ID=123456
    GITHUB_REPOSITORY_OWNER=octo-org GITHUB_REPOSITORY_OWNER_ID=7890
    GITHUB_SHA=0123456789abcdef0123456789abcdef01234567 GITHUB_REF=refs/heads/main
    GITHUB_WORKFLOW_REF=octo-org/demo/.github/workflows/release.yml@refs/heads/main
    GITHUB_EVENT_NAME=push GITHUB_SERVER_URL=https://github.com GITHUB_RUN_ID=4242
    GITHUB_RUN_ATTEMPT=1 RUNNER_ENVIRONMENT=github-hosted)
"${github_env[@]}" "$P" attest --keyless --identity-token @"$A/token" --signing-config "$A/trust_config.json" \
    --bundle app.bin.sigstore.json app.bin 2>"$WORK/attest.err"
"$P" sign --keyless --identity-token @"$A/token" --fulcio-url "$URL_A" --rekor-url "$URL_A" \
    --trusted-root "$A/trusted_root.json" --bundle app.bin.blob.sigstore.json app.bin 2>"$WORK/sign.err"
# Rekor v2 (C lists it, with a TSA, in its signing config)
"${github_env[@]}" "$P" attest --keyless --identity-token @"$C/token" --signing-config "$C/trust_config.json" \
    --bundle app.bin.v2.sigstore.json app.bin 2>>"$WORK/attest.err"
"$P" sign --keyless --identity-token @"$C/token" --signing-config "$C/trust_config.json" \
    --bundle app.bin.v2-blob.sigstore.json app.bin 2>>"$WORK/sign.err"
grep -h "signed and verified" "$WORK/attest.err" "$WORK/sign.err" | sed 's/^/  /'
# sigstore-js (npm `sigstore`) signs against mock A: a message signature, an in-toto statement
# with a SLSA v1 predicate (dsse 0.0.1 entry) and a message signature with a TSA timestamp. The
# mock proves each entry in a one-entry tree (proof logIndex 0, no hashes), which sigstore-js
# writes as protobuf JSON does: by omitting both fields.
cat >predicate.json <<JSONEOF
{"buildDefinition": {"buildType": "https://actions.github.io/buildtypes/workflow/v1",
  "externalParameters": {"workflow": {"ref": "refs/heads/main", "repository": "https://github.com/octo-org/demo",
    "path": ".github/workflows/release.yml"}},
  "resolvedDependencies": [{"uri": "git+https://github.com/octo-org/demo@refs/heads/main",
    "digest": {"gitCommit": "0123456789abcdef0123456789abcdef01234567"}}]},
 "runDetails": {"builder": {"id": "$ID"},
  "metadata": {"invocationId": "https://github.com/octo-org/demo/actions/runs/4242/attempts/1"}}}
JSONEOF
cat >statement.json <<JSONEOF
{"_type": "https://in-toto.io/Statement/v1",
 "subject": [{"name": "app.bin", "digest": {"sha256": "$(sha256sum app.bin | cut -d' ' -f1)"}}],
 "predicateType": "https://slsa.dev/provenance/v1",
 "predicate": $(cat predicate.json)}
JSONEOF
js_sign() { # sign|attest INPUT OUT [TSA]
    NODE_PATH=${JS_SIGNER:-$SIGN_NODE_DIR}/node_modules node "$ROOT/scripts/interop/keyless_sign.js" "$1" \
        "$URL_A" "$A/token" "$2" "$3" ${4:+"$4"}
}
js_sign sign app.bin js-sign-a.sigstore.json
js_sign attest statement.json js-attest-a.sigstore.json
js_sign sign app.bin js-sign-tsa-a.sigstore.json "$URL_A/api/v1/timestamp"
JS_SIGNER=$SIGN_V2_NODE_DIR js_sign attest statement.json js2-attest-a.sigstore.json
# The other direction: sigstore-python signs against the same services, a message signature
# (`sigstore sign`) and a DSSE statement with a SLSA v1 predicate (`sigstore attest`), through
# Rekor v1 (A) and Rekor v2 + TSA (C); its bundles must verify here as they do in the peers.
for m in a c; do
    d=$WORK/$m
    "$VENV/bin/sigstore" --trust-config "$d/trust_config.json" sign --identity-token "$(cat "$d/token")" \
        --bundle "py-sign-$m.sigstore.json" app.bin >"$WORK/py-sign-$m.err" 2>&1 ||
        { cat "$WORK/py-sign-$m.err" >&2; exit 1; }
    "$VENV/bin/sigstore" --trust-config "$d/trust_config.json" attest --predicate predicate.json \
        --predicate-type https://slsa.dev/provenance/v1 --identity-token "$(cat "$d/token")" \
        --bundle "py-attest-$m.sigstore.json" app.bin >"$WORK/py-attest-$m.err" 2>&1 ||
        { cat "$WORK/py-attest-$m.err" >&2; exit 1; }
done
python3 - <<'PYEOF'
import base64, json
b = json.load(open("app.bin.sigstore.json"))
st = base64.b64decode(b["dsseEnvelope"]["payload"]).replace(b'"name":"app.bin"', b'"name":"app.bim"')
b["dsseEnvelope"]["payload"] = base64.b64encode(st).decode()
json.dump(b, open("tampered.sigstore.json", "w"))
b = json.load(open("app.bin.blob.sigstore.json"))
sig = bytearray(base64.b64decode(b["messageSignature"]["signature"]))
sig[-1] ^= 1
b["messageSignature"]["signature"] = base64.b64encode(bytes(sig)).decode()
json.dump(b, open("tampered-blob.sigstore.json", "w"))
PYEOF

passed=0
failed=0
# case: name, expected PASS|FAIL, bundle, identity, trust config, trusted root[, a known
# difference of @sigstore/verify, with its reason]; BUILDER=ID before a provenance case
# expects that builder (the mock's certificates state no source repository, so the
# signing workflow is not trusted as the repository's own builder: it is named)
check() {
    local name=$1 want=$2 bundle=$3 identity=$4 config=$5 root=$6 js_known=${7:-} py_known=${PY_KNOWN:-}
    local ours py js ours_out
    if ours_out=$("$P" verify --attestation "$bundle" --trusted-root "$root" --certificate-identity "$identity" \
        --certificate-oidc-issuer "$ISS" ${BUILDER:+--builder-id "$BUILDER"} app.bin 2>&1); then ours=PASS; else ours=FAIL; fi
    if "$VENV/bin/sigstore" --trust-config "$config" verify identity --bundle "$bundle" \
        --cert-identity "$identity" --cert-oidc-issuer "$ISS" app.bin >/dev/null 2>&1; then py=PASS; else py=FAIL; fi
    local js_out
    if js_out=$(NODE_PATH=$NODE_DIR/node_modules node "$ROOT/scripts/interop/keyless_verify.js" "$root" \
        "$bundle" app.bin "$identity" "$ISS" 2>&1); then js=PASS; else js=FAIL; fi
    if [ "$ours" = "$want" ] && [ "$py" != "$want" ] && [ "$js" = "$want" ] && [ -n "$py_known" ]; then
        passed=$((passed + 1))
        echo "ok   $name: provenance and @sigstore/verify $want; sigstore-python $py (known: $py_known)"
    elif [ "$ours" = "$want" ] && [ "$py" = "$want" ] && [ "$js" != "$want" ] && [ -n "$js_known" ]; then
        passed=$((passed + 1))
        echo "ok   $name: provenance and sigstore-python $want; @sigstore/verify $js (known: $js_known)"
    elif [ "$ours" = "$want" ] && [ "$py" = "$want" ] && [ "$js" = "$want" ]; then
        passed=$((passed + 1))
        echo "ok   $name: all three $want"
    else
        failed=$((failed + 1))
        echo "FAIL $name: expected $want; provenance $ours, sigstore-python $py, @sigstore/verify $js"
        echo "     provenance said: $(printf '%s' "$ours_out" | head -3)"
        echo "     @sigstore/verify said: $(printf '%s' "$js_out" | tail -3)"
    fi
}
CA=$WORK/trust_config_a.json
RA=$A/trusted_root.json
BUILDER=$ID check "attest --keyless (dsse)" PASS app.bin.sigstore.json "$ID" "$CA" "$RA"
check "sign --keyless --bundle (message signature)" PASS app.bin.blob.sigstore.json "$ID" "$CA" "$RA"
BUILDER=$ID check "attest: another identity" FAIL app.bin.sigstore.json "https://github.com/octo-org/evil/.github/workflows/x.yml@refs/heads/main" "$CA" "$RA"
check "sign: another identity" FAIL app.bin.blob.sigstore.json "https://github.com/octo-org/evil/.github/workflows/x.yml@refs/heads/main" "$CA" "$RA"
BUILDER=$ID check "attest: tampered statement" FAIL tampered.sigstore.json "$ID" "$CA" "$RA"
check "sign: tampered signature" FAIL tampered-blob.sigstore.json "$ID" "$CA" "$RA"
BUILDER=$ID check "attest: another CA" FAIL app.bin.sigstore.json "$ID" "$WORK/trust_config_other_ca.json" "$WORK/root_other_ca.json"
CC=$C/trust_config.json
RC=$C/trusted_root.json
BUILDER=$ID check "attest --keyless, Rekor v2 + TSA (hashedrekord 0.0.2 over the PAE)" PASS app.bin.v2.sigstore.json "$ID" "$CC" "$RC" \
    "@sigstore/verify 3.1.1 compares a DSSE bundle's hashedrekord 0.0.2 digest with SHA-256(payload); rekor-v2-spec 6.1.4, sigstore-python 4.5 and our verifier use SHA-256(PAE)"
check "sign --keyless, Rekor v2 + TSA" PASS app.bin.v2-blob.sigstore.json "$ID" "$CC" "$RC"
check "sign, Rekor v2: another identity" FAIL app.bin.v2-blob.sigstore.json "https://github.com/octo-org/evil/.github/workflows/x.yml@refs/heads/main" "$CC" "$RC"
check "sign: another CA" FAIL app.bin.blob.sigstore.json "$ID" "$WORK/trust_config_other_ca.json" "$WORK/root_other_ca.json"
EVIL="https://github.com/octo-org/evil/.github/workflows/x.yml@refs/heads/main"
ZERO_OMITTED="sigstore-python 4.5.1 requires inclusionProof.logIndex and .hashes to be present; protobuf JSON omits a zero and an empty list (sigstore-js writes the only entry of a one-entry tree so), and sigstore-go (protojson) and @sigstore/verify read them as 0 and empty: we follow sigstore-go"
PY_KNOWN=$ZERO_OMITTED check "sigstore-js sign (proof index 0, no hashes), Rekor v1" PASS js-sign-a.sigstore.json "$ID" "$CA" "$RA"
PY_KNOWN=$ZERO_OMITTED BUILDER=$ID check "sigstore-js attest (SLSA v1, dsse 0.0.1), Rekor v1" PASS js-attest-a.sigstore.json "$ID" "$CA" "$RA"
PY_KNOWN=$ZERO_OMITTED check "sigstore-js sign + TSA, Rekor v1" PASS js-sign-tsa-a.sigstore.json "$ID" "$CA" "$RA"
check "sigstore-js sign: another identity" FAIL js-sign-a.sigstore.json "$EVIL" "$CA" "$RA"
PY_KNOWN="sigstore-python: refuses intoto 0.0.2 log entries (written by sigstore-js 1.x/2.x for npm and slsa-github-generator BYOB); sigstore-go (tlog.ValidateEntry: intoto_v002) and sigstore-js accept them: we follow sigstore-go" \
    BUILDER=$ID check "sigstore-js 2.x attest (bundle v0.2, intoto 0.0.2), Rekor v1" PASS js2-attest-a.sigstore.json "$ID" "$CA" "$RA"
BUILDER=$ID check "sigstore-js 2.x attest: another identity" FAIL js2-attest-a.sigstore.json "$EVIL" "$CA" "$RA"
BUILDER=$ID check "sigstore-js attest: another CA" FAIL js-attest-a.sigstore.json "$ID" "$WORK/trust_config_other_ca.json" "$WORK/root_other_ca.json"
check "sigstore-python sign, Rekor v1" PASS py-sign-a.sigstore.json "$ID" "$CA" "$RA"
BUILDER=$ID check "sigstore-python attest (SLSA v1), Rekor v1" PASS py-attest-a.sigstore.json "$ID" "$CA" "$RA"
BUILDER=$ID check "sigstore-python attest: another identity" FAIL py-attest-a.sigstore.json "$EVIL" "$CA" "$RA"
check "sigstore-python sign: another CA" FAIL py-sign-a.sigstore.json "$ID" "$WORK/trust_config_other_ca.json" "$WORK/root_other_ca.json"
check "sigstore-python sign, Rekor v2 + TSA" PASS py-sign-c.sigstore.json "$ID" "$CC" "$RC"
BUILDER=$ID check "sigstore-python attest (SLSA v1), Rekor v2 + TSA" PASS py-attest-c.sigstore.json "$ID" "$CC" "$RC" \
    "@sigstore/verify 3.1.1 compares a DSSE bundle's hashedrekord 0.0.2 digest with SHA-256(payload); rekor-v2-spec 6.1.4, sigstore-python 4.5 and our verifier use SHA-256(PAE)"
check "sigstore-python sign, Rekor v2: another identity" FAIL py-sign-c.sigstore.json "$EVIL" "$CC" "$RC"

# PEP 740: pypi-attestations signs a source distribution (through sigstore-python) against
# mock A (Rekor v1) and mock C (Rekor v2): `provenance verify --predicate-type` the PyPI
# publish type agrees with sigstore-python (via pypi-attestations) on each.
python3 -c "
import io, tarfile
with tarfile.open('demo-1.0.tar.gz', 'w:gz') as t:
    b = b'print(1)\\n'; i = tarfile.TarInfo('demo-1.0/demo.py'); i.size = len(b); t.addfile(i, io.BytesIO(b))
"
for m in a c; do
    "$VENV/bin/python" "$ROOT/scripts/interop/pep740_interop.py" sign "$WORK/$m" demo-1.0.tar.gz \
        "pep740-$m.publish.attestation"
done
cp demo-1.0.tar.gz demo-1.0.tar.gz.orig
pep740() { # name, expected PASS|FAIL, mock dir, attestation, identity[, tampered]
    local name=$1 want=$2 dir=$3 att=$4 identity=$5 tamper=${6:-}
    local ours py ours_out py_out
    cp demo-1.0.tar.gz.orig demo-1.0.tar.gz
    [ -z "$tamper" ] || printf 'x' >>demo-1.0.tar.gz
    if ours_out=$("$P" verify --attestation "$att" --trusted-root "$dir/trusted_root.json" \
        --certificate-identity "$identity" --certificate-oidc-issuer "$ISS" \
        --predicate-type https://docs.pypi.org/attestations/publish/v1 demo-1.0.tar.gz 2>&1); then ours=PASS; else ours=FAIL; fi
    if py_out=$("$VENV/bin/python" "$ROOT/scripts/interop/pep740_interop.py" verify "$dir" demo-1.0.tar.gz \
        "$att" "$identity" "$ISS" 2>&1); then py=PASS; else py=FAIL; fi
    if [ "$ours" = "$want" ] && [ "$py" = "$want" ]; then
        passed=$((passed + 1))
        echo "ok   $name: provenance and pypi-attestations/sigstore-python $want"
    else
        failed=$((failed + 1))
        echo "FAIL $name: expected $want; provenance $ours, pypi-attestations/sigstore-python $py"
        echo "     provenance said: $(printf '%s' "$ours_out" | head -3)"
        echo "     pypi-attestations said: $(printf '%s' "$py_out" | tail -3)"
    fi
}
pep740 "PEP 740 (pypi-attestations), Rekor v1" PASS "$A" pep740-a.publish.attestation "$ID"
pep740 "PEP 740: another identity" FAIL "$A" pep740-a.publish.attestation "$EVIL"
pep740 "PEP 740: another distribution" FAIL "$A" pep740-a.publish.attestation "$ID" tampered
pep740 "PEP 740, Rekor v2 (the format has no place for the timestamp the entry needs)" FAIL "$C" pep740-c.publish.attestation "$ID"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
