#!/usr/bin/env python3
"""Prints candidate CASES.tsv rows for the bundles gathered under third-party/{sigstore-java,
sigstore-go,sigstore-js,gh-cli}: identity and issuer read from the leaf certificate (the
upstream tests' own policies are on the signer's identity), the trusted root chosen as the
source's own root holding the entry's log (else sigstore-python's production or staging root),
the artifact as the upstream test uses it. `expected` is filled in afterwards from the verdict
the references give (and sigstore-go's code where they differ). Needs `cryptography`."""
import base64, glob, json, os, sys
from cryptography import x509

tv = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
os.chdir(tv)
TP = "third-party/"
PROD = TP + "sigstore-python/_store/production/trusted_root.json"
STAGING = TP + "sigstore-python/_store/staging/trusted_root.json"
JAVA = TP + "sigstore-java/sigstore-java/src/test/resources/dev/sigstore/"

def logids(root):
    d = json.load(open(root))
    d = d.get("trustedRoot", d)
    return {t["logId"]["keyId"] for t in d.get("tlogs", [])}

def leaf_identity(b):
    vm = b.get("verificationMaterial") or {}
    der = None
    if "certificate" in vm:
        der = vm["certificate"]["rawBytes"]
    elif "x509CertificateChain" in vm and vm["x509CertificateChain"].get("certificates"):
        der = vm["x509CertificateChain"]["certificates"][0]["rawBytes"]
    if not der:
        return "", ""
    c = x509.load_der_x509_certificate(base64.b64decode(der))
    san = ""
    try:
        ext = c.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        for g in ext:
            if isinstance(g, (x509.UniformResourceIdentifier, x509.RFC822Name)):
                san = g.value; break
            if isinstance(g, x509.OtherName):
                raw = g.value
                san = raw[2:].decode(errors="replace") if raw[:1] == b"\x0c" else ""
    except x509.ExtensionNotFound:
        pass
    iss = ""
    for oid in ("1.3.6.1.4.1.57264.1.8", "1.3.6.1.4.1.57264.1.1"):
        try:
            v = c.extensions.get_extension_for_oid(x509.ObjectIdentifier(oid)).value.value
            iss = v[2:].decode() if oid.endswith(".8") else v.decode()
            break
        except x509.ExtensionNotFound:
            continue
    return san, iss

def pick_root(b, own):
    ids = {e["logId"]["keyId"] for e in (b.get("verificationMaterial") or {}).get("tlogEntries", [])}
    for r in own + [PROD, STAGING]:
        if ids and ids & logids(r):
            return r
    return own[0] if own else PROD

def bundles(path):
    raw = open(path, "rb").read()
    try:
        d = json.loads(raw)
        yield "", d
    except ValueError:
        for i, l in enumerate(x for x in raw.split(b"\n") if x.strip()):
            yield f"#line/{i}", json.loads(l)

SOURCES = [
    (JAVA + "samples/bundles/*.sigstore*", [JAVA + "trustroot/trusted_root.json", JAVA + "trustroot/staging_trusted_root.json"], JAVA + "samples/bundles/artifact.txt"),
    (TP + "sigstore-go/pkg/testing/data/bundles/*.json", [TP + "sigstore-go/pkg/testing/data/trusted-roots/public-good.json", TP + "sigstore-go/pkg/testing/data/trusted-roots/scaffolding.json"], ""),
    (TP + "sigstore-go/examples/bundle-*.json", [TP + "sigstore-go/examples/trusted-root-public-good.json"], ""),
    (TP + "sigstore-js/verify/*.json", [TP + "sigstore-js/verify/trusted_root.json"], TP + "sigstore-js/artifact.txt"),
    (TP + "sigstore-js/client-*/v*.json", [TP + "sigstore-js/client-valid/trusted_root.json"], TP + "sigstore-js/artifact.txt"),
    (TP + "gh-cli/pkg/cmd/attestation/test/data/*.json*", [TP + "gh-cli/pkg/cmd/attestation/test/data/trusted_root.json"], None),
]
GH_ARTIFACTS = {
    "custom-issuer": TP + "gh-cli/pkg/cmd/attestation/test/data/custom-issuer-artifact",
    "reusable-workflow": TP + "gh-cli/pkg/cmd/attestation/test/data/reusable-workflow-artifact",
    "sigstore-js-2.1.0": "sha512:90f223f992e4c88dd068cd2a5fc57f9d2b30798343dd6e38f29c240e04ba090ef831f84490847c4e82b9232c78e8a258463b1e55c0f7469f730265008fa6633f",
    "github_provenance_demo": "sha256:ae57936def59bc4c75edd3a837d89bcefc6d3a5e31d55a6fa7a71624f92c3c3b",
    "sigstoreBundle-invalid-signature": "sha512:90f223f992e4c88dd068cd2a5fc57f9d2b30798343dd6e38f29c240e04ba090ef831f84490847c4e82b9232c78e8a258463b1e55c0f7469f730265008fa6633f",
}
for pattern, own, artifact in SOURCES:
    for path in sorted(glob.glob(pattern)):
        if path.endswith(("trusted_root.json", "public_keys.json")):
            continue
        try:
            items = list(bundles(path))
        except ValueError:
            continue
        for frag, b in items:
            if not isinstance(b, dict) or "mediaType" not in b:
                continue
            art = artifact
            if art is None:
                art = next((v for k, v in GH_ARTIFACTS.items() if os.path.basename(path).startswith(k)), "")
            if not art and "messageSignature" in b and b["messageSignature"].get("messageDigest"):
                md = b["messageSignature"]["messageDigest"]
                if md["algorithm"] == "SHA2_256":
                    art = "sha256:" + base64.b64decode(md["digest"]).hex()
            if "dsseEnvelope" in b and art and art.endswith("artifact.txt") and "sigstore-js" in path:
                art = ""  # the sigstore-js DSSE fixtures sign statements about other subjects
            san, iss = leaf_identity(b)
            key = ""
            if "publicKey" in (b.get("verificationMaterial") or {}):
                cand = sorted(glob.glob(os.path.dirname(path) + "/*.pem")) + sorted(glob.glob(os.path.dirname(os.path.dirname(path)) + "/public-keys/*.pem"))
                key = cand[0] if cand else ""
            cid = path[len(TP):].replace("/pkg/testing/data/bundles", "").replace("/pkg/cmd/attestation/test/data", "") \
                .replace("/sigstore-java/src/test/resources/dev/sigstore/samples/bundles", "") + frag.replace("#", "/")
            root = pick_root(b, own)
            if "public-key-validity" in path:
                root = TP + "sigstore-go/pkg/testing/data/trusted-roots/public-key-validity.json"
            print("\t".join([cid, path + frag, art, root, key, san, iss, "?", "", ""]))
