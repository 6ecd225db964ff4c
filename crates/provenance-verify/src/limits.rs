//! Bounds on every input the verifier reads.

/// Bounds on attestation input. Exceeding one is a clear error, never an allocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[expect(
    clippy::struct_field_names,
    reason = "every field is a maximum; the prefix says so"
)]
pub struct Limits {
    max_file_bytes: u64,
    max_line_bytes: usize,
    max_lines: usize,
    max_attestations: usize,
    max_dir_entries: usize,
    max_trace_depth: usize,
}

impl Limits {
    /// The defaults: 256 MiB per file, 32 MiB per line (one envelope or bundle), 100,000 lines
    /// per file, 100,000 attestations in total, 10,000 files per directory, trace depth 32.
    pub const DEFAULT: Self = Self {
        max_file_bytes: 256 << 20,
        max_line_bytes: 32 << 20,
        max_lines: 100_000,
        max_attestations: 100_000,
        max_dir_entries: 10_000,
        max_trace_depth: 32,
    };

    /// Largest attestation file read, in bytes.
    pub fn max_file_bytes(&self) -> u64 {
        self.max_file_bytes
    }
    /// Largest line (or whole-file JSON document), in bytes.
    pub fn max_line_bytes(&self) -> usize {
        self.max_line_bytes
    }
    /// Most lines read from one file.
    pub fn max_lines(&self) -> usize {
        self.max_lines
    }
    /// Most attestations kept over all files.
    pub fn max_attestations(&self) -> usize {
        self.max_attestations
    }
    /// Most files read from one attestation directory.
    pub fn max_dir_entries(&self) -> usize {
        self.max_dir_entries
    }
    /// Deepest chain `trace` follows.
    pub fn max_trace_depth(&self) -> usize {
        self.max_trace_depth
    }

    /// Sets the largest attestation file, in bytes.
    #[must_use]
    pub fn with_max_file_bytes(mut self, max: u64) -> Self {
        self.max_file_bytes = max;
        self
    }
    /// Sets the largest line or document, in bytes.
    #[must_use]
    pub fn with_max_line_bytes(mut self, max: usize) -> Self {
        self.max_line_bytes = max;
        self
    }
    /// Sets the most lines read from one file.
    #[must_use]
    pub fn with_max_lines(mut self, max: usize) -> Self {
        self.max_lines = max;
        self
    }
    /// Sets the most attestations kept over all files.
    #[must_use]
    pub fn with_max_attestations(mut self, max: usize) -> Self {
        self.max_attestations = max;
        self
    }
    /// Sets the most files read from one directory.
    #[must_use]
    pub fn with_max_dir_entries(mut self, max: usize) -> Self {
        self.max_dir_entries = max;
        self
    }
    /// Sets the deepest chain `trace` follows.
    #[must_use]
    pub fn with_max_trace_depth(mut self, max: usize) -> Self {
        self.max_trace_depth = max;
        self
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self::DEFAULT
    }
}
