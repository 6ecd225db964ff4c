//! `provenance sign`: wrap any payload in a signed DSSE envelope.

use std::io::Read as _;
use std::path::PathBuf;

use anyhow::Context as _;
use provenance::dsse::{DsseSigner, Envelope, PayloadType};
use provenance::keys::fs::{Mode, Overwrite, write_atomic};

use crate::Outcome;
use crate::commands::keys::SigningKeyArgs;
use crate::ui::Ui;

/// Largest payload signed: 256 MiB.
const MAX_PAYLOAD_BYTES: u64 = 256 * 1024 * 1024;

/// Arguments of `provenance sign`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    keys: SigningKeyArgs,

    /// The DSSE payloadType (authenticated together with the payload).
    #[arg(
        long,
        value_name = "TYPE",
        default_value = provenance::model::IN_TOTO_PAYLOAD_TYPE
    )]
    payload_type: String,

    /// Write the envelope JSON here (atomically; an existing file is replaced) instead of
    /// stdout. With --keyless: the DSSE envelope as a Sigstore bundle v0.3.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,

    /// With --keyless: sign FILE itself (a message signature over its SHA-256 digest, as
    /// cosign sign-blob --bundle writes, which verify FILE accepts) and write the Sigstore
    /// bundle v0.3 here (atomically; an existing file is replaced).
    #[cfg(feature = "sign")]
    #[arg(
        long,
        value_name = "F.sigstore.json",
        requires = "keyless",
        conflicts_with = "output"
    )]
    bundle: Option<PathBuf>,

    #[cfg(feature = "sign")]
    #[command(flatten)]
    keyless: crate::commands::keyless::KeylessFlags,

    /// The payload file, or - for stdin.
    #[arg(value_name = "FILE|-")]
    payload: PathBuf,
}

fn read_payload(path: &PathBuf) -> anyhow::Result<Vec<u8>> {
    let mut payload = Vec::new();
    let read = if path.as_os_str() == "-" {
        std::io::stdin()
            .lock()
            .take(MAX_PAYLOAD_BYTES + 1)
            .read_to_end(&mut payload)
    } else {
        std::fs::File::open(path)
            .and_then(|f| f.take(MAX_PAYLOAD_BYTES + 1).read_to_end(&mut payload))
    };
    read.with_context(|| format!("cannot read the payload {}", path.display()))?;
    if payload.len() as u64 > MAX_PAYLOAD_BYTES {
        anyhow::bail!(
            "the payload {} is larger than {MAX_PAYLOAD_BYTES} bytes",
            path.display()
        );
    }
    Ok(payload)
}

/// Runs `provenance sign`.
#[expect(
    clippy::needless_pass_by_value,
    reason = "every command's run takes its Args by value, as main dispatches them"
)]
pub(crate) fn run(args: Args, ui: &Ui) -> anyhow::Result<Outcome> {
    let payload_type: PayloadType = args
        .payload_type
        .parse()
        .with_context(|| format!("invalid --payload-type {:?}", args.payload_type))?;
    if payload_type.as_str().starts_with("https://") || payload_type.as_str().starts_with("http://")
    {
        ui.warn(format_args!(
            "--payload-type {payload_type} looks like a URI; in-toto attestations use \
             application/vnd.in-toto+json (the predicate type belongs inside the statement)"
        ));
    }
    // A message signature over a blob needs only its digest: the blob is streamed, whatever
    // its size, never held in memory.
    #[cfg(feature = "sign")]
    if args.keyless.keyless && args.bundle.is_some() {
        return run_keyless(&args, payload_type.as_str(), None, ui);
    }
    let payload = read_payload(&args.payload)?;
    #[cfg(feature = "sign")]
    if args.keyless.keyless {
        return run_keyless(&args, payload_type.as_str(), Some(&payload), ui);
    }
    if payload_type.is_in_toto() && serde_json::from_slice::<serde_json::Value>(&payload).is_err() {
        ui.warn(format_args!(
            "the payload is not JSON, but payloadType {payload_type} announces an in-toto statement"
        ));
    }
    let keys = args.keys.load(ui)?;
    let signers: Vec<&dyn DsseSigner> = keys.iter().map(|k| k as &dyn DsseSigner).collect();
    let envelope =
        Envelope::sign(payload_type, payload, &signers).context("cannot sign the payload")?;
    let mut json = envelope.to_json();
    json.push('\n');

    if let Some(path) = &args.output {
        write_atomic(path, json.as_bytes(), Mode::Public, Overwrite::Force)
            .with_context(|| format!("cannot write the envelope {}", path.display()))?;
    } else {
        crate::ui::write_stdout(json.as_bytes())?;
    }
    Ok(Outcome::Success)
}

/// `sign --keyless`: with --bundle a message signature over the payload file (streamed: only
/// its SHA-256 is needed, `payload` is `None`), else the DSSE envelope over `payload` as a
/// bundle v0.3 (to --output or stdout).
#[cfg(feature = "sign")]
fn run_keyless(
    args: &Args,
    payload_type: &str,
    payload: Option<&[u8]>,
    ui: &Ui,
) -> anyhow::Result<Outcome> {
    // a Rekor entry cannot be taken back: the output's directory is checked first
    if let Some(path) = args.bundle.as_ref().or(args.output.as_ref()) {
        crate::ui::check_output_dir(path)?;
    }
    let (signed, path) = match (&args.bundle, payload) {
        (Some(path), _) => {
            let digest = blob_sha256(&args.payload)?;
            (args.keyless.sign_digest(&digest, ui)?, Some(path))
        }
        (None, Some(payload)) => (
            args.keyless.sign_dsse(payload_type, payload, ui)?,
            args.output.as_ref(),
        ),
        (None, None) => anyhow::bail!("internal: a DSSE payload to sign was not read"),
    };
    let mut json = signed
        .bundle
        .to_json()
        .context("cannot serialise the Sigstore bundle")?;
    if let Some(path) = path {
        crate::commands::attest::write_bundle_json(&json, path, true)?;
    } else {
        json.push(b'\n');
        crate::ui::write_stdout(&json)?;
    }
    Ok(Outcome::Success)
}

/// The SHA-256 of a blob (a file, or standard input for `-`), streamed.
#[cfg(feature = "sign")]
fn blob_sha256(path: &PathBuf) -> anyhow::Result<[u8; 32]> {
    use provenance::digest::Algorithm;
    let set = if path.as_os_str() == "-" {
        provenance::digest::hash_reader(std::io::stdin().lock(), &[Algorithm::Sha256])
    } else {
        provenance::digest::hash_file(path, &[Algorithm::Sha256])
    }
    .with_context(|| format!("cannot read the blob {}", path.display()))?;
    let hex = set
        .get_algorithm(Algorithm::Sha256)
        .context("hashing gave no SHA-256")?;
    let mut digest = [0u8; 32];
    hex::decode_to_slice(hex, &mut digest).context("hashing gave a malformed SHA-256")?;
    Ok(digest)
}
