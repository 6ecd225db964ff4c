//! Bounds on the password key-derivation cost an encrypted key file may demand.
//!
//! An encrypted PKCS#8 file names its own KDF and parameters. Without a bound, a hostile file
//! asks for scrypt N = 2^24, r = 8 (16 GiB of memory: the process aborts) or PBKDF2 with
//! 2^32 - 1 iterations (hours of CPU). [`KdfLimits`] is checked before any derivation starts.

use crate::Error;

/// The most key-derivation work an encrypted private key may ask for.
///
/// [`KdfLimits::DEFAULT`] opens everything common tools write by default — `provenance keygen`
/// and `pkcs5`/`pkcs8` (scrypt N = 2^14, r = 8, p = 1), `openssl pkcs8 -topk8 -scrypt`
/// (N = 2^14, r = 8, p = 1), OpenSSL 3 and Python `cryptography` PBKDF2 (2,048 iterations and
/// the OWASP 600,000 are both far under the bound), cosign (N up to 2^17, r = 8, p = 1) — while
/// keeping a hostile file to at most 128 MiB of memory and a few seconds of CPU:
///
/// | field | default |
/// |---|---|
/// | `max_scrypt_log_n` | 17 (N ≤ 131,072, cosign's largest) |
/// | `max_scrypt_r` | 16 |
/// | `max_scrypt_p` | 16 |
/// | `max_scrypt_memory_bytes` | 128 MiB (128 · r · N; N = 2^17 with r = 8) |
/// | `max_pbkdf2_iterations` | 10,000,000 |
///
/// ```
/// use provenance_keys::KdfLimits;
///
/// let strict = KdfLimits::DEFAULT.with_max_scrypt_log_n(15).with_max_pbkdf2_iterations(1_000_000);
/// assert_eq!(strict.max_scrypt_log_n, 15);
/// assert_eq!(KdfLimits::default(), KdfLimits::DEFAULT);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct KdfLimits {
    /// Largest scrypt `log2(N)` accepted.
    pub max_scrypt_log_n: u8,
    /// Largest scrypt block size `r` accepted.
    pub max_scrypt_r: u32,
    /// Largest scrypt parallelisation `p` accepted (the work grows linearly with `p`).
    pub max_scrypt_p: u32,
    /// Largest scrypt memory, `128 · r · N` bytes, accepted.
    pub max_scrypt_memory_bytes: u64,
    /// Largest PBKDF2 iteration count accepted.
    pub max_pbkdf2_iterations: u32,
}

impl KdfLimits {
    /// The defaults (see the table on [`KdfLimits`]).
    pub const DEFAULT: Self = Self {
        max_scrypt_log_n: 17,
        max_scrypt_r: 16,
        max_scrypt_p: 16,
        max_scrypt_memory_bytes: 128 * 1024 * 1024,
        max_pbkdf2_iterations: 10_000_000,
    };

    /// With another bound on scrypt `log2(N)`.
    #[must_use]
    pub const fn with_max_scrypt_log_n(mut self, max: u8) -> Self {
        self.max_scrypt_log_n = max;
        self
    }

    /// With another bound on scrypt `r`.
    #[must_use]
    pub const fn with_max_scrypt_r(mut self, max: u32) -> Self {
        self.max_scrypt_r = max;
        self
    }

    /// With another bound on scrypt `p`.
    #[must_use]
    pub const fn with_max_scrypt_p(mut self, max: u32) -> Self {
        self.max_scrypt_p = max;
        self
    }

    /// With another bound on scrypt memory (`128 · r · N` bytes).
    #[must_use]
    pub const fn with_max_scrypt_memory_bytes(mut self, max: u64) -> Self {
        self.max_scrypt_memory_bytes = max;
        self
    }

    /// With another bound on PBKDF2 iterations.
    #[must_use]
    pub const fn with_max_pbkdf2_iterations(mut self, max: u32) -> Self {
        self.max_pbkdf2_iterations = max;
        self
    }

    /// Checks scrypt parameters `N`, `r`, `p` (as written in a key file) against these limits.
    ///
    /// # Errors
    ///
    /// [`Error::KdfCostTooHigh`] naming the parameter and the bound; [`Error::Malformed`] if
    /// `N` is not a power of two greater than 1.
    pub fn check_scrypt(&self, n: u64, r: u32, p: u32) -> Result<(), Error> {
        if n < 2 || !n.is_power_of_two() {
            return Err(Error::Malformed {
                what: "scrypt parameters (N is not a power of two)",
            });
        }
        let log_n = n.trailing_zeros();
        if log_n > u32::from(self.max_scrypt_log_n) {
            return Err(Error::KdfCostTooHigh {
                reason: format!(
                    "scrypt N={n} (2^{log_n}) is more than the limit of 2^{}",
                    self.max_scrypt_log_n
                ),
            });
        }
        if r == 0 || r > self.max_scrypt_r {
            return Err(Error::KdfCostTooHigh {
                reason: format!(
                    "scrypt r={r} is outside 1..={} (N={n} p={p})",
                    self.max_scrypt_r
                ),
            });
        }
        if p == 0 || p > self.max_scrypt_p {
            return Err(Error::KdfCostTooHigh {
                reason: format!(
                    "scrypt p={p} is outside 1..={} (N={n} r={r})",
                    self.max_scrypt_p
                ),
            });
        }
        // log_n <= 255 was checked against a u8 bound; 128 * r * N saturates instead of wrapping.
        let memory = n.saturating_mul(128).saturating_mul(u64::from(r));
        if memory > self.max_scrypt_memory_bytes {
            return Err(Error::KdfCostTooHigh {
                reason: format!(
                    "scrypt N={n} r={r} needs {memory} bytes of memory, more than the limit of {}",
                    self.max_scrypt_memory_bytes
                ),
            });
        }
        Ok(())
    }

    /// Checks a PBKDF2 iteration count against these limits.
    ///
    /// # Errors
    ///
    /// [`Error::KdfCostTooHigh`] if `iterations` is over the bound.
    pub fn check_pbkdf2(&self, iterations: u32) -> Result<(), Error> {
        if iterations > self.max_pbkdf2_iterations {
            return Err(Error::KdfCostTooHigh {
                reason: format!(
                    "PBKDF2 with {iterations} iterations, more than the limit of {}",
                    self.max_pbkdf2_iterations
                ),
            });
        }
        Ok(())
    }

    /// Checks the password-based encryption scheme of an encrypted PKCS#8 key (PBES2 with
    /// scrypt or PBKDF2). Other schemes are left to decryption, which refuses them.
    pub(crate) fn check_scheme(&self, scheme: &pkcs5::EncryptionScheme) -> Result<(), Error> {
        let Some(pbes2) = scheme.pbes2() else {
            return Ok(());
        };
        if let Some(s) = pbes2.kdf.scrypt() {
            self.check_scrypt(
                s.cost_parameter,
                u32::from(s.block_size),
                u32::from(s.parallelization),
            )
        } else if let Some(p) = pbes2.kdf.pbkdf2() {
            self.check_pbkdf2(p.iteration_count)
        } else {
            Ok(())
        }
    }
}

impl Default for KdfLimits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

#[cfg(test)]
mod tests {

    use der::Encode as _;
    use pkcs5::pbes2::{self, Kdf, Pbkdf2Params, Pbkdf2Prf, Salt, ScryptParams};

    use super::KdfLimits;
    use crate::{Error, KeyAlgorithm, Password, PrivateKey};

    /// An `ENCRYPTED PRIVATE KEY` with the given KDF and a bogus ciphertext: decryption can only
    /// fail, after the KDF ran (a `Decryption` error) or before (a `KdfCostTooHigh` error).
    fn hostile_pem(kdf: Kdf) -> String {
        let params = pbes2::Parameters {
            kdf,
            encryption: pbes2::EncryptionScheme::Aes256Cbc { iv: [7; 16] },
        };
        let data = [0x42u8; 48];
        let info = pkcs8::EncryptedPrivateKeyInfoRef {
            encryption_algorithm: pkcs5::EncryptionScheme::Pbes2(params),
            encrypted_data: der::asn1::OctetStringRef::new(&data).unwrap(),
        };
        let der = info.to_der().unwrap();
        der::pem::encode_string("ENCRYPTED PRIVATE KEY", der::pem::LineEnding::LF, &der).unwrap()
    }

    fn scrypt_pem(n: u64, r: u16, p: u16) -> String {
        hostile_pem(Kdf::Scrypt(ScryptParams {
            salt: Salt::new([1; 16]).unwrap(),
            cost_parameter: n,
            block_size: r,
            parallelization: p,
            key_length: None,
        }))
    }

    fn pbkdf2_pem(iterations: u32) -> String {
        hostile_pem(Kdf::Pbkdf2(Pbkdf2Params {
            salt: Salt::new([1; 16]).unwrap(),
            iteration_count: iterations,
            key_length: None,
            prf: Pbkdf2Prf::HmacWithSha256,
        }))
    }

    fn open(pem: &str, limits: &KdfLimits) -> Result<PrivateKey, Error> {
        PrivateKey::from_pem_with_limits(pem, Some(&Password::new("hunter2")), limits)
    }

    fn too_high(result: &Result<PrivateKey, Error>, needle: &str) -> bool {
        match result {
            Err(e @ Error::KdfCostTooHigh { reason }) => {
                e.to_string().starts_with("key derivation cost too high: ")
                    && reason.contains(needle)
            }
            _ => false,
        }
    }

    #[test]
    fn defaults_are_documented_values() {
        let d = KdfLimits::DEFAULT;
        assert_eq!(d.max_scrypt_log_n, 17);
        assert_eq!(d.max_scrypt_r, 16);
        assert_eq!(d.max_scrypt_p, 16);
        assert_eq!(d.max_scrypt_memory_bytes, 128 * 1024 * 1024);
        assert_eq!(d.max_pbkdf2_iterations, 10_000_000);
        assert_eq!(KdfLimits::default(), d);
    }

    #[test]
    fn what_keygen_openssl_and_cosign_write_is_within_the_defaults() {
        let d = KdfLimits::DEFAULT;
        d.check_scrypt(1 << 14, 8, 1).unwrap(); // keygen, pkcs8, openssl -scrypt
        d.check_scrypt(1 << 17, 8, 1).unwrap(); // cosign's largest, 128 MiB: the memory limit
        d.check_pbkdf2(2048).unwrap(); // OpenSSL 3 default
        d.check_pbkdf2(600_000).unwrap(); // OWASP
        d.check_pbkdf2(10_000_000).unwrap(); // at the limit

        let key = PrivateKey::generate(KeyAlgorithm::Ed25519).unwrap();
        let pem = key
            .to_encrypted_pkcs8_pem(&Password::new("hunter2"))
            .unwrap();
        let opened = open(&pem, &KdfLimits::DEFAULT).unwrap();
        assert_eq!(opened.key_id(), key.key_id());
        // Our own N = 2^14 is refused under a stricter bound, before decrypting.
        let strict = KdfLimits::DEFAULT.with_max_scrypt_log_n(13);
        assert!(too_high(&open(&pem, &strict), "2^14"));
    }

    #[test]
    fn one_past_each_default_is_refused() {
        let d = KdfLimits::DEFAULT;
        assert!(matches!(
            d.check_scrypt(1 << 18, 8, 1),
            Err(Error::KdfCostTooHigh { .. })
        ));
        assert!(matches!(
            d.check_scrypt(1 << 10, 17, 1),
            Err(Error::KdfCostTooHigh { .. })
        ));
        assert!(matches!(
            d.check_scrypt(1 << 10, 8, 17),
            Err(Error::KdfCostTooHigh { .. })
        ));
        // 128 * 9 * 2^17 bytes: one r past the memory bound at cosign's N.
        assert!(matches!(
            d.check_scrypt(1 << 17, 9, 1),
            Err(Error::KdfCostTooHigh { .. })
        ));
        d.check_scrypt(1 << 16, 16, 16).unwrap();
        assert!(matches!(
            d.check_pbkdf2(10_000_001),
            Err(Error::KdfCostTooHigh { .. })
        ));
        for bad_n in [0, 1, 3, (1 << 14) + 1] {
            assert!(matches!(
                d.check_scrypt(bad_n, 8, 1),
                Err(Error::Malformed { .. })
            ));
        }
        assert!(d.check_scrypt(1 << 14, 0, 1).is_err());
        assert!(d.check_scrypt(1 << 14, 8, 0).is_err());
    }

    #[test]
    fn hostile_files_are_refused_before_deriving() {
        let d = KdfLimits::DEFAULT;
        // Would allocate 256 MiB, 16 GiB, 2^47 bytes; take 65,535x the time; spin for hours.
        assert!(too_high(&open(&scrypt_pem(1 << 18, 8, 1), &d), "2^18"));
        assert!(too_high(&open(&scrypt_pem(1 << 24, 8, 1), &d), "2^24"));
        assert!(too_high(&open(&scrypt_pem(1 << 40, 8, 1), &d), "2^40"));
        assert!(too_high(
            &open(&scrypt_pem(1 << 14, 65_535, 1), &d),
            "r=65535"
        ));
        assert!(too_high(
            &open(&scrypt_pem(1 << 14, 8, 65_535), &d),
            "p=65535"
        ));
        assert!(too_high(&open(&pbkdf2_pem(10_000_001), &d), "10000001"));
        assert!(too_high(&open(&pbkdf2_pem(u32::MAX), &d), "4294967295"));
    }

    #[test]
    fn configured_limits_at_and_one_past() {
        // Cheap bounds so that "at the limit" really runs the KDF: it then fails as a wrong
        // password / corrupt file, not as a cost error.
        let limits = KdfLimits::DEFAULT
            .with_max_scrypt_log_n(10)
            .with_max_scrypt_r(4)
            .with_max_scrypt_p(2)
            .with_max_pbkdf2_iterations(1000);
        assert!(matches!(
            open(&scrypt_pem(1 << 10, 4, 2), &limits),
            Err(Error::Decryption)
        ));
        assert!(too_high(&open(&scrypt_pem(1 << 11, 4, 2), &limits), "2^11"));
        assert!(too_high(&open(&scrypt_pem(1 << 10, 5, 2), &limits), "r=5"));
        assert!(too_high(&open(&scrypt_pem(1 << 10, 4, 3), &limits), "p=3"));
        assert!(matches!(
            open(&pbkdf2_pem(1000), &limits),
            Err(Error::Decryption)
        ));
        assert!(too_high(&open(&pbkdf2_pem(1001), &limits), "1001"));

        let memory = KdfLimits::DEFAULT.with_max_scrypt_memory_bytes(128 * 8 * 1024);
        assert!(matches!(
            open(&scrypt_pem(1 << 10, 8, 1), &memory),
            Err(Error::Decryption)
        ));
        assert!(too_high(
            &open(&scrypt_pem(1 << 10, 9, 1), &memory),
            "memory"
        ));
    }
}
