//! An `indicatif` progress bar fed by `provenance_digest`'s progress callback.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use provenance::digest::Progress;

use crate::ui::Ui;

/// A progress bar on stderr for one input, hidden unless the terminal allows it.
pub(crate) struct ByteProgress {
    bar: ProgressBar,
}

impl ByteProgress {
    /// A bar labelled `label`; drawn only when `ui.progress_enabled()`.
    pub(crate) fn new(ui: &Ui, label: &str) -> Self {
        let bar = if ui.progress_enabled() {
            ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr_with_hz(10))
        } else {
            ProgressBar::hidden()
        };
        bar.set_message(crate::ui::escape(label).into_owned());
        Self { bar }
    }

    /// Whether anything will be drawn (callers skip the callback otherwise).
    pub(crate) fn visible(&self) -> bool {
        !self.bar.is_hidden()
    }

    /// Updates the bar from the digest crate's callback (callable from several threads).
    pub(crate) fn update(&self, progress: Progress) {
        if self.bar.length().is_none()
            && let Some(total) = progress.total
        {
            self.bar.set_length(total);
            let template = "{msg:.bold} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} {eta}";
            if let Ok(style) = ProgressStyle::with_template(template) {
                self.bar.set_style(style.progress_chars("=> "));
            }
        }
        self.bar.set_position(progress.done);
    }

    /// Removes the bar from the terminal.
    pub(crate) fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
