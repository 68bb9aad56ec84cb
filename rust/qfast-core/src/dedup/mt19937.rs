//! numpy's legacy `RandomState(seed)` as far as datatrove's `MinHash` parameters need it: MT19937
//! seeded with `init_genrand`, 64-bit draws as two 32-bit outputs (high word first), and
//! `randint(low, high, dtype=uint64)`'s masked rejection sampling.

pub(crate) struct Mt19937 {
    mt: [u32; 624],
    idx: usize,
}

impl Mt19937 {
    pub(crate) fn new(seed: u32) -> Self {
        let mut mt = [0u32; 624];
        mt[0] = seed;
        for i in 1..624u32 {
            let p = mt[i as usize - 1];
            mt[i as usize] = 1_812_433_253u32.wrapping_mul(p ^ (p >> 30)).wrapping_add(i);
        }
        Mt19937 { mt, idx: 624 }
    }

    fn next32(&mut self) -> u32 {
        if self.idx >= 624 {
            for i in 0..624 {
                let y = (self.mt[i] & 0x8000_0000) | (self.mt[(i + 1) % 624] & 0x7FFF_FFFF);
                let mag = if y & 1 != 0 { 0x9908_B0DF } else { 0 };
                self.mt[i] = self.mt[(i + 397) % 624] ^ (y >> 1) ^ mag;
            }
            self.idx = 0;
        }
        let mut y = self.mt[self.idx];
        self.idx += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9D2C_5680;
        y ^= (y << 15) & 0xEFC6_0000;
        y ^ (y >> 18)
    }

    fn next64(&mut self) -> u64 {
        let hi = u64::from(self.next32());
        (hi << 32) | u64::from(self.next32())
    }

    /// `randint(low, high, size=n, dtype=uint64)` (`low < high`).
    pub(crate) fn randint(&mut self, low: u64, high: u64, n: usize) -> Vec<u64> {
        let rng = high - 1 - low;
        let mask = if rng == 0 {
            0
        } else {
            u64::MAX >> rng.leading_zeros()
        };
        (0..n)
            .map(|_| loop {
                let v = if rng > u64::from(u32::MAX) {
                    self.next64() & mask
                } else {
                    u64::from(self.next32()) & mask
                };
                if v <= rng {
                    break low + v;
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// datatrove's `MinHash` parameters for seed 1 (reference spec section 3.1).
    #[test]
    fn datatrove_parameters_seed_1() {
        const P: u64 = (1 << 61) - 1;
        let mut g = Mt19937::new(1);
        let a = g.randint(1, P, 112);
        let b = g.randint(0, P, 112);
        assert_eq!(
            a[..3],
            [
                775_169_054_918_279_404,
                1_758_426_461_858_698_313,
                2_109_959_069_025_162
            ]
        );
        assert_eq!(
            b[..3],
            [
                1_062_448_801_025_099_917,
                1_324_811_268_927_594_100,
                1_217_488_311_597_731_462
            ]
        );
    }
}
