//! cosign's `ENCRYPTED SIGSTORE PRIVATE KEY`: a PEM whose body is JSON
//! `{"kdf":{"name":"scrypt","params":{"N":..,"r":8,"p":1},"salt":<b64>},
//!   "cipher":{"name":"nacl/secretbox","nonce":<b64>},"ciphertext":<b64>}`
//! (go-securesystemslib's `encrypted` package); the plaintext is a DER PKCS#8 private key.
//! The key is `scrypt(password, salt, N, r, p, 32)`; the box is `NaCl` secretbox
//! (XSalsa20-Poly1305, 16-byte tag first).

use poly1305::universal_hash::KeyInit as _;
use salsa20::cipher::{KeyIvInit as _, StreamCipher as _};
use serde::Deserialize;
use zeroize::Zeroizing;

use crate::{Error, KdfLimits, Password};

/// The PEM label cosign writes today.
pub(crate) const LABEL: &str = "ENCRYPTED SIGSTORE PRIVATE KEY";
/// The PEM label older cosign versions wrote.
pub(crate) const LEGACY_LABEL: &str = "ENCRYPTED COSIGN PRIVATE KEY";

/// The scrypt parameter sets go-securesystemslib accepts (legacy, standard, OWASP); anything
/// else is refused so that a key file cannot demand unbounded memory or time.
const ACCEPTED_N: [u64; 3] = [1 << 15, 1 << 16, 1 << 17];

#[derive(Deserialize)]
struct Encrypted {
    kdf: Kdf,
    cipher: Cipher,
    ciphertext: String,
}

#[derive(Deserialize)]
struct Kdf {
    name: String,
    params: KdfParams,
    salt: String,
}

#[derive(Deserialize)]
struct KdfParams {
    #[serde(rename = "N")]
    n: u64,
    r: u32,
    p: u32,
}

#[derive(Deserialize)]
struct Cipher {
    name: String,
    nonce: String,
}

fn b64(field: &str, value: &str) -> Result<Vec<u8>, Error> {
    provenance_model::b64::decode(value).map_err(|_| Error::CosignFormat {
        reason: format!("{field} is not base64"),
    })
}

/// Decrypts the PEM body of a cosign key into DER PKCS#8.
pub(crate) fn decrypt(
    body: &[u8],
    password: &Password,
    limits: &KdfLimits,
) -> Result<Zeroizing<Vec<u8>>, Error> {
    let enc: Encrypted = serde_json::from_slice(body).map_err(|_| Error::CosignFormat {
        reason: "not the expected JSON".to_owned(),
    })?;
    if enc.kdf.name != "scrypt" {
        return Err(Error::CosignFormat {
            reason: format!("kdf {:?}", enc.kdf.name),
        });
    }
    if enc.cipher.name != "nacl/secretbox" {
        return Err(Error::CosignFormat {
            reason: format!("cipher {:?}", enc.cipher.name),
        });
    }
    let KdfParams { n, r, p } = enc.kdf.params;
    if !ACCEPTED_N.contains(&n) || r != 8 || p != 1 {
        return Err(Error::CosignFormat {
            reason: format!("scrypt N={n} r={r} p={p}"),
        });
    }
    // The allow-list above already bounds the cost; a caller's stricter limits apply too.
    limits.check_scrypt(n, r, p)?;
    let salt = b64("salt", &enc.kdf.salt)?;
    let nonce: [u8; 24] =
        b64("nonce", &enc.cipher.nonce)?
            .try_into()
            .map_err(|_| Error::CosignFormat {
                reason: "nonce is not 24 bytes".to_owned(),
            })?;
    let ciphertext = b64("ciphertext", &enc.ciphertext)?;

    let log_n = u8::try_from(n.trailing_zeros()).map_err(|_| Error::Decryption)?;
    let params = scrypt::Params::new(log_n, r, p).map_err(|_| Error::Decryption)?;
    let mut key = Zeroizing::new([0u8; 32]);
    scrypt::scrypt(password.as_bytes(), &salt, &params, key.as_mut())
        .map_err(|_| Error::Decryption)?;
    open_secretbox(&key, &nonce, &ciphertext)
}

/// `NaCl` `crypto_secretbox_open`: `boxed` = 16-byte Poly1305 tag ‖ ciphertext.
fn open_secretbox(
    key: &[u8; 32],
    nonce: &[u8; 24],
    boxed: &[u8],
) -> Result<Zeroizing<Vec<u8>>, Error> {
    let (tag, ciphertext) = boxed.split_at_checked(16).ok_or(Error::Decryption)?;
    let mut cipher = salsa20::XSalsa20::new(key.into(), nonce.into());
    // The first 32 keystream bytes are the one-time Poly1305 key; the message starts at 32.
    let mut mac_key = Zeroizing::new([0u8; 32]);
    cipher.apply_keystream(mac_key.as_mut());
    let expected = poly1305::Poly1305::new((&*mac_key).into()).compute_unpadded(ciphertext);
    let diff = expected
        .iter()
        .zip(tag)
        .fold(0u8, |acc, (a, b)| acc | (a ^ b));
    if diff != 0 {
        return Err(Error::Decryption);
    }
    let mut plaintext = Zeroizing::new(ciphertext.to_vec());
    cipher.apply_keystream(plaintext.as_mut_slice());
    Ok(plaintext)
}
