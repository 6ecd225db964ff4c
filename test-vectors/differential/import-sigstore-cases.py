#!/usr/bin/env python3
"""One-off import: rows of test-vectors/sigstore/cases.tsv (the existing third-party Sigstore
cases) as differential cases, printed as CASES.tsv rows on stdout (paths relative to
test-vectors/). npm attestations documents become one case per keyless bundle
(`#attestations/N`), JSON Lines one case per line (`#line/N`). SKIP rows are left out."""
import json, sys, pathlib

tv = pathlib.Path(__file__).resolve().parent.parent
rows = [l.rstrip("\n").split("\t") for l in open(tv / "sigstore/cases.tsv") if not l.startswith("#")]
hdr, rows = rows[0], rows[1:]
ix = {h: i for i, h in enumerate(hdr)}
for r in rows:
    g = lambda k: r[ix[k]] if ix[k] < len(r) else ""
    if g("expected") == "SKIP" or g("identity_regexp"):
        continue
    att = "third-party/" + g("attestation")
    raw = open(tv / att, "rb").read()
    frags = [""]
    try:
        doc = json.loads(raw)
        if "attestations" in doc:
            frags = [f"#attestations/{i}" for i, a in enumerate(doc["attestations"])
                     if "publicKey" not in a["bundle"]["verificationMaterial"]]
    except ValueError:
        n = len([l for l in raw.split(b"\n") if l.strip()])
        frags = [f"#line/{i}" for i in range(n)]
    art = g("artifact")
    if art and not art.startswith(("sha256:", "sha512:")):
        art = "third-party/" + art
    for f in frags:
        cid = g("case_id") + (f.replace("#", "/") if len(frags) > 1 else "")
        print("\t".join([cid, att + f, art, "third-party/" + g("trusted_root"),
                         "third-party/" + g("key") if g("key") else "",
                         g("identity"), g("issuer"), g("expected"), g("error"), ""]))
