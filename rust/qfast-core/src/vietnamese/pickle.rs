//! The `CRFsuite` model inside pyvi's `models/pyvi3.pkl`, without unpickling: the pickle stores
//! the model file's bytes as a `BINUNICODE` string of code points U+0000..U+00FF (one per byte)
//! that `_codecs.encode(..., "latin1")` turns back into bytes. We find that opcode (its text
//! starts with `CRFsuite`'s `lCRF` magic), UTF-8-decode its payload and map each code point to
//! one byte.

use crate::error::{Error, Result};

fn bad(what: &str) -> Error {
    Error::BadModel(format!("pyvi model pickle: {what}"))
}

/// The `CRFsuite` model bytes embedded in the pickle `data`.
pub fn crfsuite_model(data: &[u8]) -> Result<Vec<u8>> {
    let mut from = 0usize;
    while let Some(k) = find(&data[from..], b"lCRF").map(|k| from + k) {
        from = k + 1;
        // BINUNICODE: b'X', little-endian u32 length, UTF-8 payload.
        if k < 5 || data[k - 5] != b'X' {
            continue;
        }
        let len = u32::from_le_bytes([data[k - 4], data[k - 3], data[k - 2], data[k - 1]]) as usize;
        let Some(payload) = data.get(k..k.saturating_add(len)) else {
            continue;
        };
        let Ok(text) = std::str::from_utf8(payload) else {
            continue;
        };
        let mut out = Vec::with_capacity(text.len());
        for c in text.chars() {
            let b = u8::try_from(u32::from(c)).map_err(|_| bad("model text is not latin-1"))?;
            out.push(b);
        }
        // CRFsuite's header stores the file size at offset 4.
        let size = out
            .get(4..8)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize);
        if size != Some(out.len()) {
            return Err(bad("embedded model size does not match its header"));
        }
        return Ok(out);
    }
    Err(bad("no embedded CRFsuite model (lCRF) found"))
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}
