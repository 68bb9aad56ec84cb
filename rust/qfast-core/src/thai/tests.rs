//! Tests against the spec's vectors (`testdata/vectors.json`, made by
//! `scripts/gen_golden_thai.py` with the real datatrove/PyThaiNLP) and edge cases. They need
//! `PyThaiNLP`'s dictionary and model (its `corpus` directory: `$QFAST_PYTHAINLP_CORPUS`, else
//! in the active venv); without them the tests that use them are skipped with a note.

use super::*;
use std::sync::{Arc, OnceLock};

fn load() -> Option<&'static Arc<Thai>> {
    static T: OnceLock<Option<Arc<Thai>>> = OnceLock::new();
    T.get_or_init(|| {
        let dir = crate::installed::package_file("QFAST_PYTHAINLP_CORPUS", "pythainlp/corpus")?;
        Some(Arc::new(
            Thai::from_paths(
                &dir.join("words_th.txt"),
                &dir.join("sentenceseg_crfcut.model"),
            )
            .expect("PyThaiNLP's files must load"),
        ))
    })
    .as_ref()
    .or_else(|| {
        eprintln!("NOTE: PyThaiNLP corpus not found (QFAST_PYTHAINLP_CORPUS); test skipped");
        None
    })
}

fn texts<'a>(text: &'a str, spans: &[(usize, usize)]) -> Vec<&'a str> {
    spans.iter().map(|&(a, b)| &text[a..b]).collect()
}

fn strs(v: &serde_json::Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_string())
        .collect()
}

/// Code point spans -> byte spans.
fn byte_spans(text: &str, cps: &serde_json::Value) -> Vec<(usize, usize)> {
    let mut at: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
    at.push(text.len());
    cps.as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let p = p.as_array().unwrap();
            (
                at[p[0].as_u64().unwrap() as usize],
                at[p[1].as_u64().unwrap() as usize],
            )
        })
        .collect()
}

#[test]
fn thai_spec_vectors() {
    let Some(t) = load() else { return };
    let v: Vec<serde_json::Value> =
        serde_json::from_str(include_str!("testdata/vectors.json")).unwrap();
    assert!(v.len() >= 37);
    let mut bad = Vec::new();
    for row in &v {
        let text = row["text"].as_str().unwrap();
        let words = texts(text, &t.words(text));
        let crf_in = texts(text, &t.newmm(text, false));
        let labels: String = t
            .crf_labels(&crf_in)
            .iter()
            .map(|&e| if e { 'E' } else { 'I' })
            .collect();
        let sents = texts(text, &t.sentences(text));
        let spans = t.spans(text);
        let want_spans = byte_spans(text, &row["spans"]);
        if words != strs(&row["words"])
            || crf_in != strs(&row["crf_tokens"])
            || labels != row["crf_labels"].as_str().unwrap()
            || sents != strs(&row["sents"])
            || spans != want_spans
        {
            bad.push(format!(
                "{text:?}\n  words {words:?}\n  want  {:?}\n  crf   {crf_in:?} {labels}\n  want  {:?} {}\n  sents {sents:?}\n  want  {:?}\n  spans {spans:?} want {want_spans:?}",
                row["words"], row["crf_tokens"], row["crf_labels"], row["sents"]
            ));
        }
    }
    assert!(
        bad.is_empty(),
        "{} of {} differ:\n{}",
        bad.len(),
        v.len(),
        bad.join("\n")
    );
}

#[test]
fn thai_tcc_vectors() {
    let cases: [(&str, &[&str]); 7] = [
        ("เปลี่ย", &["เปลี่ย"]),
        ("เปลี่ย\n", &["เปลี่ย", "\n"]),
        ("เปลี่ย\nก", &["เป", "ลี่", "ย", "\n", "ก"]),
        ("เปลี่ย\n\n", &["เป", "ลี่", "ย", "\n", "\n"]),
        ("เปลี่ยx", &["เป", "ลี่", "ย", "x"]),
        ("เปลี่ยก", &["เปลี่ย", "ก"]),
        ("เสียx", &["เสีย", "x"]),
    ];
    for (text, want) in cases {
        assert_eq!(Thai::clusters(text), want, "{text:?}");
    }
    assert_eq!(Thai::clusters("เกียร"), ["เกีย", "ร"]);
}

#[test]
fn thai_small_regexes() {
    let c = |s: &str| s.chars().collect::<Vec<char>>();
    let t = c("COVID-19");
    assert_eq!(nonthai::nonthai_end(&t, 0), Some(6));
    assert_eq!(nonthai::nonthai_end(&t, 6), Some(8));
    assert_eq!(nonthai::nonthai_end(&c("1,234.50x"), 0), Some(8));
    assert_eq!(nonthai::nonthai_end(&c("12,x"), 0), Some(2));
    assert_eq!(nonthai::nonthai_end(&c("\r"), 0), None);
    assert_eq!(nonthai::nonthai_end(&c("\r\n"), 0), Some(2));
    assert_eq!(nonthai::nonthai_end(&c("@a.b ไ"), 0), Some(4));
    assert_eq!(nonthai::nonthai_end(&c("ไ"), 0), None);
    let t = c("a 1.2.3 x 12, 4:5.");
    let m: Vec<_> = nonthai::formatted_numbers(&t).collect();
    assert_eq!(m, [(2, 7), (14, 17)]);
    assert!(nonthai::is_two_chars(&c("กข")));
    assert!(!nonthai::is_two_chars(&c("กขค")));
    assert!(!nonthai::is_two_chars(&c("กา")));
}

#[test]
fn thai_edges_do_not_panic() {
    let Some(t) = load() else { return };
    let long_thai = "การประชุมครั้งนี้มีผู้เข้าร่วมจำนวนมาก".repeat(400);
    let cases = [
        "",
        " ",
        "\n\n\t ",
        "\u{1c}\u{1f}",
        "\u{200b}",
        "\r",
        "ก",
        "\0ก\0",
        "ฯฯฯฯฯฯฯฯฯฯ",
        "๑๒๓.๔๕๖:๗",
        "1.2.3.4.5.6.7.8.9.0.1.2.3.4.5.6.7.8.9",
        &long_thai,
    ];
    for text in cases {
        let w = t.words(text);
        let s = t.sentences(text);
        let sp = t.spans(text);
        for &(a, b) in w.iter().chain(&s).chain(&sp) {
            assert!(a < b && b <= text.len() && text.is_char_boundary(a));
        }
        if text.trim().is_empty() && !text.contains('\u{200b}') {
            assert!(w.is_empty() && s.is_empty() && sp.is_empty(), "{text:?}");
        }
        // tokens tile the text
        for safe in [false, true] {
            let toks = t.newmm(text, safe);
            let mut at = 0;
            for &(a, b) in &toks {
                assert_eq!(a, at);
                assert!(b > a);
                at = b;
            }
            assert_eq!(at, text.len());
        }
    }
    // safe mode bounds its chunks: a huge unspaced text still segments
    let huge = "ก".repeat(200_000);
    assert!(!t.words(&huge).is_empty());
}

#[test]
fn thai_tokenizer_pieces() {
    let Some(t) = load() else { return };
    let tok = crate::tokenize::Tokenizer::with_segmenter(t.clone());
    let text = "ไทย   \n  ไทย";
    assert_eq!(tok.words(text), ["ไทย", "ไทย"]);
    // spans (0, 3), (9, 12): cut at 3, the last piece runs to the end
    assert_eq!(tok.sentences(text), ["ไทย", "   \n  ไทย"]);
    assert_eq!(tok.sentence_count(text), 2);
    assert_eq!(tok.sentence_and_word_count(text), (2, 2));
    assert_eq!(tok.words_and_sentences(text).1, tok.sentences(text));
    assert_eq!(tok.sentences(""), [""]);
    assert_eq!(tok.sentences(" \n"), [" \n"]);
    assert_eq!(tok.word_count("ก้ม ๆ เงย ๆ ทั้งวัน"), 2);
}
