#!/usr/bin/env bash
# Differential test of Sigstore bundle verification: every case of
# test-vectors/differential/CASES.tsv (real bundles from sigstore-conformance, sigstore-python,
# sigstore-go, sigstore-js, sigstore-java, sigstore-rs, cosign, gh, slsa-verifier, npm) is verified,
# offline and with the same trusted root, identity, issuer and artifact, by
#   - this project's library (crates/provenance-sigstore/examples/differential.rs),
#   - sigstore-python (PyPI `sigstore`, 4.x; scripts/interop/sigstore_differential.py),
#   - @sigstore/verify (npm; scripts/interop/sigstore_differential.js).
# A case fails when our verdict (or error variant) is not the one the manifest expects, or when
# sigstore-python or @sigstore/verify give another verdict and the case's known_difference
# column does not list that client (a clause starting "sigstore-js: ..." or "sigstore-python and
# sigstore-js: ...", with the reason and the reference behaviour we follow; a client the text
# only cites as agreeing with sigstore-go is not listed).
# N/A (a client cannot express the case: key-based bundles in sigstore-python, digest-only
# message signatures in @sigstore/verify) is not a disagreement.
# Creates target/differential-venv and target/differential-node on first use (PyPI and npm
# are the only network access; verification itself is offline). The last line is
# "N passed, M failed". SIGSTORE_DIFFERENTIAL_VERBOSE=1 prints every case.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
SIGSTORE_PY_VERSION=4.5.1
SIGSTORE_JS_VERIFY_VERSION=3.1.1
SIGSTORE_JS_BUNDLE_VERSION=4.0.0
SIGSTORE_JS_PROTOBUF_SPECS_VERSION=0.5.2
VENV=$ROOT/target/differential-venv
NODE_DIR=$ROOT/target/differential-node
MANIFEST=$ROOT/test-vectors/differential/CASES.tsv

if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import sigstore, sys; sys.exit(sigstore.__version__ != '$SIGSTORE_PY_VERSION')" 2>/dev/null; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "sigstore==$SIGSTORE_PY_VERSION"
fi
if [ ! -f "$NODE_DIR/node_modules/@sigstore/verify/package.json" ] ||
    ! grep -q "\"version\": \"$SIGSTORE_JS_VERIFY_VERSION\"" "$NODE_DIR/node_modules/@sigstore/verify/package.json"; then
    mkdir -p "$NODE_DIR"
    (cd "$NODE_DIR" && { [ -f package.json ] || echo '{"private":true}' >package.json; } &&
        npm install --silent --no-audit --no-fund "@sigstore/verify@$SIGSTORE_JS_VERIFY_VERSION" \
            "@sigstore/bundle@$SIGSTORE_JS_BUNDLE_VERSION" \
            "@sigstore/protobuf-specs@$SIGSTORE_JS_PROTOBUF_SPECS_VERSION" >/dev/null)
fi

cargo build --quiet --locked -p provenance-sigstore --example differential
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

"${CARGO_TARGET_DIR:-$ROOT/target}/debug/examples/differential" "$MANIFEST" "$ROOT/test-vectors" >"$WORK/ours.tsv"
"$VENV/bin/python" "$ROOT/scripts/interop/sigstore_differential.py" "$MANIFEST" "$ROOT/test-vectors" \
    >"$WORK/python.tsv" 2>"$WORK/python.err"
NODE_PATH=$NODE_DIR/node_modules node "$ROOT/scripts/interop/sigstore_differential.js" \
    "$MANIFEST" "$ROOT/test-vectors" >"$WORK/js.tsv"

python3 - "$MANIFEST" "$WORK/ours.tsv" "$WORK/python.tsv" "$WORK/js.tsv" <<'PYEOF'
import os, sys

manifest, ours, py, js = sys.argv[1:]
rows = [l.rstrip("\n").split("\t") for l in open(manifest) if l.strip() and not l.startswith("#")]
hdr, rows = rows[0], rows[1:]
cases = [{h: (r[i] if i < len(r) else "") for i, h in enumerate(hdr)} for r in rows]

def named(known_difference, ref):
    """Whether a known_difference lists `ref` as differing: a clause ("; "-separated) that starts
    with the client's name before its colon ("sigstore-js: ...", "sigstore-python and sigstore-js:
    ..."). A client the text cites only as agreeing with sigstore-go is not listed."""
    for clause in known_difference.split("; "):
        head, sep, _ = clause.partition(":")
        if sep and ref in [n.strip() for n in head.split(" and ")]:
            return True
    return False

def load(p):
    out = {}
    for l in open(p):
        f = l.rstrip("\n").split("\t")
        out[f[0]] = (f[1], f[2] if len(f) > 2 else "")
    return out

got = {"ours": load(ours), "sigstore-python": load(py), "sigstore-js": load(js)}
verbose = os.environ.get("SIGSTORE_DIFFERENTIAL_VERBOSE")
passed = failed = 0
agree = {"sigstore-python": [0, 0, 0], "sigstore-js": [0, 0, 0]}  # agree, differ, n/a
for c in cases:
    cid, problems = c["id"], []
    o = got["ours"].get(cid, ("MISSING", ""))
    if o[0] != c["expected"]:
        problems.append(f"ours {o[0]} ({o[1]}), expected {c['expected']}")
    elif c["expected"] == "FAIL" and c["reason"] and not o[1].startswith(c["reason"] + ":"):
        problems.append(f"ours FAIL with {o[1]!r}, expected {c['reason']}")
    for ref in ("sigstore-python", "sigstore-js"):
        v = got[ref].get(cid, ("MISSING", ""))
        if v[0] == "N/A":
            agree[ref][2] += 1
            continue
        if v[0] == o[0]:
            agree[ref][0] += 1
            if named(c["known_difference"], ref) and verbose:
                print(f"note {cid}: {ref} now agrees ({v[0]}); known_difference is stale")
            continue
        agree[ref][1] += 1
        if not named(c["known_difference"], ref):
            problems.append(f"{ref} {v[0]} ({v[1]}) but ours {o[0]} ({o[1]}), not a listed known difference")
    if problems:
        failed += 1
        print(f"FAIL {cid}: " + "; ".join(problems))
    else:
        passed += 1
        if verbose:
            print(f"ok   {cid} ours={o[0]} python={got['sigstore-python'].get(cid, ('?',))[0]} js={got['sigstore-js'].get(cid, ('?',))[0]}")
print()
print("| reference | same verdict as ours | different (listed known differences) | not expressible (N/A) |")
print("|---|---|---|---|")
for ref, (a, d, n) in agree.items():
    print(f"| {ref} | {a} | {d} | {n} |")
print()
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PYEOF
