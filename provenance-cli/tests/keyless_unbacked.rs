//! Keyless provenance without `--builder-id`: the signer must be a builder trusted by default or
//! the source repository's own workflow (or named by gh's flags), whether or not other
//! expectations are given (review finding 4). A shared reusable workflow's identity alone
//! vouches for no repository.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod defects_common;
use defects_common::{exits, provenance};

const IDENTITY: &str = "^https://github.com/github/artifact-attestations-workflows/";
const ISSUER: &str = "https://token.actions.githubusercontent.com";

fn data() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../test-vectors/third-party/gh-cli/pkg/cmd/attestation/test/data")
}

fn verify(extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "verify",
        "--certificate-identity-regexp",
        IDENTITY,
        "--certificate-oidc-issuer",
        ISSUER,
        "--attestation",
        "reusable-workflow-attestation.sigstore.json",
    ];
    args.extend_from_slice(extra);
    args.push("reusable-workflow-artifact");
    provenance(&data(), &args)
}

#[test]
fn a_shared_workflow_identity_alone_does_not_pass_keyless_provenance() {
    for extra in [
        &[][..],
        &["--source-uri", "github.com/malancas/attest-demo"],
    ] {
        let fail = exits(&verify(extra), 1);
        assert!(
            fail.starts_with("FAIL reusable-workflow-artifact"),
            "{fail}"
        );
        assert!(fail.contains("builder-id"), "{extra:?}: {fail}");
        assert!(fail.contains("not a builder trusted by default"), "{fail}");
    }
    // Naming the builder is the way to accept it.
    let pass = exits(
        &verify(&[
            "--builder-id",
            "https://github.com/github/artifact-attestations-workflows/.github/workflows/attest.yml@09b495c3f12c7881b3cc17209a327792065c1a1d",
        ]),
        0,
    );
    assert!(
        pass.starts_with("PASS reusable-workflow-artifact"),
        "{pass}"
    );
}
