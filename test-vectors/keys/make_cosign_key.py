#!/usr/bin/env python3
"""Writes a cosign-format encrypted private key (ENCRYPTED SIGSTORE PRIVATE KEY).

Format (go-securesystemslib `encrypted` package, used by cosign): PEM body = JSON
{"kdf":{"name":"scrypt","params":{"N":N,"r":8,"p":1},"salt":b64},
 "cipher":{"name":"nacl/secretbox","nonce":b64},"ciphertext":b64}
where ciphertext = secretbox(PKCS#8 DER, nonce, scrypt(password, salt, N, 8, 1, 32)).

Usage: make_cosign_key.py PKCS8_PEM_IN PASSWORD N OUT
Needs PyPI `pynacl` and `cryptography`.
"""
import base64
import hashlib
import json
import os
import sys

import nacl.secret
from cryptography.hazmat.primitives import serialization


def main() -> None:
    src, password, n, out = sys.argv[1], sys.argv[2].encode(), int(sys.argv[3]), sys.argv[4]
    with open(src, "rb") as f:
        key = serialization.load_pem_private_key(f.read(), password=None)
    der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    salt = os.urandom(32)
    nonce = os.urandom(24)
    box_key = hashlib.scrypt(password, salt=salt, n=n, r=8, p=1, dklen=32, maxmem=256 << 20)
    boxed = nacl.secret.SecretBox(box_key).encrypt(der, nonce).ciphertext  # tag || ciphertext
    doc = {
        "kdf": {"name": "scrypt", "params": {"N": n, "r": 8, "p": 1},
                "salt": base64.b64encode(salt).decode()},
        "cipher": {"name": "nacl/secretbox", "nonce": base64.b64encode(nonce).decode()},
        "ciphertext": base64.b64encode(boxed).decode(),
    }
    body = base64.encodebytes(json.dumps(doc).encode()).decode().replace("\n", "")
    lines = [body[i:i + 64] for i in range(0, len(body), 64)]
    with open(out, "w") as f:
        f.write("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n")
        f.write("\n".join(lines) + "\n")
        f.write("-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n")


if __name__ == "__main__":
    main()
