//! `provenance attest`: statement + signature, appended as one line to a `.intoto.jsonl`.
#![expect(
    clippy::doc_markdown,
    reason = "doc comments here are clap help text, shown verbatim"
)]

use std::io::Read as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use provenance::keys::PrivateKey;
use provenance::keys::fs::{Mode, Overwrite, write_atomic};
use provenance::{Attestation, Attestor};

use crate::Outcome;
use crate::commands::context_flags::{ContextFlags, DETECTION_HELP};
use crate::commands::keys::SigningKeyArgs;
use crate::ui::Ui;

/// The largest `.intoto.jsonl` that `attest` appends to (it is rewritten atomically).
const MAX_EXISTING_JSONL_BYTES: u64 = 256 * 1024 * 1024;

/// Arguments of `provenance attest`.
#[derive(Debug, clap::Args)]
#[command(after_long_help = DETECTION_HELP)]
pub(crate) struct Args {
    #[command(flatten)]
    keys: SigningKeyArgs,

    /// Append the signed envelope as one line to this .intoto.jsonl (created if missing;
    /// rewritten atomically, so a failure never leaves a partial line), as verify --vsa-output
    /// does. Statements already in the file stay, and verify judges every one that covers an
    /// artifact: re-attesting a rebuilt artifact into the same file keeps the old statement
    /// (whose age or claims may then fail). Use --overwrite, or a new file, to replace them.
    #[arg(long, short, value_name = "F.intoto.jsonl")]
    output: Option<PathBuf>,

    /// Replace the --output file with this one line instead of appending to it.
    #[arg(long, requires = "output")]
    overwrite: bool,

    /// Also write a Sigstore bundle v0.3 (publicKey material, one signature) to this file;
    /// with --keyless, the keyless bundle (certificate and Rekor entry).
    #[arg(long, value_name = "F.sigstore.json")]
    bundle: Option<PathBuf>,

    /// Replace an existing --bundle file.
    #[arg(long)]
    force: bool,

    #[command(flatten)]
    context: ContextFlags,

    #[cfg(feature = "sign")]
    #[command(flatten)]
    keyless: crate::commands::keyless::KeylessFlags,

    /// Attach the signed attestation (as a Sigstore bundle, OCI 1.1 referrer) to every
    /// oci://REGISTRY/REPO@sha256:HEX subject in its registry (needs exactly one --key, or
    /// --keyless).
    #[cfg(feature = "oci")]
    #[arg(long)]
    push: bool,

    #[cfg(feature = "oci")]
    #[command(flatten)]
    registry: crate::commands::oci::RegistryFlags,

    /// Files or directories (every file below a directory is a subject), hashed with SHA-256;
    /// or oci://REGISTRY/REPO@sha256:HEX (or :TAG) images (name REGISTRY/REPO, digest = the
    /// manifest digest).
    #[arg(value_name = "SUBJECT")]
    subjects: Vec<PathBuf>,
}

/// Runs `provenance attest`. Without --output or --bundle the envelope line goes to stdout.
#[expect(
    clippy::needless_pass_by_value,
    reason = "every command's run takes its Args by value, as main dispatches them"
)]
pub(crate) fn run(args: Args, ui: &Ui) -> anyhow::Result<Outcome> {
    // What cannot be undone (a registry push, a Rekor entry) happens only once the outputs
    // are known to be writable.
    check_outputs(&args)?;
    #[cfg(feature = "sign")]
    if args.keyless.keyless {
        return run_keyless(&args, ui);
    }
    let keys = args.keys.load(ui)?;
    if args.bundle.is_some() && keys.len() != 1 {
        anyhow::bail!("--bundle takes exactly one --key (a Sigstore bundle holds one signature)");
    }
    #[cfg(feature = "oci")]
    let mut images = crate::commands::oci::Images::resolve(
        args.subjects.iter().filter_map(|p| p.to_str()),
        &args.registry,
        ui,
    )?;
    #[cfg(feature = "oci")]
    let builder = crate::commands::oci::statement_builder(&args.context, &args.subjects, &images)?;
    #[cfg(not(feature = "oci"))]
    let builder = args.context.statement_builder(&args.subjects)?;
    let mut attestor = Attestor::new(builder);
    for key in &keys {
        attestor = attestor.with_signer(key);
    }
    let attestation = attestor.attest()?;

    #[cfg(feature = "oci")]
    if args.push {
        crate::commands::oci::push(&mut images, &attestation, &keys, ui)?;
    }
    if let Some(bundle_path) = &args.bundle {
        write_bundle(&attestation, &keys, bundle_path, args.force)?;
    }
    match &args.output {
        Some(path) => write_output(path, attestation.to_jsonl_line().as_bytes(), args.overwrite)?,
        None if args.bundle.is_none() => {
            crate::ui::write_stdout(attestation.to_jsonl_line().as_bytes())?;
        }
        None => {}
    }
    Ok(Outcome::Success)
}

/// Refuses outputs that cannot be written, before anything is signed, logged or pushed: an
/// existing `--bundle` without `--force`, a `--bundle` or `--output` in a missing directory.
fn check_outputs(args: &Args) -> anyhow::Result<()> {
    if let Some(path) = args
        .bundle
        .as_ref()
        .filter(|p| !args.force && p.symlink_metadata().is_ok())
    {
        anyhow::bail!("{} exists; pass --force to replace it", path.display());
    }
    for path in args.bundle.iter().chain(args.output.iter()) {
        crate::ui::check_output_dir(path)?;
    }
    Ok(())
}

/// `attest --keyless`: the statement signed through Fulcio and Rekor, as a bundle v0.3 written
/// to --bundle, appended as a line to --output, or printed.
#[cfg(feature = "sign")]
fn run_keyless(args: &Args, ui: &Ui) -> anyhow::Result<Outcome> {
    // images are resolved (and --push checked) before the signature is logged in Rekor
    #[cfg(feature = "oci")]
    let mut images = crate::commands::oci::Images::resolve(
        args.subjects.iter().filter_map(|p| p.to_str()),
        &args.registry,
        ui,
    )?;
    #[cfg(feature = "oci")]
    if args.push && images.is_empty() {
        anyhow::bail!("--push needs an oci://REGISTRY/REPO@sha256:HEX subject");
    }
    #[cfg(feature = "oci")]
    let builder = crate::commands::oci::statement_builder(&args.context, &args.subjects, &images)?;
    #[cfg(not(feature = "oci"))]
    let builder = args.context.statement_builder(&args.subjects)?;
    let statement = builder.build().context("cannot build the statement")?;
    let payload = statement
        .to_json_bytes()
        .context("cannot serialise the statement")?;
    let signed = args
        .keyless
        .sign_dsse(provenance::model::IN_TOTO_PAYLOAD_TYPE, &payload, ui)?;
    let mut line = signed
        .bundle
        .to_json()
        .context("cannot serialise the Sigstore bundle")?;
    #[cfg(feature = "oci")]
    if args.push {
        crate::commands::oci::push_bundle(&mut images, &line, ui)?;
    }
    if let Some(path) = &args.bundle {
        write_bundle_json(&line, path, args.force)?;
    }
    line.push(b'\n');
    match &args.output {
        Some(path) => write_output(path, &line, args.overwrite)?,
        None if args.bundle.is_none() => crate::ui::write_stdout(&line)?,
        None => {}
    }
    Ok(Outcome::Success)
}

fn write_bundle(
    attestation: &Attestation,
    keys: &[PrivateKey],
    path: &Path,
    force: bool,
) -> anyhow::Result<()> {
    let hint = keys.first().map(|key| key.key_id().as_str());
    let bundle = attestation.to_bundle(hint)?;
    let json = bundle
        .to_json()
        .context("cannot serialise the Sigstore bundle")?;
    write_bundle_json(&json, path, force)
}

/// Writes a serialised bundle (one JSON document, then a newline) atomically: a failure
/// leaves no file; an existing file is replaced only with `force`.
pub(crate) fn write_bundle_json(json: &[u8], path: &Path, force: bool) -> anyhow::Result<()> {
    let mut bytes = Vec::with_capacity(json.len() + 1);
    bytes.extend_from_slice(json);
    bytes.push(b'\n');
    let overwrite = if force {
        Overwrite::Force
    } else {
        Overwrite::Refuse
    };
    write_atomic(path, &bytes, Mode::Public, overwrite)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// Writes `line` to the --output file: appended, or (with --overwrite) replacing it, atomically
/// either way.
fn write_output(path: &Path, line: &[u8], overwrite: bool) -> anyhow::Result<()> {
    if overwrite {
        write_atomic(path, line, Mode::Public, Overwrite::Force)
            .with_context(|| format!("cannot write {}", path.display()))
    } else {
        append_line(path, line)
    }
}

/// Appends `line` (one or more whole lines) to `path` by writing the old contents plus the
/// line to a temporary file and renaming it over `path`: readers see the old file or the new
/// one, never a partial line. Shared by `attest --output` and `verify --vsa-output`.
pub(crate) fn append_line(path: &Path, line: &[u8]) -> anyhow::Result<()> {
    let mut contents = Vec::new();
    match std::fs::File::open(path) {
        Ok(file) => {
            let mut limited = file.take(MAX_EXISTING_JSONL_BYTES + 1);
            limited
                .read_to_end(&mut contents)
                .with_context(|| format!("cannot read {}", path.display()))?;
            if contents.len() as u64 > MAX_EXISTING_JSONL_BYTES {
                anyhow::bail!(
                    "{} is larger than {MAX_EXISTING_JSONL_BYTES} bytes; start a new .intoto.jsonl",
                    path.display()
                );
            }
            if contents.last().is_some_and(|&b| b != b'\n') {
                contents.push(b'\n');
            }
        }
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
        Err(err) => return Err(err).with_context(|| format!("cannot read {}", path.display())),
    }
    contents.extend_from_slice(line);
    write_atomic(path, &contents, Mode::Public, Overwrite::Force)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}
