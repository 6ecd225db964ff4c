#!/usr/bin/env bash
# Seeds fuzz/corpus/<target>/ from the project's own test vectors (and, when present, the
# shared upstream vectors), so each target starts from real, well-formed inputs.
#
# Usage: fuzz/seed.sh [EXTRA_VECTOR_DIR...]
#   Always reads test-vectors/ and examples from schemas/; also /work/shared/vectors when it
#   exists (or the directories given). Idempotent: corpus files are named by the SHA-1 of their
#   content (libFuzzer's convention), so running it twice adds nothing.
#
# Per target:
#   dsse_envelope    every JSON document and every JSONL line that looks like a DSSE envelope,
#                    plus the envelope inside a Sigstore bundle
#   statement        decoded DSSE payloads (in-toto statements) and statement JSON files
#   sigstore_bundle  every JSON document / JSONL line with a mediaType or verificationMaterial,
#                    npm attestations documents, PEP 740 attestations
#   trusted_root     trusted_root*.json, trust_config*.json, .jsonl of roots
#   keys_pem         *.pem, *.pub, *.key, *.crt and PEM blocks
#   checksums        checksum lists under test-vectors/context/checksums
#   policy           *.toml policy files
#   signed_statement the statement seeds (signed by the target itself)
#   sigstore_verify  the bundle seeds (full offline verification)
#   attestation_file whole .jsonl/.intoto/.slsa/.sigstore files, envelopes and bundles
# Inputs above 1 MiB are skipped (they slow libFuzzer down without adding coverage).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
sources=("$root/test-vectors" "$root/schemas")
if [ "$#" -gt 0 ]; then
    sources+=("$@")
elif [ -d /work/shared/vectors ]; then
    sources+=(/work/shared/vectors)
fi
corpus="$here/corpus"
mkdir -p "$corpus"

python3 - "$corpus" "${sources[@]}" <<'PY'
import base64, hashlib, json, os, sys

corpus, sources = sys.argv[1], sys.argv[2:]
MAX = 1 << 20
counts = {}

# Targets that take the same inputs as another one (see the header).
MIRRORS = {
    "statement": ["signed_statement"],
    "sigstore_bundle": ["sigstore_verify", "attestation_file"],
    "dsse_envelope": ["attestation_file"],
}

def add(target, data):
    if not data or len(data) > MAX:
        return
    if isinstance(data, str):
        data = data.encode()
    for mirror in MIRRORS.get(target, []):
        add(mirror, data)
    d = os.path.join(corpus, target)
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, hashlib.sha1(data).hexdigest())
    if not os.path.exists(path):
        with open(path, "wb") as f:
            f.write(data)
        counts[target] = counts.get(target, 0) + 1

def b64(s):
    try:
        s = s.strip()
        return base64.b64decode(s + "=" * (-len(s) % 4), altchars=b"-_" if ("-" in s or "_" in s) else None)
    except Exception:
        return None

def envelope_of(doc):
    if isinstance(doc, dict) and "payload" in doc and "signatures" in doc:
        return doc
    if isinstance(doc, dict) and isinstance(doc.get("dsseEnvelope"), dict):
        return doc["dsseEnvelope"]
    return None

def json_doc(raw, doc, name):
    env = envelope_of(doc)
    if env is not None:
        add("dsse_envelope", json.dumps(env).encode() if env is not doc else raw)
        payload = b64(env.get("payload", "")) if isinstance(env.get("payload"), str) else None
        if payload:
            add("statement", payload)
    if isinstance(doc, dict):
        if "mediaType" in doc or "verificationMaterial" in doc or "attestations" in doc \
                or "attestation_bundles" in doc or "envelope" in doc:
            add("sigstore_bundle", raw)
        if "_type" in doc or "predicateType" in doc:
            add("statement", raw)
        if "certificateAuthorities" in doc or "tlogs" in doc or "trustedRoot" in doc:
            add("trusted_root", raw)
        if "builder" in doc or "buildDefinition" in doc or "verifier" in doc:
            add("statement", raw)
    if "trusted_root" in name or "trust_config" in name:
        add("trusted_root", raw)

for src in sources:
    for dirpath, dirnames, filenames in os.walk(src):
        dirnames[:] = [d for d in dirnames if d not in (".git", "target", "node_modules")]
        for fn in sorted(filenames):
            path = os.path.join(dirpath, fn)
            try:
                if os.path.getsize(path) > 16 * MAX:
                    continue
                with open(path, "rb") as f:
                    raw = f.read()
            except OSError:
                continue
            name = fn.lower()
            if name.endswith((".pem", ".pub", ".key", ".crt")) or b"-----BEGIN " in raw[:4096]:
                add("keys_pem", raw)
            if name.endswith(".toml"):
                add("policy", raw)
            if "checksums" in path.split(os.sep) or "sums" in name:
                add("checksums", raw)
            try:
                doc = json.loads(raw)
                json_doc(raw, doc, name)
                continue
            except Exception:
                pass
            # JSONL: every line on its own, and the whole file for the trusted-root reader.
            if name.endswith((".jsonl", ".intoto", ".slsa", ".sigstore")):
                add("attestation_file", raw)
            lines = [l for l in raw.splitlines() if l.strip()]
            parsed = 0
            for line in lines[:64]:
                try:
                    doc = json.loads(line)
                except Exception:
                    continue
                parsed += 1
                json_doc(line, doc, name)
            if parsed and ("trusted_root" in name or b"certificateAuthorities" in raw[:65536]):
                add("trusted_root", raw)

# Hand-written seeds for shapes the vectors may lack.
add("checksums", b"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  empty.txt\n")
add("checksums", b"SHA256 (a b.txt) = e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n")
add("checksums", b"\\e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 *a\\\\nb\n")
add("policy", b'[[trust.keys]]\npath = "k.pub"\nbuilders = ["https://ci.example/b"]\n')
for target in sorted(counts):
    print(f"{target}: +{counts[target]}")
PY
for d in "$corpus"/*/; do
    printf '%s: %s seeds\n' "$(basename "$d")" "$(find "$d" -type f | wc -l)"
done
