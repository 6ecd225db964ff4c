//! Test-fixture helper for `tests/x509_fixtures/gen.sh`: signs a file with Ed25519ph
//! (RFC 8032, empty context; what sigstore-go expects of an Ed25519 message signature),
//! which OpenSSL 3.0's command line cannot do.
//!
//! `cargo run -p provenance-sigstore --example ed25519ph_sign -- KEY.pem IN OUT`
//! (KEY.pem: a PKCS#8 Ed25519 private key, as `openssl genpkey -algorithm ED25519` writes).

use ed25519_dalek::pkcs8::DecodePrivateKey as _;
use sha2::Digest as _;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [key, input, output] = args.as_slice() else {
        return Err("usage: ed25519ph_sign KEY.pem IN OUT".into());
    };
    let key = ed25519_dalek::SigningKey::from_pkcs8_pem(&std::fs::read_to_string(key)?)?;
    let mut prehash = ed25519_dalek::Sha512::new();
    prehash.update(std::fs::read(input)?);
    let signature = key.sign_prehashed(prehash, None)?;
    std::fs::write(output, signature.to_bytes())?;
    Ok(())
}
