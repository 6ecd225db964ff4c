//! [`Attestor`]: artifacts + build context + signer -> signed provenance.

use provenance_context::StatementBuilder;
use provenance_dsse::{DsseSigner, Envelope, PayloadType};
use provenance_model::Statement;
use provenance_sigstore::Bundle;

/// What can go wrong while producing signed provenance.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No signer was given: provenance is never emitted unsigned by the attestor.
    #[error("no signer: provenance must be signed by at least one key")]
    NoSigner,
    /// The statement could not be built (subjects, context or overrides are invalid).
    #[error("cannot build the statement")]
    Statement(#[source] provenance_context::Error),
    /// The statement could not be serialised.
    #[error("cannot serialise the statement")]
    Serialize(#[source] provenance_model::Error),
    /// A signer failed.
    #[error("cannot sign the statement")]
    Sign(#[source] provenance_dsse::Error),
    /// The Sigstore bundle could not be assembled.
    #[error("cannot build the Sigstore bundle")]
    Bundle(#[source] provenance_sigstore::Error),
    /// A Sigstore bundle holds exactly one signature; the attestation has another count.
    #[error("a Sigstore bundle holds exactly one signature, this attestation has {count}")]
    BundleSignatureCount {
        /// How many signatures the envelope has.
        count: usize,
    },
}

/// Produces signed SLSA provenance: the one call a build tool needs.
///
/// The statement comes from a [`StatementBuilder`] (subjects plus the build context, detected or
/// given); every signer adds one DSSE signature over the same payload bytes.
pub struct Attestor<'a> {
    builder: StatementBuilder,
    signers: Vec<&'a dyn DsseSigner>,
}

impl std::fmt::Debug for Attestor<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Attestor")
            .field("builder", &self.builder)
            .field("signers", &self.signers.len())
            .finish()
    }
}

impl<'a> Attestor<'a> {
    /// An attestor for the statement `builder` describes, with no signer yet.
    pub fn new(builder: StatementBuilder) -> Self {
        Self {
            builder,
            signers: Vec::new(),
        }
    }

    /// Adds a signer (a `provenance_keys::PrivateKey`, or any `signature::Signer` wrapped in
    /// `provenance_dsse::SignerWithKeyId`).
    #[must_use]
    pub fn with_signer(mut self, signer: &'a dyn DsseSigner) -> Self {
        self.signers.push(signer);
        self
    }

    /// The statement builder, to add subjects or adjust the context before attesting.
    pub fn builder_mut(&mut self) -> &mut StatementBuilder {
        &mut self.builder
    }

    /// Builds the statement (finishing now, or at `SOURCE_DATE_EPOCH`) and signs it.
    ///
    /// # Errors
    /// [`Error::NoSigner`] without a signer; otherwise the failing step.
    pub fn attest(&self) -> Result<Attestation, Error> {
        if self.signers.is_empty() {
            return Err(Error::NoSigner);
        }
        let statement = self.builder.build().map_err(Error::Statement)?;
        Self::sign_statement(statement, &self.signers)
    }

    /// Signs an already built statement with `signers`.
    ///
    /// # Errors
    /// [`Error::NoSigner`] when `signers` is empty; serialisation or signing failures.
    pub fn sign_statement(
        statement: Statement,
        signers: &[&dyn DsseSigner],
    ) -> Result<Attestation, Error> {
        if signers.is_empty() {
            return Err(Error::NoSigner);
        }
        let payload = statement.to_json_bytes().map_err(Error::Serialize)?;
        let envelope =
            Envelope::sign(PayloadType::in_toto(), payload, signers).map_err(Error::Sign)?;
        Ok(Attestation {
            statement,
            envelope,
        })
    }
}

/// A signed statement: the statement as built and the DSSE envelope over its exact bytes.
#[derive(Debug, Clone)]
pub struct Attestation {
    statement: Statement,
    envelope: Envelope,
}

impl Attestation {
    /// The statement that was signed.
    pub fn statement(&self) -> &Statement {
        &self.statement
    }

    /// The DSSE envelope.
    pub fn envelope(&self) -> &Envelope {
        &self.envelope
    }

    /// One line of a `.intoto.jsonl` file: the envelope as compact JSON and a newline.
    pub fn to_jsonl_line(&self) -> String {
        let mut line = self.envelope.to_json();
        line.push('\n');
        line
    }

    /// A Sigstore bundle v0.3 with `publicKey` material (the key named by `hint`, usually its key
    /// id) around the envelope. Such a bundle carries no transparency-log entry; it verifies with
    /// the public key.
    ///
    /// # Errors
    /// [`Error::BundleSignatureCount`] unless the envelope has exactly one signature.
    pub fn to_bundle(&self, hint: Option<&str>) -> Result<Bundle, Error> {
        let [signature] = self.envelope.signatures() else {
            return Err(Error::BundleSignatureCount {
                count: self.envelope.signatures().len(),
            });
        };
        Bundle::new_v03_dsse_with_public_key(
            self.envelope.payload_type().as_str(),
            self.envelope.payload_unverified(),
            signature.sig(),
            signature.key_id().map(provenance_dsse::KeyId::as_str),
            hint,
        )
        .map_err(Error::Bundle)
    }
}
