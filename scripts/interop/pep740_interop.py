"""PyPI's side of scripts/interop/keyless-interop.sh: PEP 740 attestations made and checked
with `pypi-attestations` (the library PyPI and pypa/gh-action-pypi-publish use) and
sigstore-python, against the local Sigstore mock.

Usage:
  python pep740_interop.py sign MOCK_DIR DIST OUT     # Attestation.sign with the mock's token
  python pep740_interop.py verify MOCK_DIR DIST ATTESTATION IDENTITY ISSUER
verify prints PASS (exit 0) or FAIL: reason (exit 1): the attestation, as a bundle
(Attestation.to_bundle), is verified by sigstore-python with the mock's trusted root and the
identity, and its statement must name DIST (Attestation.verify's subject check).
"""

import json
import sys
from pathlib import Path

from pypi_attestations import Attestation, Distribution
from sigstore.models import ClientTrustConfig, TrustedRoot
from sigstore.oidc import IdentityToken
from sigstore.sign import SigningContext
from sigstore.verify import Verifier, policy


def sign(mock: str, dist: str, out: str) -> None:
    config = ClientTrustConfig.from_json(
        json.dumps(
            {
                "mediaType": "application/vnd.dev.sigstore.clienttrustconfig.v0.1+json",
                "trustedRoot": json.loads(Path(mock, "trusted_root.json").read_text()),
                "signingConfig": json.loads(Path(mock, "signing_config.json").read_text()),
            }
        )
    )
    token = IdentityToken(Path(mock, "token").read_text().strip())
    with SigningContext.from_trust_config(config).signer(token) as signer:
        attestation = Attestation.sign(signer, Distribution.from_file(Path(dist)))
    Path(out).write_text(attestation.model_dump_json())


def verify(mock: str, dist: str, path: str, identity: str, issuer: str) -> None:
    attestation = Attestation.model_validate_json(Path(path).read_text())
    verifier = Verifier(trusted_root=TrustedRoot.from_file(str(Path(mock, "trusted_root.json"))))
    _, payload = verifier.verify_dsse(
        attestation.to_bundle(), policy.Identity(identity=identity, issuer=issuer)
    )
    statement = json.loads(payload)
    want = Distribution.from_file(Path(dist))
    if not any(
        s.get("name") == want.name and s.get("digest", {}).get("sha256") == want.digest
        for s in statement.get("subject", [])
    ):
        raise ValueError("the statement does not name this distribution")


if __name__ == "__main__":
    mode, *args = sys.argv[1:]
    if mode == "sign":
        sign(*args)
    else:
        try:
            verify(*args)
        except Exception as e:  # every refusal is a FAIL verdict
            print(f"FAIL: {e}")
            sys.exit(1)
        print("PASS")
