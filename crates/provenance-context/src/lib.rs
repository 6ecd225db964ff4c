#![doc = include_str!("../README.md")]

mod builder;
mod checksums;
mod context;
mod env;
mod error;
mod git;
mod platform;
mod subjects;
mod time_util;

pub use builder::StatementBuilder;
pub use checksums::{ChecksumEntry, DEFAULT_MAX_CHECKSUM_BYTES, parse_checksums};
pub use context::{
    BuildContext, DetectOptions, Overrides, Platform, Source, parse_external_parameter,
};
pub use env::{EnvSource, MapEnv, ProcessEnv};
pub use error::{Error, Result};
pub use git::{GitBinary, GitInfo, normalize_repo_url};
pub use platform::{
    BUILD_TYPE_PREFIX, GITHUB_BUILD_TYPE, GITHUB_DEFAULT_SERVER, GITLAB_BUILD_TYPE_PREFIX,
    LOCAL_BUILDER_ID,
};
pub use subjects::{DEFAULT_MAX_SUBJECTS, SubjectSet};
