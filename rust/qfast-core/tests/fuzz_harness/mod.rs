//! Fuzz harnesses: one function per cargo-fuzz target (`fuzz/fuzz_targets/<name>.rs` includes
//! this file), shared with `tests/fuzz_regressions.rs`, which replays the saved cases in
//! `fuzz/regressions/<name>/`. Each takes arbitrary bytes, must not panic, and asserts what
//! holds for every input, so a wrong answer is a finding too, not only a crash.
//!
//! Text targets read the bytes as UTF-8 with invalid sequences replaced (what the Arrow layer
//! hands the kernels is always valid UTF-8; invalid input is refused before it).

#![allow(dead_code)]

use std::borrow::Cow;
use std::sync::OnceLock;

use qfast_core::clean::{Form, Op};
use qfast_core::crfsuite::CrfModel;
use qfast_core::decontam::DecontamIndex;
use qfast_core::dedup::{simplify_text, LshIndex, TextNorm};
use qfast_core::fasttext::FastTextModel;
use qfast_core::filters::{c4, fineweb, gopher_quality, gopher_repetition};
use qfast_core::pii;
use qfast_core::rules::{Patterns, WordList};
use qfast_core::tokenize::{Tokenizer, TokenizerKind};
use qfast_core::url_filter::{Lists, UrlFilter};
use xxhash_rust::xxh3::xxh3_64;

/// A harness: arbitrary bytes in, a panic on any finding.
pub type Harness = fn(&[u8]);

/// Every target by name, as `fuzz/fuzz_targets/` and `fuzz/regressions/` name them.
pub const TARGETS: &[(&str, Harness)] = &[
    ("tokenize", tokenize),
    ("sentences", sentences),
    ("normalize", normalize),
    ("pii", pii),
    ("rules", rules),
    ("filters", filters),
    ("fasttext_model", fasttext_model),
    ("lsh_index", lsh_index),
    ("decontam_index", decontam_index),
    ("crfsuite_model", crfsuite_model),
];

fn text(data: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(data)
}

fn tokenizers() -> &'static [Tokenizer; 3] {
    static T: OnceLock<[Tokenizer; 3]> = OnceLock::new();
    T.get_or_init(|| {
        [
            Tokenizer::new(TokenizerKind::Spacy),
            Tokenizer::new(TokenizerKind::SpacyXx),
            Tokenizer::new(TokenizerKind::Unicode),
        ]
    })
}

/// Token spans lie inside the text on char boundaries, in order; words agree with their count.
pub fn tokenize(data: &[u8]) {
    let t = text(data);
    for tok in tokenizers() {
        let spans = tok.tokens(&t);
        let mut prev = 0;
        for &(s, e) in &spans {
            assert!(
                prev <= s && s <= e && e <= t.len(),
                "span {s}..{e} after {prev}"
            );
            assert!(t.is_char_boundary(s) && t.is_char_boundary(e));
            prev = e;
        }
        let words = tok.words(&t);
        assert_eq!(words.len(), tok.word_count(&t));
        assert!(words.iter().all(|w| !w.is_empty() && !w.trim().is_empty()));
    }
}

/// Sentences are contiguous pieces that put back together give the text; every way of asking
/// agrees.
pub fn sentences(data: &[u8]) {
    let t = text(data);
    for tok in tokenizers() {
        let pieces = tok.sentences(&t);
        assert_eq!(pieces.concat(), t, "sentences must cover the text");
        assert_eq!(pieces.len(), tok.sentence_count(&t));
        let (words, pieces2) = tok.words_and_sentences(&t);
        assert_eq!(pieces, pieces2);
        assert_eq!(words, tok.words(&t));
    }
}

/// Every cleaning op and text simplification; Unicode normalization is idempotent.
pub fn normalize(data: &[u8]) {
    let t = text(data);
    let ops = [
        Op::Unescape,
        Op::StripHtml,
        Op::Whitespace { max_blank_lines: 1 },
        Op::SymbolLines {
            replace_char: "*".into(),
        },
        Op::Mojibake,
    ];
    for op in &ops {
        let _ = op.apply(&t);
    }
    for form in [Form::Nfc, Form::Nfkc, Form::Nfd, Form::Nfkd] {
        let once = Op::Normalize(form).apply(&t);
        assert_eq!(
            Op::Normalize(form).apply(&once),
            once,
            "{form:?} not idempotent"
        );
    }
    let all = TextNorm {
        lowercase: true,
        norm_whitespace: true,
        remove_punctuation: true,
        norm_unicode_diacritics: true,
        norm_numbers: true,
        norm_weekdays: true,
        norm_monthnames: true,
    };
    let _ = simplify_text(&t, &TextNorm::default());
    let _ = simplify_text(&t, &all);
}

/// Every PII kind on, private IPs included; a replacement count means the text changed.
pub fn pii(data: &[u8]) {
    let t = text(data);
    let cfg = pii::Config {
        enabled: [true; 6],
        only_public_ips: false,
        ..Default::default()
    };
    let mut counters = [0usize; 6];
    let (out, counts) = pii::redact(&t, &cfg, &mut counters);
    assert_eq!(out.is_some(), counts.iter().any(|&c| c > 0));
}

struct Rules {
    patterns: Patterns,
    words: [WordList; 2],
    urls: UrlFilter,
}

fn rule_set() -> &'static Rules {
    static R: OnceLock<Rules> = OnceLock::new();
    R.get_or_init(|| {
        let s = |v: &[&str]| {
            v.iter()
                .map(std::string::ToString::to_string)
                .collect::<Vec<_>>()
        };
        // Plain regexes, one that needs backtracking (look-around) and Python's \w classes.
        let patterns = Patterns::new(&s(&[
            r"(?i)lorem ipsum",
            r"\bjavascript\b",
            r"(\w+)\s+\1",
            r"(?<=\d)\s*%",
            r"[^\x00-\x7f]{3,}",
        ]))
        .expect("patterns");
        let list = s(&["bad", "two words", "ß", "é", "中文", "a"]);
        let words = [
            WordList::new(&list, true, false).expect("words"),
            WordList::new(&list, false, true).expect("words"),
        ];
        let lists = Lists {
            domains: s(&["example.com", "bad.co.uk"]),
            urls: s(&["example.org/path"]),
            banned_words: s(&["porn"]),
            banned_subwords: s(&["xxx"]),
            soft_banned_words: s(&["hot", "free"]),
            allowed_domains: s(&["good.example.com"]),
        };
        let urls = UrlFilter::new("com\nuk\nco.uk\n*.jp\n!city.kawasaki.jp\n", &lists, 2)
            .expect("url filter");
        Rules {
            patterns,
            words,
            urls,
        }
    })
}

/// Regex rules, word lists and the URL filter on arbitrary text.
pub fn rules(data: &[u8]) {
    let t = text(data);
    let r = rule_set();
    if let Ok(Some(i)) = r.patterns.first_match(&t) {
        assert!(i < 5);
    }
    for w in &r.words {
        if let Some(i) = w.first_match(&t) {
            assert!(i < 6);
        }
    }
    let _ = r.urls.check(&t);
    let _ = qfast_core::punycode::decode(&t);
}

/// The `FineWeb` recipe's filters on arbitrary text, as the pipeline runs them.
pub fn filters(data: &[u8]) {
    let t = text(data);
    let tok = &tokenizers()[0];
    let words = tok.words(&t);
    let _ = gopher_repetition::filter(&t, &words, &gopher_repetition::Config::default());
    let _ = gopher_quality::filter(&t, &words, &gopher_quality::Config::default());
    let out = c4::apply(&t, &c4::Config::default(), tok);
    let _ = out;
    let _ = fineweb::filter(&t, words.len(), &fineweb::Config::default());
}

/// A model that loads must also predict.
pub fn fasttext_model(data: &[u8]) {
    if let Ok(m) = FastTextModel::from_bytes(data) {
        let preds = m.predict("some text \u{e9}t\u{e9} \u{4e2d}\u{6587}", Some(3), 0.0);
        assert!(preds.len() <= 3);
    }
}

/// `data` as is, and `data` with the checksum a forger would append (the checksum stops
/// nearly every mutation before the parser).
fn as_is_and_resealed(data: &[u8]) -> [Vec<u8>; 2] {
    let mut sealed = data.to_vec();
    sealed.extend_from_slice(&xxh3_64(data).to_le_bytes());
    [data.to_vec(), sealed]
}

/// An index that loads must also answer queries and write itself back identically.
pub fn lsh_index(data: &[u8]) {
    for b in as_is_and_resealed(data) {
        lsh_index_once(&b);
    }
}

fn lsh_index_once(data: &[u8]) {
    if let Ok(i) = LshIndex::from_bytes(data) {
        let _ = i.matches(&vec![7; i.params().bands]);
        let again = i.to_bytes().expect("a loaded index writes");
        let i2 = LshIndex::from_bytes(&again).expect("and reads back");
        assert_eq!(i2.to_bytes().unwrap(), again);
    }
}

/// A decontamination index that loads must also scan and name what it finds.
pub fn decontam_index(data: &[u8]) {
    for b in as_is_and_resealed(data) {
        if let Ok(i) = DecontamIndex::from_bytes(&b) {
            let hits = i.scan("what is the capital city of france today two plus two");
            // Every item a hit names exists (the binding looks its name up).
            for &item in &hits.items {
                assert!(
                    i.name(item).is_some(),
                    "hit names item {item}, not in the index"
                );
            }
        }
    }
}

/// A CRF model that loads must also tag.
pub fn crfsuite_model(data: &[u8]) {
    if let Ok(m) = CrfModel::from_bytes(data) {
        let l = m.labels().len();
        let mut state = vec![0.0; 3 * l];
        let ids: Vec<u32> = m.attributes().map(|(_, a)| a).take(3).collect();
        for (t, a) in ids.into_iter().enumerate() {
            m.add_state(a, &mut state[t * l..(t + 1) * l]);
        }
        let path = m.viterbi(&state);
        assert!(path.len() == 3 && path.iter().all(|&p| p < l));
    }
}
