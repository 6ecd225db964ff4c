//! Verifies one DSSE envelope file with PEM public keys; used by the interoperability scripts.
//!
//! ```text
//! cargo run -q -p provenance-keys --example dsse-verify -- \
//!     [--threshold N] [--payload-type T | --in-toto] --key PUB.pem [--key ...] ENVELOPE.json
//! ```
//! Exit 0 and `OK <keyids>` when verified, 1 and `FAIL <reason>` when not, 2 on usage errors.
//! Without `--payload-type`, any in-toto payload type is accepted.

use std::process::ExitCode;

use provenance_dsse::{Envelope, Limits, PayloadTypePolicy, Threshold, VerificationKey};
use provenance_keys::KeySource;

fn usage(message: &str) -> ExitCode {
    eprintln!("dsse-verify: {message}");
    eprintln!("usage: dsse-verify [--threshold N] [--payload-type T] --key PUB... ENVELOPE");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let mut keys = Vec::new();
    let mut threshold = Threshold::ONE;
    let mut policy = PayloadTypePolicy::InToto;
    let mut envelope_path = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--key" => match args.next().map(|k| k.parse::<KeySource>()) {
                Some(Ok(source)) => match source.load_public() {
                    Ok(key) => keys.push(key),
                    Err(err) => {
                        return usage(&format!("{err}: {:?}", std::error::Error::source(&err)));
                    }
                },
                _ => return usage("--key needs a path or env://VAR"),
            },
            "--threshold" => match args
                .next()
                .and_then(|n| n.parse().ok())
                .and_then(Threshold::new)
            {
                Some(t) => threshold = t,
                None => return usage("--threshold needs a positive number"),
            },
            "--payload-type" => match args.next().map(|t| t.parse()) {
                Some(Ok(t)) => policy = PayloadTypePolicy::Exact(t),
                _ => return usage("--payload-type needs a valid payload type"),
            },
            path if envelope_path.is_none() && !path.starts_with("--") => {
                envelope_path = Some(path.to_owned());
            }
            other => return usage(&format!("unexpected argument {other:?}")),
        }
    }
    let Some(path) = envelope_path else {
        return usage("no envelope given");
    };
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(err) => return usage(&format!("cannot read {path}: {err}")),
    };
    let key_refs: Vec<&dyn VerificationKey> =
        keys.iter().map(|k| k as &dyn VerificationKey).collect();
    let result = Envelope::from_slice(&bytes, &Limits::default())
        .and_then(|env| env.verify(&policy, &key_refs, threshold));
    match result {
        Ok(verified) => {
            let ids: Vec<&str> = verified
                .key_ids()
                .iter()
                .map(provenance_dsse::KeyId::as_str)
                .collect();
            println!("OK {}", ids.join(" "));
            ExitCode::SUCCESS
        }
        Err(err) => {
            println!("FAIL {err}");
            ExitCode::from(1)
        }
    }
}
