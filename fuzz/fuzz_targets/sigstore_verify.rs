//! Offline Sigstore verification of arbitrary bundles never panics and never passes: the input
//! is parsed as a bundle and verified against the embedded public-good trusted root with an
//! any-identity policy, with and without the transparency log. Real bundles are signed over
//! artifacts we do not pass, and a fuzzed bundle has no valid signature, so every result must
//! be an error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use provenance_sigstore::{
    Artifact, Bundle, BundleVerifier, IdentityPolicy, Matcher, SignerPolicy, Transparency,
    TrustedRoot,
};

thread_local! {
    /// The embedded trusted root, parsed once.
    static ROOT: TrustedRoot = TrustedRoot::public_good().expect("embedded root");
}

fuzz_target!(|data: &[u8]| {
    let Ok(bundle) = Bundle::from_json(data) else {
        return;
    };
    let root = ROOT.with(Clone::clone);
    let policy = IdentityPolicy::identity(
        Matcher::regex(".*").expect("regex"),
        Matcher::regex(".*").expect("regex"),
    );
    for transparency in [Transparency::Required, Transparency::InsecureIgnore] {
        let verifier = BundleVerifier::new(root.clone(), SignerPolicy::Keyless(policy.clone()))
            .with_transparency(transparency);
        let result = verifier.verify(
            &bundle,
            Artifact::Bytes(b"fuzz artifact bytes"),
            1_800_000_000,
        );
        assert!(
            result.is_err(),
            "a fuzzed bundle verified for an unrelated artifact"
        );
        let _ = verifier.verify(&bundle, Artifact::None, 1_800_000_000);
    }
});
