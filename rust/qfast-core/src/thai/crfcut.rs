//! `PyThaiNLP`'s "crfcut" sentence segmenter over newmm tokens (`docs/dev/thai-spec.md`
//! sections 2.2 and 2.3): 37 string attributes per token (the token and its neighbours up to
//! two away as 1-, 2- and 3-grams, plus whether each is a sentence "ender"/"starter" word),
//! CRF Viterbi with labels `I`/`E`, then `PyThaiNLP`'s label overrides.

use std::collections::HashMap;

use crate::crfsuite::CrfModel;
use crate::pytext::strip;

/// Words that often end a sentence (`PyThaiNLP` 5.4.0 `crfcut._ENDERS`).
const ENDERS: [&str; 47] = [
    "ครับ",
    "ค่ะ",
    "คะ",
    "นะคะ",
    "นะ",
    "จ้ะ",
    "จ้า",
    "จ๋า",
    "ฮะ",
    "ๆ",
    "ได้",
    "แล้ว",
    "ด้วย",
    "เลย",
    "มาก",
    "น้อย",
    "กัน",
    "เช่นกัน",
    "เท่านั้น",
    "อยู่",
    "ลง",
    "ขึ้น",
    "มา",
    "ไป",
    "ไว้",
    "เอง",
    "อีก",
    "ใหม่",
    "จริงๆ",
    "บ้าง",
    "หมด",
    "ทีเดียว",
    "เดียว",
    "นั้น",
    "นี้",
    "เหล่านี้",
    "เหล่านั้น",
    "อย่างไร",
    "ยังไง",
    "หรือไม่",
    "มั้ย",
    "ไหน",
    "ไหม",
    "อะไร",
    "ทำไม",
    "เมื่อไหร่",
    "เมื่อไร",
];

/// Words that often start a sentence (`PyThaiNLP` 5.4.0 `crfcut._STARTERS`).
const STARTERS: [&str; 42] = [
    "ผม",
    "ฉัน",
    "ดิฉัน",
    "ชั้น",
    "คุณ",
    "มัน",
    "เขา",
    "เค้า",
    "เธอ",
    "เรา",
    "พวกเรา",
    "พวกเขา",
    "กู",
    "มึง",
    "แก",
    "ข้าพเจ้า",
    "และ",
    "หรือ",
    "แต่",
    "เมื่อ",
    "ถ้า",
    "ใน",
    "ด้วย",
    "เพราะ",
    "เนื่องจาก",
    "ซึ่ง",
    "ไม่",
    "ตอนนี้",
    "ทีนี้",
    "ดังนั้น",
    "เพราะฉะนั้น",
    "ฉะนั้น",
    "ตั้งแต่",
    "ในที่สุด",
    "ก็",
    "กับ",
    "แก่",
    "ต่อ",
    "นั้น",
    "นี้",
    "เหล่านี้",
    "เหล่านั้น",
];

const PAD: &str = "xxpad";
const WINDOW: usize = 2;

/// The `(n, d)` of the 12 n-gram slots, in the order crfcut lists them: n = 1..3 tokens
/// starting at offset d = -2 ..= 2 - n + 1 from the current token.
const SLOTS: [(usize, isize); 12] = [
    (1, -2),
    (1, -1),
    (1, 0),
    (1, 1),
    (1, 2),
    (2, -2),
    (2, -1),
    (2, 0),
    (2, 1),
    (3, -2),
    (3, -1),
    (3, 0),
];

/// The model's attributes arranged for crfcut's features, so that building a token's 37
/// attribute strings is mostly table lookups: per slot, the `word_<n>_<d>_<d+n>=` attributes
/// by value, and the `ender_…`/`starter_…` attributes by the flags of the slot's tokens
/// (bit i set = token i of the slot is an ender/starter).
pub struct Features {
    bias: Option<u32>,
    words: Vec<HashMap<Box<str>, u32, ahash::RandomState>>,
    /// `[slot][mask]`, for enders then starters.
    flags: [Vec<Vec<Option<u32>>>; 2],
}

impl Features {
    pub fn new(model: &CrfModel) -> Features {
        let mut words: Vec<HashMap<Box<str>, u32, ahash::RandomState>> = SLOTS
            .iter()
            .map(|_| HashMap::with_hasher(ahash::RandomState::new()))
            .collect();
        let prefixes: Vec<String> = SLOTS
            .iter()
            .map(|&(n, d)| format!("word_{n}_{d}_{}=", d + n as isize))
            .collect();
        for (name, id) in model.attributes() {
            if let Some(k) = prefixes.iter().position(|p| name.starts_with(p.as_str())) {
                words[k].insert(name[prefixes[k].len()..].into(), id);
            }
        }
        let flags = [("ender", "ender"), ("starter", "starter")].map(|(kind, yes)| {
            SLOTS
                .iter()
                .map(|&(n, d)| {
                    (0..1usize << n)
                        .map(|mask| {
                            let vals: Vec<&str> = (0..n)
                                .map(|i| if mask >> i & 1 == 1 { yes } else { "normal" })
                                .collect();
                            let name =
                                format!("{kind}_{n}_{d}_{}={}", d + n as isize, vals.join("|"));
                            model.attr(&name)
                        })
                        .collect()
                })
                .collect()
        });
        Features {
            bias: model.attr("bias"),
            words,
            flags,
        }
    }
}

/// The CRF's raw labels (true = `E`, end of sentence) for `tokens`, before the overrides.
pub fn crf_labels(model: &CrfModel, feats: &Features, tokens: &[&str]) -> Vec<bool> {
    if tokens.is_empty() {
        return Vec::new();
    }
    let n_labels = model.labels().len();
    let e_id = model.label_id("E");
    let mut padded: Vec<&str> = Vec::with_capacity(tokens.len() + 2 * WINDOW);
    padded.extend([PAD; WINDOW]);
    padded.extend_from_slice(tokens);
    padded.extend([PAD; WINDOW]);
    // bit 0: ender, bit 1: starter
    let marks: Vec<u8> = padded
        .iter()
        .map(|t| u8::from(ENDERS.contains(t)) | u8::from(STARTERS.contains(t)) << 1)
        .collect();
    let mut state = vec![0.0f64; tokens.len() * n_labels];
    let mut buf = String::new();
    for (k, row) in state.chunks_mut(n_labels).enumerate() {
        let i = k + WINDOW;
        if let Some(a) = feats.bias {
            model.add_state(a, row);
        }
        for (slot, &(n, d)) in SLOTS.iter().enumerate() {
            let j = (i as isize + d) as usize;
            let seq = &padded[j..j + n];
            // CRFsuite looks the attribute up as a C string: cut at the first NUL.
            let value = if n == 1 {
                seq[0]
            } else {
                buf.clear();
                for (m, s) in seq.iter().enumerate() {
                    if m > 0 {
                        buf.push('|');
                    }
                    buf.push_str(s);
                }
                &buf
            };
            let value = value.split('\0').next().unwrap_or("");
            if let Some(&a) = feats.words[slot].get(value) {
                model.add_state(a, row);
            }
            for (f, table) in feats.flags.iter().enumerate() {
                let mask = (0..n).fold(0usize, |m, t| m | usize::from(marks[j + t] >> f & 1) << t);
                if let Some(a) = table[slot][mask] {
                    model.add_state(a, row);
                }
            }
        }
    }
    model
        .viterbi(&state)
        .into_iter()
        .map(|l| Some(l) == e_id)
        .collect()
}

/// `crfcut.segment`: the sentences of `text` given its newmm tokens (byte spans tiling the
/// text, whitespace kept), as byte ranges before datatrove strips them.
pub fn sentences(
    model: &CrfModel,
    feats: &Features,
    text: &str,
    tokens: &[(usize, usize)],
) -> Vec<(usize, usize)> {
    let toks: Vec<&str> = tokens.iter().map(|&(a, b)| &text[a..b]).collect();
    let mut labels = crf_labels(model, feats, &toks);
    if let Some(last) = labels.last_mut() {
        *last = true;
    }
    for i in 0..toks.len() {
        let s = strip(toks[i]);
        if s.ends_with(['!', '.', '?']) {
            labels[i] = true;
        } else if (i == 0 || labels[i - 1]) && s.is_empty() {
            labels[i] = false;
        }
    }
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (&(a, b), &end) in tokens.iter().zip(&labels) {
        let s = *start.get_or_insert(a);
        if end && b > s {
            out.push((s, b));
            start = None;
        }
    }
    out
}
