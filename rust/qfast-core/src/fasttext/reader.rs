//! A bounds-checked little-endian reader over a model file held in memory. Every length read
//! from the file is checked against the bytes that remain before anything is allocated, so a
//! forged size field cannot make the reader allocate more than the file justifies.

use crate::error::{Error, Result};

pub(super) struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

pub(super) fn bad(msg: impl Into<String>) -> Error {
    Error::BadModel(msg.into())
}

impl<'a> Reader<'a> {
    pub(super) fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }

    /// The whole file's length.
    pub(super) fn len(&self) -> usize {
        self.buf.len()
    }

    pub(super) fn pos(&self) -> usize {
        self.pos
    }

    pub(super) fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    /// The next `n` bytes, or an error naming `what` when the file ends first.
    pub(super) fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8]> {
        if n > self.remaining() {
            return Err(bad(format!(
                "truncated at byte {} reading {what}: needs {n} bytes, {} left",
                self.pos,
                self.remaining()
            )));
        }
        let s = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    fn array<const N: usize>(&mut self, what: &str) -> Result<[u8; N]> {
        let s = self.take(N, what)?;
        let mut a = [0u8; N];
        a.copy_from_slice(s);
        Ok(a)
    }

    pub(super) fn u8(&mut self, what: &str) -> Result<u8> {
        Ok(self.array::<1>(what)?[0])
    }

    pub(super) fn bool(&mut self, what: &str) -> Result<bool> {
        match self.u8(what)? {
            0 => Ok(false),
            1 => Ok(true),
            v => Err(bad(format!(
                "{what}: expected a bool byte (0 or 1), got {v}"
            ))),
        }
    }

    pub(super) fn i32(&mut self, what: &str) -> Result<i32> {
        Ok(i32::from_le_bytes(self.array(what)?))
    }

    pub(super) fn i64(&mut self, what: &str) -> Result<i64> {
        Ok(i64::from_le_bytes(self.array(what)?))
    }

    pub(super) fn f64(&mut self, what: &str) -> Result<f64> {
        Ok(f64::from_le_bytes(self.array(what)?))
    }

    /// A NUL-terminated string (fastText's dictionary entries).
    pub(super) fn cstr(&mut self, what: &str) -> Result<&'a [u8]> {
        let rest = &self.buf[self.pos..];
        let Some(n) = rest.iter().position(|&b| b == 0) else {
            return Err(bad(format!("unterminated {what} at byte {}", self.pos)));
        };
        self.pos += n + 1;
        Ok(&rest[..n])
    }

    /// `count` little-endian f32 values, after checking that the file holds them.
    pub(super) fn f32s(&mut self, count: usize, what: &str) -> Result<Vec<f32>> {
        let n = count
            .checked_mul(4)
            .ok_or_else(|| bad(format!("{what}: size overflows")))?;
        let s = self.take(n, what)?;
        Ok(s.chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect())
    }

    /// A non-negative size field that fits `usize`.
    pub(super) fn size(&mut self, v: i64, what: &str) -> Result<usize> {
        usize::try_from(v).map_err(|_| bad(format!("{what} = {v} at byte {}", self.pos)))
    }
}
