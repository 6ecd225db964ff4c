#!/usr/bin/env python3
"""sigstore-python's side of the Sigstore differential test.

Usage: sigstore_differential.py CASES.tsv VECTORS_DIR
Prints one line per case: ID<TAB>PASS|FAIL|N/A<TAB>reason. Offline: the trusted root of each
case is given to `Verifier(trusted_root=...)`; nothing is fetched.

What is asked of sigstore-python mirrors `sigstore verify identity --offline`:
- message-signature bundles: `verify_artifact` with the artifact bytes or its SHA-256 digest;
- DSSE bundles: `verify_dsse`, then (when an artifact is given) some in-toto subject must carry
  its digest, as `sigstore verify` and our verifier require;
- policy: `Identity(identity=..., issuer=...)`, or `UnsafeNoOp` when the case names none;
- key-based bundles (`key` column): N/A, sigstore-python verifies only keyless bundles.
"""
import base64
import hashlib
import json
import pathlib
import sys

from sigstore.errors import Error as SigstoreError
from sigstore.hashes import Hashed
from sigstore.models import Bundle, TrustedRoot
from sigstore.verify import Verifier, policy


def bundle_json(vectors, spec):
    path, _, frag = spec.partition("#")
    raw = (vectors / path).read_bytes()
    if frag.startswith("attestations/"):
        n = int(frag.split("/")[1])
        return json.dumps(json.loads(raw)["attestations"][n]["bundle"])
    if frag.startswith("line/"):
        n = int(frag.split("/")[1])
        return [l for l in raw.split(b"\n") if l.strip()][n].decode()
    return raw.decode()


def trusted_root(vectors, path):
    doc = json.loads(bundle_json(vectors, path))
    if "trustedRoot" in doc:  # ClientTrustConfig
        doc = doc["trustedRoot"]
    from sigstore_models.trustroot.v1 import TrustedRoot as _Inner

    return TrustedRoot(_Inner.from_json(json.dumps(doc)))


def subject_matches(payload, artifact, vectors):
    if artifact.startswith(("sha256:", "sha512:")):
        alg, _, want = artifact.partition(":")
    else:
        alg, want = "sha256", hashlib.sha256((vectors / artifact).read_bytes()).hexdigest()
    st = json.loads(payload)
    return any(s.get("digest", {}).get(alg) == want for s in st.get("subject", []))


def run(vectors, case):
    if case["key"]:
        return "N/A", "sigstore-python verifies keyless bundles only"
    root = trusted_root(vectors, case["trusted_root"])
    bundle = Bundle.from_json(bundle_json(vectors, case["bundle"]))
    if case["identity"] or case["issuer"]:
        pol = policy.Identity(identity=case["identity"], issuer=case["issuer"] or None)
    else:
        pol = policy.UnsafeNoOp()
    verifier = Verifier(trusted_root=root)
    artifact = case["artifact"]
    if bundle._dsse_envelope is not None:
        _, payload = verifier.verify_dsse(bundle, pol)
        if artifact and not subject_matches(payload, artifact, vectors):
            return "FAIL", "no statement subject has the artifact's digest"
        return "PASS", ""
    if not artifact:
        return "FAIL", "a message signature needs the artifact"
    if artifact.startswith("sha256:"):
        from sigstore_models.common.v1 import HashAlgorithm as HA

        input_ = Hashed(algorithm=HA.SHA2_256, digest=bytes.fromhex(artifact[7:]))
    elif artifact.startswith("sha512:"):
        return "N/A", "sigstore-python verifies SHA-256 message digests only"
    else:
        input_ = (vectors / artifact).read_bytes()
    verifier.verify_artifact(input_, bundle, pol)
    return "PASS", ""


def main():
    manifest, vectors = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    lines = [l.rstrip("\n") for l in manifest.open() if l.strip() and not l.startswith("#")]
    header = lines[0].split("\t")
    for line in lines[1:]:
        f = line.split("\t")
        case = {h: (f[i] if i < len(f) else "") for i, h in enumerate(header)}
        try:
            verdict, reason = run(vectors, case)
        except (SigstoreError, ValueError, KeyError, TypeError, AttributeError) as e:
            verdict, reason = "FAIL", f"{type(e).__name__}: {e}"
        except Exception as e:  # noqa: BLE001  (any refusal is a FAIL verdict)
            verdict, reason = "FAIL", f"{type(e).__name__}: {e}"
        reason = " ".join(str(reason).split())[:300]
        print(f"{case['id']}\t{verdict}\t{reason}", flush=True)


if __name__ == "__main__":
    main()
