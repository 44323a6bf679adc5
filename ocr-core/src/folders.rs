//! Where a user's files live, by the XDG base directory rules; the app names its own folder.

use std::path::PathBuf;

/// One of the XDG base folders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserFolder {
    /// Files that can be made again: `$XDG_CACHE_HOME`, else `~/.cache`.
    Cache,
    /// Settings: `$XDG_CONFIG_HOME`, else `~/.config`.
    Config,
    /// Work the user keeps: `$XDG_DATA_HOME`, else `~/.local/share`.
    Data,
}

impl UserFolder {
    /// The app's folder in this base folder (`$XDG_CACHE_HOME/APP`, ...); `None` when neither the
    /// variable nor `HOME` is set.
    pub fn of_app(self, app: &str) -> Option<PathBuf> {
        let (var, home_default) = match self {
            UserFolder::Cache => ("XDG_CACHE_HOME", ".cache"),
            UserFolder::Config => ("XDG_CONFIG_HOME", ".config"),
            UserFolder::Data => ("XDG_DATA_HOME", ".local/share"),
        };
        let base = std::env::var_os(var)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| {
                std::env::var_os("HOME")
                    .filter(|h| !h.is_empty())
                    .map(|h| PathBuf::from(h).join(home_default))
            })?;
        Some(base.join(app))
    }
}
