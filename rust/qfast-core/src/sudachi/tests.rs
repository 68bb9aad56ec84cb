//! Tests against the real dictionary and resources. They are skipped (with a note) when the
//! files are not installed, since CI machines may lack the 200 MB dictionary.

use super::*;
use std::sync::OnceLock;

/// system.dic (`$QFAST_SUDACHI_DIC`, else sudachidict-core's in the active or development venv)
/// and `SudachiPy`'s resources directory (`$QFAST_SUDACHI_RESOURCES`, else the venv's).
fn files() -> Option<(std::path::PathBuf, std::path::PathBuf)> {
    let dic = crate::installed::package_file(
        "QFAST_SUDACHI_DIC",
        "sudachidict_core/resources/system.dic",
    )?;
    let res = crate::installed::package_file("QFAST_SUDACHI_RESOURCES", "sudachipy/resources")?;
    Some((dic, res))
}

fn load() -> Option<&'static Sudachi> {
    static S: OnceLock<Option<Sudachi>> = OnceLock::new();
    S.get_or_init(|| {
        let (dic, res) = files()?;
        let read = |n: &str| std::fs::read_to_string(res.join(n)).ok();
        let (c, u, r) = (read("char.def")?, read("unk.def")?, read("rewrite.def")?);
        let dic = std::fs::read(dic).ok()?;
        Some(Sudachi::new(dic, &c, &u, &r).expect("real dictionary must load"))
    })
    .as_ref()
    .or_else(|| {
        eprintln!(
            "NOTE: Sudachi dictionary/resources not found (activate a venv with the [test] \
             extra, or set QFAST_SUDACHI_DIC and QFAST_SUDACHI_RESOURCES); test skipped"
        );
        None
    })
}

fn surfaces<'a>(s: &Sudachi, text: &'a str) -> Vec<&'a str> {
    let m = s.tokenize(text).unwrap();
    // tiling
    let mut at = 0;
    for x in &m {
        assert_eq!(x.start, at, "morphemes must tile {text:?}");
        at = x.end;
    }
    assert_eq!(at, text.len());
    m.iter().map(|x| &text[x.start..x.end]).collect()
}

#[test]
fn sudachi_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Sudachi>();
}

#[test]
fn vectors() {
    let Some(s) = load() else { return };
    let v: Vec<serde_json::Value> =
        serde_json::from_str(include_str!("testdata/vectors.json")).unwrap();
    let mut bad = Vec::new();
    for row in &v {
        let input = row[0].as_str().unwrap();
        let want: Vec<&str> = row[1]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_str().unwrap())
            .collect();
        let got = surfaces(s, input);
        if got != want {
            bad.push(format!("{input:?}\n  want {want:?}\n  got  {got:?}"));
        }
    }
    assert!(
        bad.is_empty(),
        "{} of {} vectors differ:\n{}",
        bad.len(),
        v.len(),
        bad.join("\n")
    );
}

/// The interleaved trie walks find what one walk per start finds, in the same order, for
/// every character start of real text (lanes ending at different depths, at the text's end,
/// and fewer starts than lanes).
#[test]
fn interleaved_prefix_search_matches_single_walks() {
    let Some(s) = load() else { return };
    let text = "東京都に行く。選挙管理委員会の1,234円、ｶﾞｰﾃﾞﾝとガーデン、Unicodeの仕様書。末尾";
    let starts: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
    let mut found: [Vec<(u32, usize)>; dic::MANY_STARTS] = Default::default();
    let mut one = Vec::new();
    let mut total = 0;
    for block in starts.chunks(dic::MANY_STARTS).chain([&starts[..3]]) {
        s.dic.prefix_search_many(text.as_bytes(), block, &mut found);
        for (j, &st) in block.iter().enumerate() {
            s.dic.prefix_search(text.as_bytes(), st, &mut one);
            assert_eq!(found[j], one, "start {st}");
            total += one.len();
        }
    }
    assert!(
        total > 40,
        "the text should hit many dictionary keys, got {total}"
    );
}

#[test]
fn spec_examples_and_blank_flags() {
    let Some(s) = load() else { return };
    assert_eq!(surfaces(s, "a".repeat(MAX_INPUT_BYTES).as_str()).len(), 1);
    assert!(s.tokenize(&"a".repeat(MAX_INPUT_BYTES + 1)).is_err());
    // The rewritten text is limited to 65,535 bytes (SudachiPy: "can't be more than 65535").
    assert!(s.tokenize(&"㍿".repeat(16383)).is_err());
    assert_eq!(surfaces(s, &"㍿".repeat(5461)).len(), 10922);
    assert_eq!(surfaces(s, &"ｶﾞ".repeat(8191)).len(), 1);
    assert_eq!(surfaces(s, "x\u{3000}\ny"), ["x", "\u{3000}", "\n", "y"]);
    assert_eq!(surfaces(s, "\n\u{3000}x"), ["\n\u{3000}", "x"]);
    assert_eq!(
        surfaces(s, "x\u{a0}\u{a0}y"),
        ["x", "\u{a0}", "\u{a0}", "y"]
    );
    let m = s.tokenize("末尾の空白 \n").unwrap();
    let blanks: Vec<bool> = m.iter().map(|x| x.blank).collect();
    assert_eq!(blanks, [false, false, false, true, true]);
}

#[test]
fn hostile_text_never_panics() {
    let Some(s) = load() else { return };
    let alphabet: Vec<char> = "\0\u{1}\u{1c}\n\r\t \u{3000}\u{a0}aZ9０Ａ漢字かなカナｶﾞﾟ゛゜\u{3099}\u{309a}\u{301}\u{200d}\u{200c}\u{fe0f}😀👍🏻🇯🇵ー-〜～()（）,.，．一二十百千万億兆0123㍿㈱①Ⅻİßﬁ々〇ヶゝ\u{feff}\u{10ffff}\u{e000}αАё"
        .chars()
        .collect();
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..3000 {
        let len = (next() % 24) as usize;
        let text: String = (0..len)
            .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
            .collect();
        surfaces(s, &text);
    }
}

#[test]
fn truncated_dictionary_is_an_error() {
    let Some(bytes) = files().and_then(|(dic, _)| std::fs::read(dic).ok()) else {
        eprintln!("NOTE: Sudachi dictionary not found (QFAST_SUDACHI_DIC); test skipped");
        return;
    };
    for cut in [0, 10, 40, 200, 4096, 71_548_928, bytes.len() - 1] {
        let r = Sudachi::new(bytes[..cut].to_vec(), "", "", "");
        assert!(r.is_err(), "cut at {cut} must fail");
    }
}

#[test]
fn corrupted_dictionary_never_panics() {
    let Some((dic, res)) = files() else {
        eprintln!("NOTE: Sudachi dictionary not found (QFAST_SUDACHI_DIC); test skipped");
        return;
    };
    let mut bytes = std::fs::read(dic).unwrap();
    let read = |n: &str| std::fs::read_to_string(res.join(n)).unwrap();
    let (c, u, r) = (read("char.def"), read("unk.def"), read("rewrite.def"));
    // Flip bytes all over the blocks (past the header and POS table, so it still loads).
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    for _ in 0..200_000 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let at = 71_626_752 + (state % (bytes.len() as u64 - 71_626_752)) as usize;
        bytes[at] ^= (state >> 56) as u8 | 1;
    }
    let s = Sudachi::new(bytes, &c, &u, &r).expect("header intact");
    let v: Vec<serde_json::Value> =
        serde_json::from_str(include_str!("testdata/vectors.json")).unwrap();
    let (mut ok, mut err) = (0, 0);
    for row in &v {
        for text in [
            row[0].as_str().unwrap(),
            "東京都に行く。選挙管理委員会の1,234円",
        ] {
            match s.tokenize(text) {
                Ok(_) => ok += 1,
                Err(_) => err += 1,
            }
        }
    }
    eprintln!("corrupted dictionary: {ok} Ok, {err} Err");
}

/// One row of a parity file: text, `SudachiPy` surfaces and (optionally) 空白 flags.
struct ParityRow {
    text: String,
    surfaces: Vec<String>,
    blank: Option<Vec<bool>>,
}

fn read_parity_rows(path: &str) -> Vec<ParityRow> {
    let data = std::fs::read_to_string(path).unwrap();
    data.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let strs = |k: &str| -> Vec<String> {
                v[k].as_array()
                    .unwrap()
                    .iter()
                    .map(|x| x.as_str().unwrap().to_owned())
                    .collect()
            };
            ParityRow {
                text: v["text"].as_str().unwrap().to_owned(),
                surfaces: strs("surfaces"),
                blank: v["blank"]
                    .as_array()
                    .map(|a| a.iter().map(|x| x.as_bool().unwrap()).collect()),
            }
        })
        .collect()
}

/// Real-data parity: `SUDACHI_PARITY_JSONL` names a JSONL file of
/// `{"text": ..., "surfaces": [...], "blank": [...]}` rows dumped from `SudachiPy` (`blank` =
/// POS starts with 空白, optional). Prints single-thread speed, the number of identical rows
/// and the first differences. Run with
/// `cargo test --release -p qfast-core sudachi::tests::parity_jsonl -- --ignored --nocapture`.
#[test]
#[ignore = "parity report over a JSONL dump, run by hand (see above)"]
fn parity_jsonl() {
    let Some(s) = load() else { return };
    let Ok(path) = std::env::var("SUDACHI_PARITY_JSONL") else {
        eprintln!("NOTE: set SUDACHI_PARITY_JSONL to run this test");
        return;
    };
    let rows = read_parity_rows(&path);
    let bytes: usize = rows.iter().map(|r| r.text.len()).sum();
    let mut ntok = 0;
    let mut secs = f64::MAX;
    for pass in 0..4 {
        let start = std::time::Instant::now();
        for r in &rows {
            match s.tokenize(&r.text) {
                Ok(m) => ntok += m.len(),
                Err(e) => panic!("{e} on {:?}", r.text),
            }
        }
        let t = start.elapsed().as_secs_f64();
        if pass == 0 {
            eprintln!(
                "first (cold-cache) pass: {:.2} MB/s",
                bytes as f64 / 1e6 / t
            );
        } else {
            secs = secs.min(t);
        }
    }
    eprintln!(
        "speed: {} rows, {:.2} MB, {} morphemes, best warm pass {secs:.3}s = {:.2} MB/s single-threaded",
        rows.len(),
        bytes as f64 / 1e6,
        ntok / 4,
        bytes as f64 / 1e6 / secs
    );
    let mut same = 0;
    let mut shown = 0;
    for r in &rows {
        let got = surfaces(s, &r.text);
        let blank_ok = r.blank.as_ref().is_none_or(|want| {
            let b: Vec<bool> = s
                .tokenize(&r.text)
                .unwrap()
                .iter()
                .map(|m| m.blank)
                .collect();
            *want == b
        });
        if got == r.surfaces && blank_ok {
            same += 1;
        } else if shown < 10 {
            shown += 1;
            let want = &r.surfaces;
            let k = got.iter().zip(want).take_while(|(a, b)| a == b).count();
            let lo = k.saturating_sub(3);
            eprintln!(
                "DIFF (blank flags ok: {blank_ok}) in {:?}\n  want[{lo}..] {:?}\n  got [{lo}..] {:?}",
                r.text.chars().take(60).collect::<String>(),
                &want[lo..(k + 5).min(want.len())],
                &got[lo..(k + 5).min(got.len())]
            );
        }
    }
    eprintln!("parity: {same} / {} rows identical", rows.len());
    assert_eq!(same, rows.len());
}

/// Timing of worst-case shapes at the length limit (release build recommended):
/// `cargo test --release -p qfast-core sudachi::tests::long_inputs -- --ignored --nocapture`.
#[test]
#[ignore = "long-input timing report, run by hand (see above)"]
fn long_inputs() {
    let Some(s) = load() else { return };
    let fill = |unit: &str| {
        let mut t = String::new();
        while t.len() + unit.len() <= MAX_INPUT_BYTES {
            t.push_str(unit);
        }
        t
    };
    for unit in [
        "a",
        "あ",
        "ア",
        "漢",
        "1,234 ",
        "1,2",
        "1.",
        "一二三",
        "ｶﾞ",
        "ー",
        "\n",
        " ",
        "😀",
        "\u{301}",
        "カタカナ語",
        "東京都に行く。",
        "(かな)",
    ] {
        let t = fill(unit);
        let start = std::time::Instant::now();
        let m = s.tokenize(&t).unwrap();
        eprintln!(
            "{unit:?} x{}: {} morphemes in {:.3}s",
            t.len() / unit.len(),
            m.len(),
            start.elapsed().as_secs_f64()
        );
    }
}
