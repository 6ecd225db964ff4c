//! `provenance trusted-root update`: refresh the Sigstore trusted root through TUF into the
//! trust cache (feature `tuf`), and where that cache is (read by `verify`, `trace` and keyless
//! signing, with or without the feature).

use std::path::PathBuf;

/// The environment variable naming the trust cache directory (empty: no cache).
pub(crate) const CACHE_ENV: &str = "PROVENANCE_TUF_CACHE";

/// The trust cache directory: `PROVENANCE_TUF_CACHE` (set but empty: none), else
/// `$XDG_CACHE_HOME/provenance/tuf` (an absolute `XDG_CACHE_HOME` only, as the XDG base
/// directory specification says), else `$HOME/.cache/provenance/tuf`; `None` when none of them
/// is set.
pub(crate) fn cache_dir() -> Option<PathBuf> {
    if let Some(v) = std::env::var_os(CACHE_ENV) {
        return (!v.is_empty()).then(|| PathBuf::from(v));
    }
    if let Some(xdg) = std::env::var_os("XDG_CACHE_HOME").map(PathBuf::from)
        && xdg.is_absolute()
    {
        return Some(xdg.join("provenance").join("tuf"));
    }
    std::env::var_os("HOME").filter(|h| !h.is_empty()).map(|h| {
        PathBuf::from(h)
            .join(".cache")
            .join("provenance")
            .join("tuf")
    })
}

#[cfg(feature = "tuf")]
pub(crate) use update::{Args, run};

#[cfg(feature = "tuf")]
#[expect(
    clippy::doc_markdown,
    reason = "doc comments here are clap help text, shown verbatim"
)]
mod update {
    use std::io::Write as _;
    use std::path::PathBuf;
    use std::time::Duration;

    use anyhow::Context as _;
    use provenance::sigstore::TrustCache;
    use provenance::sigstore::tuf::{
        PUBLIC_GOOD_TUF_ROOT, PUBLIC_GOOD_TUF_URL, StartingRoot, TrustedRootUpdate, TufRepository,
    };

    use crate::Outcome;
    use crate::ui::{Ui, escaped};

    /// The largest initial root metadata file read.
    const MAX_ROOT_BYTES: u64 = 1 << 20;

    /// Arguments of `provenance trusted-root`.
    #[derive(Debug, clap::Args)]
    pub(crate) struct Args {
        #[command(subcommand)]
        command: Command,
    }

    #[derive(Debug, clap::Subcommand)]
    enum Command {
        /// Refresh the Sigstore trusted root (and signing config) through a TUF repository
        /// into the trust cache, which verify then uses in place of the embedded root.
        #[command(
            after_long_help = "The update is a TUF client update cycle (awslabs' tough): \
the root is followed through its signed rotations from the initial root (the one a previous \
update verified and cached, else --root, else the public-good root embedded in this program), \
then timestamp, snapshot and targets are checked for signatures, expiry and rollback, and the \
trusted_root.json target for its signed hash. Only when all of it verified are the files \
written to the cache, each atomically; a failed update leaves the cache as it was (exit 2).

The cache directory: --cache-dir, else PROVENANCE_TUF_CACHE, else \
$XDG_CACHE_HOME/provenance/tuf, else ~/.cache/provenance/tuf. verify, trace and keyless \
signing read <cache>/trusted_root.json when it exists (offline) and --trusted-root is not \
given; set PROVENANCE_TUF_CACHE to an empty value to ignore the cache."
        )]
        Update(UpdateArgs),
    }

    #[derive(Debug, clap::Args)]
    struct UpdateArgs {
        /// The TUF repository's metadata URL (https://, http:// or file://); its targets are
        /// under URL/targets/ unless --targets-url says otherwise.
        #[arg(long, value_name = "URL", default_value = PUBLIC_GOOD_TUF_URL)]
        tuf_url: String,

        /// Where the repository's targets are (default: TUF_URL/targets/).
        #[arg(long, value_name = "URL")]
        targets_url: Option<String>,

        /// The initial trusted root metadata (root.json), used when the cache holds no root
        /// verified by an earlier update of this repository (default: Sigstore's public-good
        /// TUF root embedded in this program, for the default --tuf-url only).
        #[arg(long, value_name = "FILE")]
        root: Option<PathBuf>,

        /// The trust cache directory (default: PROVENANCE_TUF_CACHE, else
        /// $XDG_CACHE_HOME/provenance/tuf, else ~/.cache/provenance/tuf).
        #[arg(long, value_name = "DIR")]
        cache_dir: Option<PathBuf>,

        /// Seconds to wait for each HTTP request.
        #[arg(long, value_name = "SECONDS", default_value_t = 30)]
        timeout: u64,
    }

    fn read_root(path: &std::path::Path) -> anyhow::Result<Vec<u8>> {
        use std::io::Read as _;
        let file = std::fs::File::open(path)
            .with_context(|| format!("cannot read the initial root {}", path.display()))?;
        let mut bytes = Vec::new();
        file.take(MAX_ROOT_BYTES + 1)
            .read_to_end(&mut bytes)
            .with_context(|| format!("cannot read the initial root {}", path.display()))?;
        if bytes.len() as u64 > MAX_ROOT_BYTES {
            anyhow::bail!(
                "the initial root {} is larger than {MAX_ROOT_BYTES} bytes",
                path.display()
            );
        }
        Ok(bytes)
    }

    /// Runs `provenance trusted-root ...`.
    pub(crate) fn run(args: Args, ui: &Ui) -> anyhow::Result<Outcome> {
        let Command::Update(args) = args.command;
        let Some(cache_dir) = args.cache_dir.clone().or_else(super::cache_dir) else {
            anyhow::bail!(
                "no trust cache directory: pass --cache-dir, or set {} or HOME",
                super::CACHE_ENV
            );
        };
        let mut repository = TufRepository::new(&args.tuf_url).context("invalid --tuf-url")?;
        if let Some(url) = &args.targets_url {
            repository = repository
                .with_targets_url(url)
                .context("invalid --targets-url")?;
        }
        let public_good = repository == TufRepository::public_good()?;
        let initial_root = match &args.root {
            Some(path) => read_root(path)?,
            None if public_good => PUBLIC_GOOD_TUF_ROOT.to_vec(),
            None => {
                // Another repository: an earlier update of it must have cached its root (the
                // embedded root is the public-good repository's only).
                let cached = TrustCache::new(&cache_dir)
                    .metadata_dir(repository.metadata_url())
                    .join("root.json");
                if !cached.is_file() {
                    anyhow::bail!(
                        "--root FILE (the repository's initial root.json) is needed: {} is not \
                         the public-good repository and {} holds no root of it from an \
                         earlier update",
                        repository.metadata_url(),
                        cache_dir.display()
                    );
                }
                Vec::new()
            }
        };
        let update = TrustedRootUpdate::new(repository, initial_root, TrustCache::new(&cache_dir))
            .timeout(Duration::from_secs(args.timeout.max(1)));
        let updated = update.run().map_err(|e| {
            // Only writing the cache (after everything verified) can leave it changed.
            let unchanged = if matches!(e, provenance::sigstore::Error::CacheIo { .. }) {
                ""
            } else {
                "; the cache is unchanged"
            };
            anyhow::Error::new(e).context(format!(
                "cannot update the trusted root in {}{unchanged}",
                cache_dir.display()
            ))
        })?;
        if let StartingRoot::Cached(path) = updated.starting_root() {
            ui.note(format_args!(
                "started from the root verified by an earlier update ({})",
                escaped(path.display())
            ));
        }
        let mut out = std::io::stdout().lock();
        writeln!(
            out,
            "TUF repository:    {}\nTUF root version:  {}\ntrusted_root.json: {} sha256:{} ({})",
            escaped(update.repository().metadata_url()),
            updated.root_version(),
            escaped(updated.trusted_root_path().display()),
            updated.trusted_root_sha256_hex(),
            if updated.changed() {
                "updated"
            } else {
                "unchanged"
            },
        )
        .and_then(|()| match updated.signing_config_path() {
            Some(p) => writeln!(out, "signing config:    {}", escaped(p.display())),
            None => writeln!(out, "signing config:    (not published by the repository)"),
        })
        .and_then(|()| out.flush())
        .context("cannot write to stdout")?;
        Ok(Outcome::Success)
    }
}
