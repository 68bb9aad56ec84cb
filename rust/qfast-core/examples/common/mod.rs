//! Shared by the examples: the corpus file format.

/// The texts of a corpus file of length-prefixed UTF-8 texts (`<u32 LE byte length><bytes>`...),
/// named by the first command-line argument; and their total size in MB.
pub fn read_corpus(usage: &str) -> (Vec<String>, f64) {
    let path = std::env::args().nth(1).expect(usage);
    let raw = std::fs::read(&path).expect("read corpus");
    let mut texts: Vec<String> = Vec::new();
    let mut i = 0;
    while i + 4 <= raw.len() {
        let n = u32::from_le_bytes([raw[i], raw[i + 1], raw[i + 2], raw[i + 3]]) as usize;
        i += 4;
        let end = (i + n).min(raw.len());
        texts.push(String::from_utf8_lossy(&raw[i..end]).into_owned());
        i = end;
    }
    let mb = texts.iter().map(std::string::String::len).sum::<usize>() as f64 / 1e6;
    (texts, mb)
}
