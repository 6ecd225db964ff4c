#!/usr/bin/env python3
"""securesystemslib side of scripts/interop/securesystemslib.sh.

  make DIR                    sign envelopes with securesystemslib (Ed25519, ECDSA P-256, both),
                              write their SPKI PEM public keys and negative-case envelopes
  verify ENV --key PEM... [--threshold N] [--spki-keyid]
                              verify an envelope of ours with securesystemslib; exit 0 / 1.
                              Keys are SSlibKey.from_crypto(key) with securesystemslib's own
                              default key id; --spki-keyid overrides it with ours (for envelopes
                              made with `--keyid-format spki`)
  open-encrypted PEM PASSWORD open an encrypted PKCS#8 key with pyca/cryptography; exit 0 / 1

securesystemslib only tries keys whose keyid equals the signature's keyid: our envelopes carry
its default key id (`--keyid-format sslib`, the default), so no override is needed.
"""
import base64
import hashlib
import json
import sys
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from securesystemslib.dsse import Envelope
from securesystemslib.exceptions import VerificationError
from securesystemslib.signer import CryptoSigner, SSlibKey

IN_TOTO = "application/vnd.in-toto+json"
STATEMENT = json.dumps({
    "_type": "https://in-toto.io/Statement/v1",
    "subject": [{"name": "app.bin", "digest": {"sha256": "ab" * 32}}],
    "predicateType": "https://slsa.dev/provenance/v1",
    "predicate": {"buildDefinition": {"buildType": "https://example.com/b", "externalParameters": {}},
                  "runDetails": {"builder": {"id": "https://example.com/builder"}}},
}).encode()


def pem_of(public_key) -> bytes:
    return public_key.public_bytes(serialization.Encoding.PEM,
                                   serialization.PublicFormat.SubjectPublicKeyInfo)


def signed(payload: bytes, payload_type: str, signers) -> dict:
    env = Envelope(payload=payload, payload_type=payload_type, signatures={})
    for signer in signers:
        env.sign(signer)
    return env.to_dict()


def make(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    keys = {
        "ed25519": ed25519.Ed25519PrivateKey.generate(),
        "p256": ec.generate_private_key(ec.SECP256R1()),
        "other": ed25519.Ed25519PrivateKey.generate(),
    }
    signers = {name: CryptoSigner(key) for name, key in keys.items()}
    for name, key in keys.items():
        (out / f"ssl-{name}.pub.pem").write_bytes(pem_of(key.public_key()))
    docs = {
        "ssl-ed25519": signed(STATEMENT, IN_TOTO, [signers["ed25519"]]),
        "ssl-p256": signed(STATEMENT, IN_TOTO, [signers["p256"]]),
        "ssl-two": signed(STATEMENT, IN_TOTO, [signers["ed25519"], signers["p256"]]),
    }
    tampered = dict(docs["ssl-two"])
    tampered["payload"] = base64.b64encode(STATEMENT.replace(b"app.bin", b"evil.bin")).decode()
    docs["ssl-tampered"] = tampered
    retyped = dict(docs["ssl-two"])
    retyped["payloadType"] = "application/vnd.in-toto.provenance+json"
    docs["ssl-type-changed"] = retyped
    empty = dict(docs["ssl-two"])
    empty["signatures"] = []
    docs["ssl-empty"] = empty
    for name, doc in docs.items():
        (out / f"{name}.json").write_text(json.dumps(doc))


def our_key(pem: bytes, spki_keyid: bool) -> SSlibKey:
    public = serialization.load_pem_public_key(pem)
    if not spki_keyid:
        return SSlibKey.from_crypto(public)
    der = public.public_bytes(serialization.Encoding.DER,
                              serialization.PublicFormat.SubjectPublicKeyInfo)
    return SSlibKey.from_crypto(public, keyid=hashlib.sha256(der).hexdigest())


def verify(args: list[str]) -> int:
    path, pems, threshold = None, [], 1
    spki_keyid = "--spki-keyid" in args
    it = iter(a for a in args if a != "--spki-keyid")
    for arg in it:
        if arg == "--key":
            pems.append(Path(next(it)).read_bytes())
        elif arg == "--threshold":
            threshold = int(next(it))
        else:
            path = arg
    keys = [our_key(pem, spki_keyid) for pem in pems]
    doc = json.loads(Path(path).read_text())
    try:
        env = Envelope.from_dict(doc)
        accepted = env.verify(keys, threshold)
    except (VerificationError, ValueError, KeyError) as err:
        print(f"FAIL {type(err).__name__}: {err}")
        return 1
    if env.payload_type != IN_TOTO:
        print(f"FAIL payloadType {env.payload_type}")
        return 1
    print("OK " + " ".join(sorted(accepted)))
    return 0


def open_encrypted(path: str, password: str) -> int:
    try:
        key = serialization.load_pem_private_key(Path(path).read_bytes(), password.encode())
    except (ValueError, TypeError) as err:
        print(f"FAIL {err}")
        return 1
    print(f"OK {type(key).__name__}")
    return 0


def main() -> int:
    cmd, rest = sys.argv[1], sys.argv[2:]
    if cmd == "make":
        make(Path(rest[0]))
        return 0
    if cmd == "verify":
        return verify(rest)
    if cmd == "open-encrypted":
        return open_encrypted(rest[0], rest[1])
    print(f"unknown command {cmd}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
