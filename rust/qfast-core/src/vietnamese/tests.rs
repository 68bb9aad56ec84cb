use super::*;

fn pieces(text: &str) -> Vec<&str> {
    syllables(text).iter().map(|&(a, b)| &text[a..b]).collect()
}

#[test]
fn vi_syllables_follow_the_alternation_order() {
    assert_eq!(
        pieces("TP. Hồ Chí Minh, Mr. X ==> a@b.c. 1.234,5 http://x.y/z ..."),
        [
            "TP.",
            "Hồ",
            "Chí",
            "Minh",
            ",",
            "Mr.",
            "X",
            "==>",
            "a@b.c",
            ".",
            "1.234,5",
            "http://x.y/z",
            "..."
        ]
    );
    assert_eq!(pieces("a@b. x@y.z.w"), ["a", "@", "b", ".", "x@y.z.w"]);
    assert_eq!(pieces("12. ->>"), ["12", ".", "->", ">"]);
    assert!(pieces(" \t\n").is_empty());
    assert!(pieces("").is_empty());
}

#[test]
fn vi_python_str_predicates() {
    assert!(pystr::isupper("ĐÀ1"));
    assert!(!pystr::isupper("12"));
    assert!(pystr::istitle("Việt"));
    assert!(pystr::istitle("ǅa"));
    assert!(!pystr::istitle("ViỆt"));
    assert!(pystr::isdigit("²3"));
    assert!(!pystr::isdigit("½"));
    assert_eq!(pystr::lower("ΟΔΟΣ Đà"), "οδος đà");
}

#[test]
fn vi_join_rules() {
    assert!(joins("Hà", "Nội"));
    assert!(!joins("hà", "Nội"));
    assert!(!joins("3", "giờ"));
    assert!(!joins("a", "..."[..1].as_ref()));
    assert!(joins("a", "..."));
}

#[test]
fn vi_pickle_extraction() {
    let model = b"lCRF\x0c\x00\x00\x00\xe9\x00\x01\x02";
    let mut text = String::new();
    for &b in model {
        text.push(char::from(b));
    }
    let mut pkl = b"\x80\x02X".to_vec();
    pkl.extend((text.len() as u32).to_le_bytes());
    pkl.extend(text.as_bytes());
    pkl.push(b'.');
    assert_eq!(crfsuite_model(&pkl).unwrap(), model);
    assert!(crfsuite_model(b"nothing here").is_err());
}

fn load() -> Option<Vietnamese> {
    let Some(dir) = crate::installed::package_file("QFAST_PYVI_MODELS", "pyvi/models") else {
        eprintln!("pyvi's models/ not found: skipped (set QFAST_PYVI_MODELS)");
        return None;
    };
    Some(Vietnamese::from_paths(&dir.join("words.txt"), &dir.join("pyvi3.pkl")).unwrap())
}

fn words_of(v: &Vietnamese, text: &str) -> Vec<String> {
    v.words(text)
        .iter()
        .map(|&(a, b)| text[a..b].to_string())
        .collect()
}

#[test]
fn vi_words_match_spacy_vi() {
    let Some(v) = load() else { return };
    // spacy.blank("vi").tokenizer.pyvi_tokenize (spaCy 3.8.18, pyvi 0.1.1)
    let text = "Hôm nay trời đẹp quá. Tôi sẽ đi du lịch Hà Nội, còn bạn thì sao?";
    assert_eq!(
        words_of(&v, text),
        [
            "Hôm nay",
            "trời",
            "đẹp",
            "quá",
            ".",
            "Tôi",
            "sẽ",
            "đi",
            "du lịch",
            "Hà Nội",
            ",",
            "còn",
            "bạn",
            "thì",
            "sao",
            "?"
        ]
    );
    // the whitespace inside a word is kept as it is
    assert_eq!(words_of(&v, "du  lịch\tHà\nNội"), ["du  lịch", "Hà\nNội"]);
    assert!(words_of(&v, "").is_empty() && words_of(&v, " \u{3000}\n").is_empty());
    // spaCy's get_words_and_spaces: a single space after a word is its trailing space
    let t = "  Xin chào  bạn ";
    let toks: Vec<&str> = v.doc_tokens(t).iter().map(|&(a, b)| &t[a..b]).collect();
    assert_eq!(toks, ["  ", "Xin", "chào", " ", "bạn"]);
}

#[test]
fn vi_odd_input_does_not_panic() {
    let Some(v) = load() else { return };
    for t in [
        "\0",
        "ǅ\u{301}",
        "Σ. ς",
        "²³ ①",
        &"a@b.".repeat(1000),
        &"Việt ".repeat(20_000),
    ] {
        let w = v.words(t);
        assert!(w.windows(2).all(|p| p[0].1 <= p[1].0));
    }
}
