//! Test support: where the data files of an installed Python package are (dictionaries and
//! models the reference tools ship), so the Rust tests read the same files the Python tests do.

use std::path::{Path, PathBuf};

/// The first existing `<site-packages>/<rel>` (a file or directory): `$<env_var>` (that path
/// itself) first, then the active venv's site-packages (`$VIRTUAL_ENV`, as CI runs the tests),
/// then the development venvs under /work. None when no candidate exists: the caller skips
/// with a note naming `env_var`.
pub(crate) fn package_file(env_var: &str, rel: &str) -> Option<PathBuf> {
    let venvs = std::env::var_os("VIRTUAL_ENV")
        .map(PathBuf::from)
        .into_iter()
        .chain(["venv", "venv_thai", "venv_vi"].map(|v| Path::new("/work").join(v)));
    first_existing(std::env::var_os(env_var).map(PathBuf::from), venvs, rel)
}

fn first_existing(
    explicit: Option<PathBuf>,
    venvs: impl Iterator<Item = PathBuf>,
    rel: &str,
) -> Option<PathBuf> {
    let in_venvs = venvs
        .filter_map(|v| std::fs::read_dir(v.join("lib")).ok())
        .flat_map(|rd| {
            rd.flatten()
                .map(|e| e.path().join("site-packages").join(rel))
        });
    explicit.into_iter().chain(in_venvs).find(|p| p.exists())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_path_then_venv_site_packages() {
        let root = std::env::temp_dir().join(format!("qfast-installed-{}", std::process::id()));
        let file = root.join("lib/python3.11/site-packages/pkg/data.bin");
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, b"x").unwrap();
        let venvs = || [PathBuf::from("/nonexistent"), root.clone()].into_iter();
        assert_eq!(
            first_existing(None, venvs(), "pkg/data.bin"),
            Some(file.clone())
        );
        let explicit = root.join("lib");
        assert_eq!(
            first_existing(Some(explicit.clone()), venvs(), "pkg/data.bin"),
            Some(explicit)
        );
        assert_eq!(first_existing(None, venvs(), "pkg/missing.bin"), None);
        std::fs::remove_dir_all(&root).unwrap();
    }
}
