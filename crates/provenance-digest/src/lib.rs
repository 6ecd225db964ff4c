#![doc = include_str!("../README.md")]

mod algorithm;
pub mod checksum_line;
mod digest_set;
mod engine;
mod error;
mod git;
mod hasher;
mod tree;

pub use algorithm::Algorithm;
pub use digest_set::{DigestMatch, DigestSet, Iter as DigestSetIter};
pub use error::{Error, Result};
pub use git::{GitObjectFormat, git_blob, git_blob_file};
pub use hasher::{DEFAULT_BUFFER_SIZE, Hasher, Progress, hash_bytes, hash_file, hash_reader};
pub use tree::{SkipReason, Skipped, TreeDigest, TreeEntry, dir_hash, dir_hash_of, hash_tree};
