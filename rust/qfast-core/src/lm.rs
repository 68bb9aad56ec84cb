//! n-gram language models: interpolated modified Kneser-Ney training (Chen & Goodman 1998, as
//! `KenLM`'s `lmplz` estimates it), ARPA files in and out, and scoring as `KenLM`'s `Model.score`
//! does (whitespace tokens, `<s>` context, `</s>` predicted, backoff through shorter contexts).
//!
//! Training: raw counts of every order-`N` n-gram of `<s> w1 .. wk </s>` per line; adjusted
//! counts for lower orders (the number of distinct words preceding the n-gram, raw counts for
//! n-grams starting with `<s>`); per order discounts `D1, D2, D3+` from the counts of counts
//! (lmplz's fallback 0.5, 1, 1.5 when the text is too small for the estimate);
//! probabilities interpolated down to a uniform distribution over the vocabulary (with `<unk>`);
//! the interpolation weight of a context is its ARPA backoff weight.
//!
//! Lookups key n-grams by a 64-bit hash of their word ids, as `KenLM`'s probing tables do.

use std::collections::HashMap;
use std::fmt::Write as _;

use ahash::AHashMap;

use crate::error::{Error, Result};
use crate::narrow::{f64_to_f32, id32, usize64};

pub const BOS: &str = "<s>";
pub const EOS: &str = "</s>";
pub const UNK: &str = "<unk>";

/// (log10 probability, log10 backoff) of an n-gram.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Entry {
    prob: f32,
    backoff: f32,
}

/// A backoff n-gram model.
#[derive(Clone, Debug)]
pub struct NgramModel {
    order: usize,
    vocab: AHashMap<String, u32>,
    words: Vec<String>,
    /// Per order (index n - 1): hash of the id sequence -> entry.
    tables: Vec<AHashMap<u64, Entry>>,
    /// Entries per order, as written (for ARPA output, in a stable order).
    grams: Vec<Vec<(Vec<u32>, Entry)>>,
    unk: u32,
    bos: u32,
    eos: u32,
}

fn key(ids: &[u32]) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64 ^ ids.len() as u64;
    for &i in ids {
        h = (h ^ u64::from(i)).wrapping_mul(0x1000_0000_01b3);
        h ^= h >> 29;
    }
    h.wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

impl NgramModel {
    fn from_grams(
        order: usize,
        words: Vec<String>,
        grams: Vec<Vec<(Vec<u32>, Entry)>>,
    ) -> Result<Self> {
        let vocab: AHashMap<String, u32> = words
            .iter()
            .enumerate()
            .map(|(i, w)| (w.clone(), id32(i))) // from_arpa and train cap the vocabulary
            .collect();
        let id = |w: &str| {
            vocab
                .get(w)
                .copied()
                .ok_or_else(|| Error::BadModel(format!("the model has no {w} unigram")))
        };
        let (unk, bos, eos) = (id(UNK)?, id(BOS)?, id(EOS)?);
        let tables = grams
            .iter()
            .map(|g| g.iter().map(|(ids, e)| (key(ids), *e)).collect())
            .collect();
        Ok(NgramModel {
            order,
            vocab,
            words,
            tables,
            grams,
            unk,
            bos,
            eos,
        })
    }

    #[must_use]
    pub fn order(&self) -> usize {
        self.order
    }

    #[must_use]
    pub fn vocab_size(&self) -> usize {
        self.words.len()
    }

    /// Number of n-grams of each order.
    pub fn counts(&self) -> Vec<usize> {
        self.grams.iter().map(Vec::len).collect()
    }

    fn id(&self, w: &str) -> u32 {
        self.vocab.get(w).copied().unwrap_or(self.unk)
    }

    /// log10 p(w | context), context the most recent words last (at most order - 1 used).
    /// In f32 and in `KenLM`'s order of additions (the matched n-gram's probability, then the
    /// backoffs of the longer contexts, shortest first), so that sums agree with it bit for bit.
    fn prob(&self, context: &[u32], w: u32) -> f32 {
        let max = context.len().min(self.order - 1);
        let mut backoffs = [0f32; 8];
        let mut buf = [0u32; 8];
        for n in (0..=max).rev() {
            let h = &context[context.len() - n..];
            buf[..n].copy_from_slice(h);
            buf[n] = w;
            if let Some(e) = self.tables[n].get(&key(&buf[..=n])) {
                let mut p = e.prob;
                for b in &backoffs[n + 1..=max] {
                    p += *b;
                }
                return p;
            }
            if n > 0 {
                backoffs[n] = self.tables[n - 1].get(&key(h)).map_or(0.0, |e| e.backoff);
            }
        }
        // Unreachable for a model with <unk>: every id has a unigram.
        backoffs[1..=max].iter().sum()
    }

    /// log10 probability of a whitespace-tokenised line, as `KenLM`'s `Model.score(line, bos,
    /// eos)`; returns (log10 prob, tokens scored including `</s>`).
    #[must_use]
    pub fn score(&self, line: &str, bos: bool, eos: bool) -> (f64, usize) {
        let mut ctx: Vec<u32> = Vec::new();
        if bos {
            ctx.push(self.bos);
        }
        // KenLM sums a sentence in f32.
        let mut total = 0f32;
        let mut n = 0;
        let keep = self.order.saturating_sub(1);
        let push = |ctx: &mut Vec<u32>, w: u32| {
            ctx.push(w);
            if ctx.len() > keep {
                ctx.remove(0);
            }
        };
        for tok in line.split_ascii_whitespace() {
            let w = self.id(tok);
            total += self.prob(&ctx, w);
            n += 1;
            push(&mut ctx, w);
        }
        if eos {
            total += self.prob(&ctx, self.eos);
            n += 1;
        }
        (f64::from(total), n)
    }

    /// `CCNet`'s document score: each non-blank line (normalised with [`ccnet_normalize`] when
    /// `normalize`) scored as a sentence; returns (log10 prob, tokens) summed over the lines.
    #[must_use]
    pub fn score_doc(&self, text: &str, normalize: bool) -> (f64, usize) {
        let mut total = (0f64, 0usize);
        for line in text.lines() {
            let norm;
            let line = if normalize {
                norm = ccnet_normalize(line);
                norm.as_str()
            } else {
                line
            };
            if line.split_ascii_whitespace().next().is_none() {
                continue;
            }
            let (lp, n) = self.score(line, true, true);
            total.0 += lp;
            total.1 += n;
        }
        total
    }

    /// The ARPA text of the model.
    #[must_use]
    pub fn to_arpa(&self) -> String {
        let mut out = String::from("\n\\data\\\n");
        for (n, g) in self.grams.iter().enumerate() {
            let _ = writeln!(out, "ngram {}={}", n + 1, g.len());
        }
        for (n, g) in self.grams.iter().enumerate() {
            let _ = write!(out, "\n\\{}-grams:\n", n + 1);
            for (ids, e) in g {
                let words: Vec<&str> = ids
                    .iter()
                    .map(|&i| self.words[i as usize].as_str())
                    .collect();
                let _ = write!(out, "{}\t{}", e.prob, words.join(" "));
                if n + 1 < self.order {
                    let _ = write!(out, "\t{}", e.backoff);
                }
                out.push('\n');
            }
        }
        out.push_str("\n\\end\\\n");
        out
    }

    /// Parses an ARPA file's text (every malformed line is an error naming it).
    pub fn from_arpa(text: &str) -> Result<Self> {
        let bad =
            |line: usize, why: &str| Error::BadModel(format!("ARPA line {}: {why}", line + 1));
        let mut lines = text.lines().enumerate();
        let mut declared: Vec<usize> = Vec::new();
        for (i, l) in lines.by_ref() {
            if l.trim() == "\\data\\" {
                break;
            }
            if i > 10_000 {
                return Err(bad(i, "no \\data\\ section"));
            }
        }
        let mut section: Option<(usize, usize)> = None;
        for (i, l) in lines.by_ref() {
            let t = l.trim();
            if let Some(rest) = t.strip_prefix("ngram ") {
                let (n, c) = rest
                    .split_once('=')
                    .ok_or_else(|| bad(i, "bad ngram count line"))?;
                let n: usize = n.trim().parse().map_err(|_| bad(i, "bad order"))?;
                let c: usize = c.trim().parse().map_err(|_| bad(i, "bad count"))?;
                if n != declared.len() + 1 {
                    return Err(bad(i, "ngram counts out of order"));
                }
                declared.push(c);
            } else if t.ends_with("-grams:") {
                let n: usize = t
                    .trim_start_matches('\\')
                    .trim_end_matches("-grams:")
                    .parse()
                    .map_err(|_| bad(i, "bad section header"))?;
                section = Some((n, i));
                break;
            } else if !t.is_empty() {
                return Err(bad(i, "unexpected line in \\data\\"));
            }
        }
        let order = declared.len();
        if order > 8 {
            return Err(Error::BadModel(format!(
                "{order}-gram models are not supported (at most 8)"
            )));
        }
        if order == 0 || section.map(|s| s.0) != Some(1) {
            return Err(Error::BadModel("ARPA file without n-gram sections".into()));
        }
        let mut words: Vec<String> = Vec::new();
        let mut vocab: HashMap<String, u32> = HashMap::new();
        let mut grams: Vec<Vec<(Vec<u32>, Entry)>> = vec![Vec::new(); order];
        let mut n = 1;
        let mut ended = false;
        for (i, l) in lines {
            let t = l.trim();
            if t.is_empty() {
                continue;
            }
            if t == "\\end\\" {
                ended = true;
                break;
            }
            if t.ends_with("-grams:") {
                n += 1;
                if t != format!("\\{n}-grams:") || n > order {
                    return Err(bad(i, "unexpected section"));
                }
                continue;
            }
            let mut f = t.split('\t');
            let prob: f32 = f
                .next()
                .and_then(|p| p.trim().parse().ok())
                .ok_or_else(|| bad(i, "bad probability"))?;
            let gram = f.next().ok_or_else(|| bad(i, "missing n-gram"))?;
            let backoff: f32 = match f.next() {
                Some(b) => b.trim().parse().map_err(|_| bad(i, "bad backoff"))?,
                None => 0.0,
            };
            let toks: Vec<&str> = gram.split(' ').filter(|s| !s.is_empty()).collect();
            if toks.len() != n {
                return Err(bad(i, &format!("expected {n} words")));
            }
            let mut ids = Vec::with_capacity(n);
            for w in toks {
                let id = match vocab.get(w) {
                    Some(&id) => id,
                    None if n == 1 => {
                        let id = u32::try_from(words.len())
                            .map_err(|_| bad(i, "more than 2^32 distinct words"))?;
                        words.push(w.to_string());
                        vocab.insert(w.to_string(), id);
                        id
                    }
                    None => return Err(bad(i, &format!("word {w:?} has no unigram"))),
                };
                ids.push(id);
            }
            grams[n - 1].push((ids, Entry { prob, backoff }));
        }
        if !ended {
            return Err(Error::BadModel("ARPA file truncated (no \\end\\)".into()));
        }
        for (k, (g, &d)) in grams.iter().zip(&declared).enumerate() {
            if g.len() != d {
                return Err(Error::BadModel(format!(
                    "ARPA declares {d} {}-grams but lists {}",
                    k + 1,
                    g.len()
                )));
            }
        }
        Self::from_grams(order, words, grams)
    }

    /// Trains an interpolated modified Kneser-Ney model of `order` on `lines` (whitespace
    /// tokens; one sentence per line; blank lines skipped).
    pub fn train<'a>(lines: impl IntoIterator<Item = &'a str>, order: usize) -> Result<Self> {
        if !(1..=8).contains(&order) {
            return Err(Error::Config(format!(
                "LM order must be 1..=8, got {order}"
            )));
        }
        let mut words: Vec<String> = vec![UNK.into(), BOS.into(), EOS.into()];
        let mut vocab: AHashMap<String, u32> = words
            .iter()
            .enumerate()
            .map(|(i, w)| (w.clone(), id32(i))) // the 3 markers
            .collect();
        let (bos, eos) = (1u32, 2u32);
        // Raw counts of the highest order (shorter at sentence starts: <s> w1 ... for n < N).
        let mut top: AHashMap<Vec<u32>, u64> = AHashMap::new();
        let mut lower_raw: Vec<AHashMap<Vec<u32>, u64>> = vec![AHashMap::new(); order];
        let mut sent: Vec<u32> = Vec::new();
        let mut any = false;
        for line in lines {
            sent.clear();
            sent.push(bos);
            for tok in line.split_ascii_whitespace() {
                let next = u32::try_from(words.len())
                    .map_err(|_| Error::Config("more than 2^32 distinct words".into()))?;
                let id = *vocab.entry(tok.to_string()).or_insert_with(|| {
                    words.push(tok.to_string());
                    next
                });
                sent.push(id);
            }
            if sent.len() == 1 {
                continue;
            }
            any = true;
            sent.push(eos);
            for end in 1..sent.len() {
                let start = end.saturating_sub(order - 1);
                let g = &sent[start..=end];
                if g.len() == order {
                    *top.entry(g.to_vec()).or_default() += 1;
                } else {
                    // Only n-grams starting with <s> are shorter than the order here.
                    *lower_raw[g.len() - 1].entry(g.to_vec()).or_default() += 1;
                }
            }
        }
        if !any {
            return Err(Error::Config("LM training text has no words".into()));
        }
        // Adjusted counts per order.
        let mut adj: Vec<AHashMap<Vec<u32>, u64>> = vec![AHashMap::new(); order];
        adj[order - 1] = top;
        for (n, raw) in lower_raw.into_iter().enumerate() {
            if n + 1 < order {
                for (g, c) in raw {
                    *adj[n].entry(g).or_default() += c;
                }
            }
        }
        for n in (1..order).rev() {
            // Each n+1-gram (not starting with <s>) adds one continuation to its suffix.
            let mut cont: AHashMap<Vec<u32>, u64> = AHashMap::new();
            for g in adj[n].keys() {
                let suffix = g[1..].to_vec();
                if suffix[0] != bos {
                    *cont.entry(suffix).or_default() += 1;
                }
            }
            for (g, c) in cont {
                adj[n - 1].insert(g, c);
            }
        }
        // Discounts per order from counts of counts.
        let mut discounts: Vec<[f64; 4]> = Vec::with_capacity(order);
        for a in &adj {
            let mut t = [0f64; 5];
            for &c in a.values() {
                if (1..=4).contains(&c) {
                    t[usize64(c)] += 1.0;
                }
            }
            let y = t[1] / (t[1] + 2.0 * t[2]);
            let d = |k: usize| k as f64 - (k as f64 + 1.0) * y * t[k + 1] / t[k];
            let est = [0.0, d(1), d(2), d(3)];
            // Too little text for the estimate (a count of counts is 0, or a discount falls
            // outside (0, k)): lmplz's --discount_fallback values.
            if (1..=3).any(|k| !(est[k].is_finite() && est[k] > 0.0 && est[k] < k as f64)) {
                discounts.push([0.0, 0.5, 1.0, 1.5]);
                continue;
            }
            discounts.push(est);
        }
        // Per context: sum of adjusted counts and number of continuations with count 1, 2, 3+.
        let vocab_size = (words.len() - 1) as f64; // every word but <s>
        let mut grams: Vec<Vec<(Vec<u32>, Entry)>> = vec![Vec::new(); order];
        let mut probs: Vec<AHashMap<Vec<u32>, f64>> = vec![AHashMap::new(); order];
        let mut gammas: Vec<AHashMap<Vec<u32>, f64>> = vec![AHashMap::new(); order];
        for n in 0..order {
            let d = discounts[n];
            let mut ctx: AHashMap<&[u32], (f64, [f64; 4])> = AHashMap::new();
            for (g, &c) in &adj[n] {
                let e = ctx.entry(&g[..n]).or_default();
                e.0 += c as f64;
                e.1[usize64(c.min(3))] += 1.0;
            }
            let gamma_of = |h: &[u32]| {
                ctx.get(h).map_or(1.0, |(sum, nk)| {
                    (d[1] * nk[1] + d[2] * nk[2] + d[3] * nk[3]) / sum
                })
            };
            let mut keys: Vec<&Vec<u32>> = adj[n].keys().collect();
            keys.sort_unstable();
            for g in keys {
                let c = adj[n][g];
                let (sum, _) = ctx[&g[..n]];
                let u = (c as f64 - d[usize64(c.min(3))]) / sum;
                let lower = if n == 0 {
                    1.0 / vocab_size
                } else {
                    probs[n - 1].get(&g[1..]).copied().unwrap_or(0.0)
                };
                let p = u + gamma_of(&g[..n]) * lower;
                probs[n].insert(g.clone(), p);
            }
            for h in ctx.keys() {
                gammas[n].insert(h.to_vec(), gamma_of(h));
            }
        }
        // <unk> (count 0): only the uniform share; <s>: never predicted.
        let unk_p = gammas[0].get(&Vec::new()).copied().unwrap_or(1.0) / vocab_size;
        probs[0].insert(vec![0], unk_p);
        for n in 0..order {
            let mut owned: Vec<Vec<u32>> = probs[n].keys().cloned().collect();
            if n == 0 {
                owned.push(vec![bos]);
            }
            owned.sort_unstable();
            owned.dedup();
            for g in owned {
                let prob = if g == [bos] {
                    -99.0
                } else {
                    f64_to_f32(probs[n][&g].log10())
                };
                let backoff = if n + 1 < order {
                    gammas[n + 1].get(&g).map_or(0.0, |x| f64_to_f32(x.log10()))
                } else {
                    0.0
                };
                grams[n].push((g, Entry { prob, backoff }));
            }
        }
        Self::from_grams(order, words, grams)
    }
}

/// `CCNet`'s text normalisation before LM scoring: strip, lowercase, remove accents (NFD, drop
/// combining marks), every digit to `0`, Unicode punctuation to its ASCII form, and
/// non-printing characters removed.
#[must_use]
pub fn ccnet_normalize(line: &str) -> String {
    use unicode_normalization::char::is_combining_mark;
    use unicode_normalization::UnicodeNormalization;
    let lower = line.trim().to_lowercase();
    let mut out = String::with_capacity(lower.len());
    for c in lower.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        if crate::pytext::is_decimal(c) {
            out.push('0');
            continue;
        }
        match punct_ascii(c) {
            Some(s) => out.push_str(s),
            None if is_non_printing(c) => {}
            None => out.push(c),
        }
    }
    out
}

/// ASCII forms of common Unicode punctuation (full-width CJK marks, quotes, dashes).
fn punct_ascii(c: char) -> Option<&'static str> {
    Some(match c {
        '，' | '、' => ",",
        '。' => ". ",
        '＂' | '“' | '”' | '„' | '«' | '»' | '《' | '〈' | '》' | '〉' => "\"",
        '‘' | '’' | '‚' | '´' | '`' => "'",
        '：' => ":",
        '；' => ";",
        '？' => "?",
        '！' => "!",
        '（' => "(",
        '）' => ")",
        '［' | '【' => "[",
        '］' | '】' => "]",
        '～' => "~",
        '％' => "%",
        '–' | '—' | '−' => "-",
        '…' => "...",
        '●' | '•' => " ",
        _ => return None,
    })
}

/// Control and format characters (categories Cc and Cf) other than tab and newline.
fn is_non_printing(c: char) -> bool {
    (c.is_control() && c != '\t' && c != '\n')
        || matches!(c as u32, 0xAD | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2064 | 0xFEFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn corpus() -> Vec<String> {
        let base = [
            "the cat sat on the mat",
            "the dog sat on the log",
            "a cat and a dog",
            "the cat saw the dog",
            "the dog saw a cat on the mat",
            "a log on the mat",
        ];
        (0..5)
            .flat_map(|_| base.iter().map(std::string::ToString::to_string))
            .chain([
                "the bird sang".to_string(),
                "a bird sat on a log".to_string(),
                "dogs and cats".to_string(),
                "the mat was red".to_string(),
            ])
            .collect()
    }

    #[test]
    fn probabilities_sum_to_one_in_every_context() {
        let lines = corpus();
        let m = NgramModel::train(lines.iter().map(String::as_str), 3).unwrap();
        let vocab: Vec<u32> = (0..m.vocab_size() as u32).filter(|&i| i != m.bos).collect();
        for ctx in [
            vec![],
            vec![m.bos],
            vec![m.id("the")],
            vec![m.id("the"), m.id("cat")],
            vec![m.id("zzz")],
            vec![m.bos, m.id("a")],
        ] {
            let total: f64 = vocab
                .iter()
                .map(|&w| 10f64.powf(f64::from(m.prob(&ctx, w))))
                .sum();
            assert!((total - 1.0).abs() < 1e-4, "context {ctx:?}: {total}");
        }
    }

    #[test]
    fn arpa_round_trip_scores_the_same() {
        let lines = corpus();
        let m = NgramModel::train(lines.iter().map(String::as_str), 3).unwrap();
        let back = NgramModel::from_arpa(&m.to_arpa()).unwrap();
        assert_eq!(back.counts(), m.counts());
        for s in ["the cat sat on the log", "an unseen word here", ""] {
            let (a, na) = m.score(s, true, true);
            let (b, nb) = back.score(s, true, true);
            assert!((a - b).abs() < 1e-5 && na == nb);
        }
        assert!(
            m.score("the cat sat on the mat", true, true).0
                > m.score("mat the on sat cat the", true, true).0
        );
        assert!(NgramModel::from_arpa("\\data\\\nngram 1=2\n\n\\1-grams:\n-1\t<s>\n").is_err());
        assert!(NgramModel::train(["", "  "].into_iter(), 3).is_err());
    }

    #[test]
    fn ccnet_normalisation() {
        assert_eq!(ccnet_normalize("  Café 2024，ÉTÉ！ "), "cafe 0000,ete!");
    }
}
