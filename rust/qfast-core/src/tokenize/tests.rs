//! Vectors observed with spaCy 3.8.18 through datatrove 0.10.1 (`SpaCyTokenizer("en")`).

use super::*;

fn spacy() -> Tokenizer {
    Tokenizer::new(TokenizerKind::Spacy)
}

#[test]
fn tables_load() {
    assert!(rules::rules().loaded);
}

#[test]
fn no_whitespace_above_ideographic_space() {
    // `py_isspace` answers false above U+3000 without the table.
    let r = rules::rules();
    assert!(r.isspace.contains('\u{3000}'));
    assert!(('\u{3001}'..=char::MAX).all(|c| !r.isspace.contains(c)));
}

#[test]
fn one_char_token_flags_table_matches_the_definition() {
    for lang in [rules::SpacyLang::En, rules::SpacyLang::Xx] {
        let r = rules::rules_for(lang);
        for c in ('\0'..='\u{FFFF}').chain(['\u{10000}', '\u{1F600}', char::MAX]) {
            let t = c.to_string();
            assert_eq!(
                spacy::token_flags(r, &t),
                spacy::token_flags_of(r, &t),
                "{c:?}"
            );
        }
        for t in ["", "ab", "。。", "a.", "—", "’’", "''", "--"] {
            assert_eq!(
                spacy::token_flags(r, t),
                spacy::token_flags_of(r, t),
                "{t:?}"
            );
        }
    }
}

#[test]
fn cjk_token_flags_shortcut_matches_the_definition() {
    use spacy::{F_IS_PUNCT, F_PUNCT_CHAR, F_WORD};
    for lang in [rules::SpacyLang::En, rules::SpacyLang::Xx] {
        let r = rules::rules_for(lang);
        assert!(r.han_plain);
        let mut tok = String::new();
        for c in '\u{4E00}'..='\u{9FFF}' {
            for tail in ["", "。", "a", " "] {
                tok.clear();
                tok.push(c);
                tok.push_str(tail);
                // The flags as `token_flags` defines them, without its shortcut.
                let mut want = 0u8;
                if !rules::py_isspace(c) {
                    want |= F_WORD;
                }
                if tail.is_empty() && r.punct_chars.contains(c) {
                    want |= F_PUNCT_CHAR;
                }
                if tok.chars().all(|x| r.category_p.contains(x)) {
                    want |= F_IS_PUNCT;
                }
                want |= r.matcher_flags.get(tok.as_str()).copied().unwrap_or(0);
                assert_eq!(spacy::token_flags(r, &tok), want, "{tok:?}");
            }
        }
    }
}

#[rustfmt::skip]
const WORDS: &[(&str, &[&str])] = &[
    ("id", &["i", "d"]),
    ("Id", &["I", "d"]),
    ("im", &["i", "m"]),
    ("cannot", &["can", "not"]),
    ("gonna", &["gon", "na"]),
    ("dont", &["do", "nt"]),
    ("don't", &["do", "n't"]),
    ("it's", &["it", "'s"]),
    ("10km", &["10", "km"]),
    ("0mb", &["0", "mb"]),
    ("hello...", &["hello", "..."]),
    ("(test)", &["(", "test", ")"]),
    ("a--b", &["a", "--", "b"]),
    ("x/y", &["x", "/", "y"]),
    ("co-operate", &["co", "-", "operate"]),
    ("***", &["*", "*", "*"]),
    ("end.\"", &["end", ".", "\""]),
    ("┌──┬──┐", &["┌", "─", "─", "┬", "─", "─", "┐"]),
    ("a©", &["a", "©"]),
    ("e.g.", &["e.g."]),
    ("U.S.", &["U.S."]),
    ("3rd", &["3rd"]),
    ("1,000.5", &["1,000.5"]),
    ("https://www.example.com/path?q=1.", &["https://www.example.com/path?q=1", "."]),
    ("foo@bar.com", &["foo@bar.com"]),
    (":)", &[":)"]),
    ("--", &["--"]),
    ("Hello, world!", &["Hello", ",", "world", "!"]),
    ("$10.50", &["$", "10.50"]),
    ("I'm", &["I", "'m"]),
    ("U.K.", &["U.K."]),
    ("AB.", &["AB", "."]),
    ("°C.", &["°", "C", "."]),
    ("a\n\nb\tc", &["a", "b", "c"]),
    ("10a.m.", &["10", "a.m."]),
    ("’’", &["’’"]),
    ("(:", &["(:"]),
    ("x''", &["x", "''"]),
];

#[rustfmt::skip]
const SENTENCES: &[(&str, &[&str])] = &[
    ("(a) item. (b) item", &["(a) item. (", "b) item"]),
    ("Line one.\nline two", &["Line one.", "\nline two"]),
    ("e.g. this is fine. ok", &["e.g. this is fine.", " ok"]),
    ("Hello.  World!!! What?! ... Yes.\nNo", &["Hello.", "  World!!!", " What?! ...", " Yes.", "\nNo"]),
    ("", &[""]),
    ("A. B", &["A. B"]),
    ("Wait... what? ok", &["Wait... what?", " ok"]),
];

#[test]
fn words_match_spacy() {
    let t = spacy();
    for (text, want) in WORDS {
        assert_eq!(t.words(text), want.to_vec(), "text {text:?}");
    }
}

#[test]
fn sentences_match_spacy() {
    let t = spacy();
    for (text, want) in SENTENCES {
        assert_eq!(t.sentences(text), want.to_vec(), "text {text:?}");
        assert_eq!(t.sentence_count(text), want.len(), "text {text:?}");
        assert_eq!(
            t.words_and_sentences(text).1,
            want.to_vec(),
            "text {text:?}"
        );
    }
}

#[test]
fn whitespace_tokens() {
    // A single space after a token is not a token; other whitespace runs are.
    let t = spacy();
    let text = "a  b\n c";
    let toks: Vec<&str> = t.tokens(text).iter().map(|&(x, y)| &text[x..y]).collect();
    assert_eq!(toks, vec!["a", " ", "b", "\n ", "c"]);
}

#[test]
fn no_panic_on_odd_input() {
    let long_dots = ".".repeat(20_000);
    let long_dash = "a-".repeat(20_000);
    let odd = [
        "",
        " ",
        "\u{0}\u{1}\u{7f}\u{85}",
        "\u{10ffff}\u{e000}",
        "a\u{200b}b\u{2028}c\u{1c}",
        "👨\u{200d}👩\u{200d}👧 🇺🇸",
        "e\u{301}\u{301}\u{301}.",
        long_dots.as_str(),
        long_dash.as_str(),
    ];
    for kind in [TokenizerKind::Spacy, TokenizerKind::Unicode] {
        let t = Tokenizer::new(kind);
        for s in odd {
            let _ = t.words(s);
            let pieces = t.sentences(s);
            assert_eq!(pieces.concat(), s);
        }
    }
}

#[test]
fn unicode_kind() {
    let t = Tokenizer::new(TokenizerKind::Unicode);
    assert_eq!(
        t.words("Hello, world! It's 3.5"),
        vec!["Hello", ",", "world", "!", "It's", "3.5"]
    );
    assert_eq!(t.sentences("One. Two"), vec!["One.", " Two"]);
}

#[test]
fn doc_tokens_follow_spacy_get_words_and_spaces() {
    // A segmenter's raw tokens, whitespace as tokens of its own (as jieba gives them).
    let text = "  ab. .c\n\nd";
    let raw = [
        (0, 1),
        (1, 2),
        (2, 4),
        (4, 5),
        (5, 6),
        (6, 7),
        (7, 8),
        (8, 9),
        (9, 10),
        (10, 11),
    ];
    // Leading whitespace is one token; the " " after "." becomes its trailing space; "\n\n" is
    // one token.
    assert_eq!(
        super::spacy_words_and_spaces(text, &raw),
        vec![(0, 2), (2, 4), (4, 5), (6, 7), (7, 8), (8, 10), (10, 11)]
    );
    assert_eq!(super::spacy_words_and_spaces("", &[]), vec![]);
    assert_eq!(
        super::spacy_words_and_spaces("   ", &[(0, 1), (1, 2), (2, 3)]),
        vec![(0, 3)]
    );
}

#[test]
fn xx_rules_differ_from_en_in_special_cases_only_where_expected() {
    let en = Tokenizer::new(TokenizerKind::Spacy);
    let xx = Tokenizer::new(TokenizerKind::SpacyXx);
    assert_eq!(en.words("I don't."), vec!["I", "do", "n't", "."]);
    assert_eq!(xx.words("I don't."), vec!["I", "don't", "."]);
    // shared punctuation rules
    assert_eq!(xx.words("(你好)。"), vec!["(", "你好", ")", "。"]);
}

/// `host_may_match` only skips the URL regex where it cannot match: every string here that
/// the regex accepts (for en and xx) passes the prefilter, and the CJK ones are rejected.
#[test]
fn url_prefilter_is_a_necessary_condition() {
    let cases = [
        "www.example.com",
        "example.com/path?q=1.5",
        "sub.example.co.uk:8080/x",
        "1.2.3.4",
        "8.8.8.8:53",
        "例子.中国",
        "例子.中国/路径",
        "用户@例子.com",
        "http://好.好",
        "a.b",
        "a.bc",
        "ab.c1",
        "x.y.z.",
        "中文.很好",
        "中文...很好",
        "版本1.5很好",
        "好.好。",
        "数据.html#top",
        "foo_bar.baz-qux.org",
        "-a.com",
        "a-.com",
        "ёж.рф",
        "test.Upper",
        "test.ab:1",
        "test.ab:12",
    ];
    for lang in [super::rules::SpacyLang::En, super::rules::SpacyLang::Xx] {
        let r = super::rules::rules_for(lang);
        let re = r.url.as_ref().expect("url regex");
        for s in cases {
            if re.is_match(s).unwrap() {
                assert!(spacy::host_may_match(s), "{s:?} matches the URL regex");
            }
        }
    }
    for s in ["中文...很好", "版本1.5很好", "test.Upper", "好.好，很好"] {
        assert!(!spacy::host_may_match(s), "{s:?}");
    }
}

#[test]
fn break_candidates_scan_matches_bytewise() {
    // Every byte skipped is not a candidate, and the scan stops at the first candidate unless
    // fewer than 8 bytes remain.
    let is_cand = |c: u8| c < 0x21 || c == 0xC2 || c & 0xFC == 0xE0;
    assert!(rules::rules().ws_swar);
    for (b, &v) in rules::rules().ws_class.iter().enumerate() {
        assert!(v == 0 || is_cand(u8::try_from(b).unwrap()), "{b:#x}");
    }
    let alphabet: Vec<u8> = (0u8..=255).collect();
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    for round in 0..20_000u64 {
        let len = (next() % 40) as usize;
        // Mostly letters, with a few bytes of any value.
        let b: Vec<u8> = (0..len)
            .map(|_| {
                let r = next();
                if r % (2 + round % 7) == 0 {
                    alphabet[(r >> 8) as usize % 256]
                } else {
                    b'a' + (r >> 16) as u8 % 26
                }
            })
            .collect();
        for i in 0..=len {
            let r = spacy::next_break_candidate(&b, i);
            let first = (i..len).find(|&j| is_cand(b[j])).unwrap_or(len);
            assert!(r >= i && r <= first, "{b:?} {i} -> {r}, first {first}");
            assert!(r == first || r + 8 > len, "{b:?} {i} -> {r}, first {first}");
        }
    }
}
