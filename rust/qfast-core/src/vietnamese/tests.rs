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
