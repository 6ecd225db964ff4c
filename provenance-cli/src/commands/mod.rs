//! One module per subcommand: its `Args` (clap) and `run`.

pub(crate) mod attest;
pub(crate) mod context_flags;
pub(crate) mod digest;
pub(crate) mod docs;
pub(crate) mod inspect;
pub(crate) mod keygen;
#[cfg(feature = "sign")]
pub(crate) mod keyless;
pub(crate) mod keys;
#[cfg(feature = "oci")]
pub(crate) mod oci;
pub(crate) mod sign;
pub(crate) mod statement;
pub(crate) mod trace;
pub(crate) mod trust_flags;
pub(crate) mod trusted_root;
pub(crate) mod verify;
