//! pyvi's syllabifier as spaCy's Vietnamese tokenizer runs it (`pyvi_sylabelize_with_ws`): a
//! Python `re.findall` over an ordered alternation, first matching alternative wins:
//!
//! 1. a whitespace run;
//! 2. `[A-ZĐ]+\.`;
//! 3. `Tp.`, `Mr.`, `Mrs.`, `Ms.`, `Dr.`, `ThS.`;
//! 4. `==>`, `->`, `...`, `>>`;
//! 5. a URL `\w+://[^\s]+`;
//! 6. an e-mail `[a-zA-Z0-9_.+-]+@([a-zA-Z0-9-]+\.)+[a-zA-Z0-9-]+`;
//! 7. a number `\d+([.,_]\d+)+`;
//! 8. one character that is neither `\w` nor whitespace;
//! 9. a `\w` run.
//!
//! Every character is matched by 1, 8 or 9, so the pieces tile the text. Python `re` semantics:
//! `\w`, `\d` and `\s` are Unicode (`crate::pytext`), and the greedy backtracking of 6 is
//! resolved by hand (see `email_end`).

use crate::pytext::{is_decimal, is_space, is_word};

const LITERALS: [&str; 10] = [
    "Tp.", "Mr.", "Mrs.", "Ms.", "Dr.", "ThS.", "==>", "->", "...", ">>",
];

/// Byte spans of the non-whitespace pieces of `text`, in order.
pub fn syllables(text: &str) -> Vec<(usize, usize)> {
    let cs: Vec<char> = text.chars().collect();
    let mut at: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
    at.push(text.len());
    let mut out = Vec::new();
    let mut p = 0usize;
    while p < cs.len() {
        if is_space(cs[p]) {
            p = run(&cs, p, is_space);
            continue;
        }
        let end = piece_end(&cs, p);
        out.push((at[p], at[end]));
        p = end;
    }
    out
}

fn run(cs: &[char], from: usize, pred: impl Fn(char) -> bool) -> usize {
    let mut j = from;
    while j < cs.len() && pred(cs[j]) {
        j += 1;
    }
    j
}

fn starts_with(cs: &[char], p: usize, lit: &str) -> bool {
    (p..).zip(lit.chars()).all(|(j, c)| cs.get(j) == Some(&c))
}

/// End (exclusive, code points) of the piece starting at non-whitespace `p`.
fn piece_end(cs: &[char], p: usize) -> usize {
    let n = cs.len();
    // 2. `[A-ZĐ]+\.`: the `[A-ZĐ]` run can only be followed by `.` at its end.
    let j = run(cs, p, |c| c.is_ascii_uppercase() || c == 'Đ');
    if j > p && j < n && cs[j] == '.' {
        return j + 1;
    }
    // 3, 4.
    for lit in LITERALS {
        if starts_with(cs, p, lit) {
            return p + lit.chars().count();
        }
    }
    // 5. `\w+://[^\s]+`.
    let w = run(cs, p, is_word);
    if w > p && starts_with(cs, w, "://") && w + 3 < n && !is_space(cs[w + 3]) {
        return run(cs, w + 3, |c| !is_space(c));
    }
    // 6. e-mail.
    if let Some(e) = email_end(cs, p) {
        return e;
    }
    // 7. `\d+([.,_]\d+)+`.
    let mut d = run(cs, p, is_decimal);
    if d > p {
        let mut groups = 0;
        while d + 1 < n && matches!(cs[d], '.' | ',' | '_') && is_decimal(cs[d + 1]) {
            d = run(cs, d + 1, is_decimal);
            groups += 1;
        }
        if groups > 0 {
            return d;
        }
    }
    // 8, 9.
    if w > p {
        w
    } else {
        p + 1
    }
}

fn is_local(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '+' | '-')
}

fn is_label(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-'
}

/// `[a-zA-Z0-9_.+-]+@([a-zA-Z0-9-]+\.)+[a-zA-Z0-9-]+` at `p`. Each `+` run can only end at its
/// maximal extent (the next pattern character is outside its class), so the match takes as many
/// `label.` groups as there are, then a final label; without one, backtracking gives the last
/// group's label back as the final label (needs at least two groups).
fn email_end(cs: &[char], p: usize) -> Option<usize> {
    let n = cs.len();
    let at = run(cs, p, is_local);
    if at == p || at >= n || cs[at] != '@' {
        return None;
    }
    let mut q = at + 1;
    let (mut groups, mut last_dot) = (0usize, 0usize);
    loop {
        let r = run(cs, q, is_label);
        if r > q && r < n && cs[r] == '.' {
            groups += 1;
            last_dot = r;
            q = r + 1;
        } else {
            break;
        }
    }
    let r = run(cs, q, is_label);
    if groups >= 1 && r > q {
        Some(r)
    } else if groups >= 2 {
        Some(last_dot)
    } else {
        None
    }
}
