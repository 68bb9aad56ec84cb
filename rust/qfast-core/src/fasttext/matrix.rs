//! fastText's input and output matrices: dense `f32` rows, or product-quantized rows (`.ftz`)
//! with optional quantized norms. Arithmetic follows fastText's order of operations in `f32`
//! so that results match its own to the last bit where the C++ does not reorder.

use super::reader::{bad, Reader};
use crate::error::Result;

/// Centroids per sub-quantizer (fastText always uses 8-bit codes).
const KSUB: usize = 256;

/// fastText's `ProductQuantizer`: `nsubq` sub-vectors of `dsub` values (the last `lastdsub`).
pub(super) struct ProductQuantizer {
    nsubq: usize,
    dsub: usize,
    lastdsub: usize,
    centroids: Vec<f32>,
}

impl ProductQuantizer {
    fn load(r: &mut Reader<'_>, want_dim: usize, what: &str) -> Result<Self> {
        let dim = r.i32(what)?;
        let nsubq = r.i32(what)?;
        let dsub = r.i32(what)?;
        let lastdsub = r.i32(what)?;
        if dim <= 0 || nsubq <= 0 || dsub <= 0 || lastdsub <= 0 {
            return Err(bad(format!(
                "{what}: dim {dim}, nsubq {nsubq}, dsub {dsub}, lastdsub {lastdsub} must be positive"
            )));
        }
        let (dim, nsubq, dsub, lastdsub) = (
            dim as usize,
            nsubq as usize,
            dsub as usize,
            lastdsub as usize,
        );
        if dim != want_dim || (nsubq - 1) * dsub + lastdsub != dim || lastdsub > dsub.max(dim) {
            return Err(bad(format!(
                "{what}: dim {dim}, nsubq {nsubq}, dsub {dsub}, lastdsub {lastdsub} do not \
                 describe a {want_dim}-dimensional row"
            )));
        }
        let centroids = r.f32s(dim * KSUB, what)?;
        Ok(ProductQuantizer {
            nsubq,
            dsub,
            lastdsub,
            centroids,
        })
    }

    /// Centroid `i` of sub-quantizer `m` (fastText's `get_centroids`).
    #[inline]
    fn centroid(&self, m: usize, i: u8) -> &[f32] {
        let i = i as usize;
        if m == self.nsubq - 1 {
            let at = m * KSUB * self.dsub + i * self.lastdsub;
            &self.centroids[at..at + self.lastdsub]
        } else {
            let at = (m * KSUB + i) * self.dsub;
            &self.centroids[at..at + self.dsub]
        }
    }

    /// `x += alpha * decode(code)`.
    #[inline]
    fn add_code(&self, x: &mut [f32], code: &[u8], alpha: f32) {
        for (m, &c) in code.iter().enumerate() {
            let cent = self.centroid(m, c);
            let base = m * self.dsub;
            for (xv, &cv) in x[base..base + cent.len()].iter_mut().zip(cent) {
                *xv += alpha * cv;
            }
        }
    }

    /// `alpha * <x, decode(code)>`, accumulated in fastText's order.
    #[inline]
    fn mul_code(&self, x: &[f32], code: &[u8], alpha: f32) -> f32 {
        let mut res = 0.0f32;
        for (m, &c) in code.iter().enumerate() {
            let cent = self.centroid(m, c);
            let base = m * self.dsub;
            for (&xv, &cv) in x[base..base + cent.len()].iter().zip(cent) {
                res += xv * cv;
            }
        }
        res * alpha
    }
}

/// A matrix of `rows` x `dim` values.
pub(super) enum Matrix {
    Dense {
        rows: usize,
        dim: usize,
        data: Vec<f32>,
    },
    Quant {
        rows: usize,
        pq: ProductQuantizer,
        codes: Vec<u8>,
        /// Per-row norm codes and their quantizer, when norms are quantized separately.
        norms: Option<(Vec<u8>, ProductQuantizer)>,
    },
}

impl Matrix {
    pub(super) fn load(r: &mut Reader<'_>, quant: bool, what: &str) -> Result<Self> {
        if !quant {
            let m = r.i64(what)?;
            let n = r.i64(what)?;
            let (rows, dim) = (r.size(m, what)?, r.size(n, what)?);
            let count = rows
                .checked_mul(dim)
                .ok_or_else(|| bad(format!("{what}: {rows} x {dim} overflows")))?;
            let data = r.f32s(count, what)?;
            return Ok(Matrix::Dense { rows, dim, data });
        }
        let qnorm = r.bool(what)?;
        let m = r.i64(what)?;
        let n = r.i64(what)?;
        let (rows, dim) = (r.size(m, what)?, r.size(n, what)?);
        let codesize = r.i32(what)?;
        let codesize = r.size(i64::from(codesize), what)?;
        let codes = r.take(codesize, what)?.to_vec();
        let pq = ProductQuantizer::load(r, dim, what)?;
        if rows.checked_mul(pq.nsubq) != Some(codesize) {
            return Err(bad(format!(
                "{what}: {codesize} code bytes for {rows} rows of {} sub-quantizers",
                pq.nsubq
            )));
        }
        let norms = if qnorm {
            let nc = r.take(rows, what)?.to_vec();
            let npq = ProductQuantizer::load(r, 1, what)?;
            Some((nc, npq))
        } else {
            None
        };
        Ok(Matrix::Quant {
            rows,
            pq,
            codes,
            norms,
        })
    }

    pub(super) fn rows(&self) -> usize {
        match self {
            Matrix::Dense { rows, .. } | Matrix::Quant { rows, .. } => *rows,
        }
    }

    pub(super) fn dim(&self) -> usize {
        match self {
            Matrix::Dense { dim, .. } => *dim,
            Matrix::Quant { pq, .. } => (pq.nsubq - 1) * pq.dsub + pq.lastdsub,
        }
    }

    fn norm(&self, i: usize) -> f32 {
        match self {
            Matrix::Quant {
                norms: Some((nc, npq)),
                ..
            } => npq.centroid(0, nc[i])[0],
            _ => 1.0,
        }
    }

    /// `x += row(i)` (`i < rows()`, checked by the caller at load time).
    #[inline]
    pub(super) fn add_row(&self, x: &mut [f32], i: usize) {
        match self {
            Matrix::Dense { dim, data, .. } => {
                for (xv, &v) in x.iter_mut().zip(&data[i * dim..(i + 1) * dim]) {
                    *xv += v;
                }
            }
            Matrix::Quant { pq, codes, .. } => {
                let code = &codes[i * pq.nsubq..(i + 1) * pq.nsubq];
                pq.add_code(x, code, self.norm(i));
            }
        }
    }

    /// `<x, row(i)>`.
    #[inline]
    pub(super) fn dot_row(&self, x: &[f32], i: usize) -> f32 {
        match self {
            Matrix::Dense { dim, data, .. } => {
                let mut d = 0.0f32;
                for (&xv, &v) in x.iter().zip(&data[i * dim..(i + 1) * dim]) {
                    d += v * xv;
                }
                d
            }
            Matrix::Quant { pq, codes, .. } => {
                let code = &codes[i * pq.nsubq..(i + 1) * pq.nsubq];
                pq.mul_code(x, code, self.norm(i))
            }
        }
    }
}
