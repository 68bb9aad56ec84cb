//! PyThaiNLP's "crfcut" sentence segmenter over newmm tokens (`docs/dev/thai-spec.md`
//! sections 2.2 and 2.3): 37 string attributes per token (the token and its neighbours up to
//! two away as 1-, 2- and 3-grams, plus whether each is a sentence "ender"/"starter" word),
//! CRF Viterbi with labels `I`/`E`, then PyThaiNLP's label overrides.

use std::fmt::Write;

use super::crfsuite::CrfModel;
use crate::pytext::strip;

/// Words that often end a sentence (PyThaiNLP 5.4.0 `crfcut._ENDERS`).
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

/// Words that often start a sentence (PyThaiNLP 5.4.0 `crfcut._STARTERS`).
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

/// The CRF's raw labels (true = `E`, end of sentence) for `tokens`, before the overrides.
pub fn crf_labels(model: &CrfModel, tokens: &[&str]) -> Vec<bool> {
    if tokens.is_empty() {
        return Vec::new();
    }
    let n_labels = model.labels().len();
    let e_id = model.label_id("E");
    let mut padded: Vec<&str> = Vec::with_capacity(tokens.len() + 2 * WINDOW);
    padded.extend([PAD; WINDOW]);
    padded.extend_from_slice(tokens);
    padded.extend([PAD; WINDOW]);
    let ender: Vec<&str> = padded
        .iter()
        .map(|t| {
            if ENDERS.contains(t) {
                "ender"
            } else {
                "normal"
            }
        })
        .collect();
    let starter: Vec<&str> = padded
        .iter()
        .map(|t| {
            if STARTERS.contains(t) {
                "starter"
            } else {
                "normal"
            }
        })
        .collect();
    let bias = model.attr("bias");
    let mut state = vec![0.0f64; tokens.len() * n_labels];
    let mut buf = String::new();
    for (k, row) in state.chunks_mut(n_labels).enumerate() {
        let i = k + WINDOW;
        if let Some(a) = bias {
            model.add_state(a, row);
        }
        for n in 1..=3usize {
            for j in i - WINDOW..i + WINDOW + 2 - n {
                let d = j as isize - i as isize;
                for (name, seq) in [("word", &padded), ("ender", &ender), ("starter", &starter)] {
                    buf.clear();
                    let _ = write!(buf, "{name}_{n}_{d}_{}=", d + n as isize);
                    for (m, s) in seq[j..j + n].iter().enumerate() {
                        if m > 0 {
                            buf.push('|');
                        }
                        buf.push_str(s);
                    }
                    if let Some(a) = model.attr(&buf) {
                        model.add_state(a, row);
                    }
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
pub fn sentences(model: &CrfModel, text: &str, tokens: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let toks: Vec<&str> = tokens.iter().map(|&(a, b)| &text[a..b]).collect();
    let mut labels = crf_labels(model, &toks);
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
