//! numpy's default generator, `np.random.default_rng(seed)`: `SeedSequence` seeding of a
//! PCG64 (XSL-RR 128/64) and `Generator.uniform()`, so that seeded sampling decisions match
//! datatrove's (`C4BadWordsFilter(keep_fraction, seed)`).

use crate::narrow::{low32, low64};

const INIT_A: u32 = 0x43b0_d7e5;
const MULT_A: u32 = 0x931e_8875;
const INIT_B: u32 = 0x8b51_f9dd;
const MULT_B: u32 = 0x58f3_8ded;
const MIX_MULT_L: u32 = 0xca01_f9dd;
const MIX_MULT_R: u32 = 0x4973_f715;
const POOL: usize = 4;
const MULT: u128 = 0x2360_ED05_1FC6_5DA4_4385_DF64_9FCC_F645;

fn hashmix(value: u32, hash_const: &mut u32) -> u32 {
    let mut v = value ^ *hash_const;
    *hash_const = hash_const.wrapping_mul(MULT_A);
    v = v.wrapping_mul(*hash_const);
    v ^ (v >> 16)
}

fn mix(x: u32, y: u32) -> u32 {
    let r = MIX_MULT_L
        .wrapping_mul(x)
        .wrapping_sub(MIX_MULT_R.wrapping_mul(y));
    r ^ (r >> 16)
}

/// `SeedSequence(seed).generate_state(4, np.uint64)` for a non-negative integer seed.
fn seed_state(seed: u128) -> [u64; 4] {
    // The seed as little-endian 32-bit words (at least one).
    let mut entropy = Vec::new();
    let mut s = seed;
    loop {
        entropy.push(low32(low64(s)));
        s >>= 32;
        if s == 0 {
            break;
        }
    }
    let mut pool = [0u32; POOL];
    let mut hc = INIT_A;
    for (i, p) in pool.iter_mut().enumerate() {
        *p = hashmix(entropy.get(i).copied().unwrap_or(0), &mut hc);
    }
    for src in 0..POOL {
        for dst in 0..POOL {
            if src != dst {
                let h = hashmix(pool[src], &mut hc);
                pool[dst] = mix(pool[dst], h);
            }
        }
    }
    for &e in entropy.iter().skip(POOL) {
        for p in &mut pool {
            let h = hashmix(e, &mut hc);
            *p = mix(*p, h);
        }
    }
    let mut words = [0u32; 8];
    let mut hb = INIT_B;
    for (i, w) in words.iter_mut().enumerate() {
        let mut v = pool[i % POOL] ^ hb;
        hb = hb.wrapping_mul(MULT_B);
        v = v.wrapping_mul(hb);
        *w = v ^ (v >> 16);
    }
    std::array::from_fn(|i| u64::from(words[2 * i]) | u64::from(words[2 * i + 1]) << 32)
}

/// A PCG64 stream positioned like `np.random.default_rng(seed)`.
#[derive(Clone, Debug)]
pub struct Pcg64 {
    state: u128,
    inc: u128,
}

impl Pcg64 {
    #[must_use]
    pub fn new(seed: u128) -> Self {
        let v = seed_state(seed);
        let initstate = u128::from(v[0]) << 64 | u128::from(v[1]);
        let initseq = u128::from(v[2]) << 64 | u128::from(v[3]);
        let mut g = Pcg64 {
            state: 0,
            inc: (initseq << 1) | 1,
        };
        g.step();
        g.state = g.state.wrapping_add(initstate);
        g.step();
        g
    }

    fn step(&mut self) {
        self.state = self.state.wrapping_mul(MULT).wrapping_add(self.inc);
    }

    pub fn next_u64(&mut self) -> u64 {
        self.step();
        let s = self.state;
        (low64(s >> 64) ^ low64(s)).rotate_right(low32(low64(s >> 122)))
    }

    /// `Generator.uniform()` / `random()`: 53 random bits in [0, 1).
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / 9_007_199_254_740_992.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_numpy_default_rng() {
        // np.random.default_rng(s).random(3) on numpy 2.x.
        let cases: [(u128, [f64; 3]); 2] = [
            (
                0,
                [
                    0.636_961_687_321_454_3,
                    0.269_786_713_763_870_3,
                    0.040_973_523_936_194_69,
                ],
            ),
            (
                42,
                [
                    0.773_956_048_555_963_3,
                    0.438_878_439_752_052_3,
                    0.858_597_919_911_382_5,
                ],
            ),
        ];
        for (seed, want) in cases {
            let mut g = Pcg64::new(seed);
            for w in want {
                assert_eq!(g.uniform(), w, "seed {seed}");
            }
        }
    }
}
