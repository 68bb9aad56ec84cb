//! The frame shared by qfast's index files (little-endian): 8 magic bytes, `u32` version,
//! `u32` header length, the header (JSON), the body, then the `xxh3_64` of everything before
//! it. Sizes are checked against the file length before anything is sliced, so a truncated or
//! corrupted file is an error, never a panic or a huge allocation.

use std::io::Write;
use std::path::Path;

use xxhash_rust::xxh3::xxh3_64;

use crate::error::{Error, Result};

/// The framed bytes of `header` and `body`.
#[must_use]
pub fn write(magic: &[u8; 8], version: u32, header: &[u8], body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(16 + header.len() + body.len() + 8);
    out.extend_from_slice(magic);
    out.extend_from_slice(&version.to_le_bytes());
    #[allow(
        clippy::cast_possible_truncation,
        reason = "headers are small JSON parameter records we write ourselves"
    )]
    out.extend_from_slice(&(header.len() as u32).to_le_bytes());
    out.extend_from_slice(header);
    out.extend_from_slice(body);
    let sum = xxh3_64(&out);
    out.extend_from_slice(&sum.to_le_bytes());
    out
}

/// `(header, body)` of framed bytes, after checking magic, version and checksum. `what` names
/// the kind of file in errors.
pub fn read<'a>(
    bytes: &'a [u8],
    magic: &[u8; 8],
    version: u32,
    what: &str,
) -> std::result::Result<(&'a [u8], &'a [u8]), String> {
    if bytes.len() < 24 || &bytes[..8] != magic {
        return Err(format!("not a qfast {what} (bad magic bytes or too short)"));
    }
    let v = u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]);
    if v != version {
        return Err(format!(
            "{what} format version {v}, this qfast reads version {version}"
        ));
    }
    let body_end = bytes.len() - 8;
    let want = u64::from_le_bytes(bytes[body_end..].try_into().map_err(|_| "short")?);
    if xxh3_64(&bytes[..body_end]) != want {
        return Err("checksum mismatch: the file is corrupted or truncated".into());
    }
    let hlen = u32::from_le_bytes([bytes[12], bytes[13], bytes[14], bytes[15]]) as usize;
    if hlen > body_end - 16 {
        return Err(format!("header of {hlen} bytes does not fit in the file"));
    }
    Ok((&bytes[16..16 + hlen], &bytes[16 + hlen..body_end]))
}

/// Writes `bytes` to `path` through a temporary file renamed into place.
pub fn save_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension("tmp-qfast");
    let io = |e: std::io::Error| Error::BadIndex(format!("{}: {e}", path.display()));
    let mut f = std::fs::File::create(&tmp).map_err(io)?;
    f.write_all(bytes).map_err(io)?;
    f.sync_all().map_err(io)?;
    std::fs::rename(&tmp, path).map_err(io)
}

/// The bytes of `path` (a read error is [`Error::BadIndex`] naming the path).
pub fn read_path(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| Error::BadIndex(format!("{}: {e}", path.display())))
}
