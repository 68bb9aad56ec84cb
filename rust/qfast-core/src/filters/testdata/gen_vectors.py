# Generates src/filters/testdata/vectors.json: datatrove 0.10.1 decisions on crafted + random
# texts, with word lists passed explicitly (split_into_words patched) so tokenization does not
# confound the comparison. C4 keeps datatrove's real spaCy sentence splitting: core's tokenizer
# is the spaCy port, so the Rust test runs C4 with the real sentence counts.
import json, random, sys
import datatrove.pipeline.filters.gopher_quality_filter as gq
import datatrove.pipeline.filters.gopher_repetition_filter as gr
import datatrove.pipeline.filters.c4_filters as c4
import datatrove.pipeline.filters.fineweb_quality_filter as fw
from datatrove.data import Document

CUR = {"words": None}
for m in (gq, gr, fw):
    m.split_into_words = lambda text, language=None: CUR["words"]

def words_of(text):
    # same as Rust str::split_whitespace (Unicode White_Space): the word lists the Rust test passes in
    ws = set("\t\n\x0b\x0c\r \x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000") | {chr(c) for c in range(0x2000, 0x200b)}
    out, cur = [], []
    for ch in text:
        if ch in ws:
            if cur: out.append("".join(cur)); cur = []
        else: cur.append(ch)
    if cur: out.append("".join(cur))
    return out

VOCAB = ["the", "be", "to", "of", "and", "that", "have", "with", "a", "cat", "dog", "ab", "c", "bc",
         "Lorem", "ipsum", "lorem ipsum", "JavaScript", "javascript", "Cookie Policy", "uses coo\u212aies",
         "[1]", "[edit]", "[citation needed]", "[12a]", "[\u0663]", "{", "}", "#", "##", "...", "…", ".", "!", "?",
         "\"", "'", "-", "•", "—", "word.", "end!", "é", "中文", "\u2167", "x" * 40, "café…", "1", "23",
         "Ⅳ", "\u0130", "ok?", "。", "؟", "(", ")", "well...", "a.b", "hello", "world"]
SEPS = [" ", " ", " ", " ", "  ", "\n", "\n", "\n\n", "\n\n\n", "\t", "\r\n", "\r", "\u00a0", "\u3000",
        "\x1c", "\u2028", "\x85", " \n", "\n ", "\x0b", "\x0c"]

def rand_text(rng):
    n = rng.randint(0, 120)
    parts = []
    for _ in range(n):
        parts.append(rng.choice(VOCAB))
        parts.append(rng.choice(SEPS))
    if rng.random() < 0.3 and parts: parts = parts[:-1]
    if rng.random() < 0.2: parts.insert(0, rng.choice(["\n", "\n\n", " ", "  \n"]))
    t = "".join(parts)
    if rng.random() < 0.3:  # repetition
        t = t + rng.choice(["\n", " ", "\n\n"]) + t
    return t

CRAFTED = [
    "", "hello world", "\n\na\n\nb\n\n", "a\n\na\n\na", "\nfoo\nbar\n\nfoo\n", "x\n", "\n", "   ",
    "The cat sat on the mat. The dog sat on the log too.",
    "Good sentence. [1]", "This is a good sentence.[1]\nAnother good line here!\nThird one is here.",
    "ab c ab c ab c ab c ab c a bc a bc a bc",
    "a b a b c d c d", "x y z x y z w",
    "one two three. [edit]\nfour five six.\nseven eight nine.\nten eleven twelve.\nthirteen fourteen fifteen.",
    "lorem ipsum dolor sit amet.\n", "We use cookies here.\nfine fine fine.",
    "java script is fine.\nJAVASCRIPT is bad.",
    "a { b c.\n", "the end...\nthe end…\n- bullet\n• bullet\n",
    "word " * 60, ("the and of to be that have with " * 10).strip(),
    "### # # #\n## title", "Only one line without terminal punct",
    "line one is long enough to be long.\nshort\n\nshort\nshort",
]

GQ_CFGS = [
    {},
    {"min_doc_words": 1},
    {"min_doc_words": 1, "min_avg_word_length": 0, "max_avg_word_length": 0},
    {"min_doc_words": 1, "min_avg_word_length": 0, "max_avg_word_length": 0, "max_symbol_word_ratio": 0,
     "max_bullet_lines_ratio": 0.2, "max_ellipsis_lines_ratio": 0.1},
    {"min_doc_words": 1, "min_avg_word_length": 1, "max_avg_word_length": 30, "max_symbol_word_ratio": 0.5,
     "max_bullet_lines_ratio": 0.5, "max_ellipsis_lines_ratio": 0.5, "max_non_alpha_words_ratio": 0.5,
     "min_stop_words": 1, "stop_words": ["the", "cat", "a", "the"]},
]
GR_CFGS = [
    {},
    {"dup_line_frac": 0.6, "dup_para_frac": None, "dup_line_char_frac": 0.5, "dup_para_char_frac": 0.5,
     "top_n_grams": [[2, 0.5], [3, 0.4], [1, 0.3]], "dup_n_grams": [[2, 0.3], [3, 0.2], [5, 0.1]]},
    {"dup_line_frac": 0, "dup_para_frac": 0, "dup_line_char_frac": None, "dup_para_char_frac": None,
     "top_n_grams": [[2, 0.9], [4, 0.3]], "dup_n_grams": [[1, 0.3], [2, 0.05], [4, 0.01]]},
]
C4_CFGS = [
    {},
    {"filter_no_terminal_punct": False},
    {"filter_no_terminal_punct": False, "min_num_sentences": -1, "min_words_per_line": 2, "max_word_length": 5},
    {"split_paragraph": False, "min_num_sentences": 1},
    {"remove_citations": False, "filter_lorem_ipsum": False, "filter_javascript": False,
     "filter_curly_bracket": False, "filter_policy": False, "min_num_sentences": 2, "max_word_length": -1,
     "min_words_per_line": -1},
]
FW_CFGS = [
    {},
    {"line_punct_thr": 0.0, "short_line_thr": 0.99, "char_duplicates_ratio": 0.5, "new_line_ratio": 0.5},
    {"line_punct_exclude_zero": True, "stop_chars": [".", "!", "", "e"], "short_line_length": 5},
    {"line_punct_exclude_zero": True, "stop_chars": ["ne", "…"], "short_line_thr": 1.0, "char_duplicates_ratio": 1.0},
]

def run(f, text, words):
    CUR["words"] = words
    doc = Document(text=text, id="x")
    try:
        r = f.filter(doc)
    except ZeroDivisionError:
        return {"error": "ZeroDivisionError"}
    if r is True: return {"keep": True, "text": doc.text}
    return {"keep": False, "reason": r[1] if isinstance(r, tuple) else None}

def tuple_cfg(c):
    c = dict(c)
    for k in ("top_n_grams", "dup_n_grams"):
        if k in c: c[k] = tuple(tuple(x) for x in c[k])
    if "stop_chars" in c: c["stop_chars"] = tuple(c["stop_chars"])
    return c

def main(out):
    rng = random.Random(1234)
    texts = CRAFTED + [rand_text(rng) for _ in range(300)]
    cases = []
    for t in texts:
        w = words_of(t)
        case = {"text": t, "gq": [], "gr": [], "c4": [], "fw": []}
        for c in GQ_CFGS: case["gq"].append(run(gq.GopherQualityFilter(**tuple_cfg(c)), t, w))
        for c in GR_CFGS: case["gr"].append(run(gr.GopherRepetitionFilter(**tuple_cfg(c)), t, w))
        for c in C4_CFGS:
            f = c4.C4QualityFilter(**tuple_cfg(c))
            r = run(f, t, w)
            r["stats"] = {k: v.total for k, v in f.stats.stats.items()} if hasattr(f.stats, "stats") else {}
            case["c4"].append(r)
        for c in FW_CFGS: case["fw"].append(run(fw.FineWebQualityFilter(**tuple_cfg(c)), t, w))
        # raw gopher repetition helper values (datatrove's own functions)
        case["top"] = {str(n): (gr.find_top_duplicate(gr.get_n_grams(w, n)) if len(w) >= n else 0) for n in (1, 2, 3, 4)}
        case["dup"] = {str(n): gr.find_all_duplicate(w, n) for n in (1, 2, 3, 5, 10)}
        cases.append(case)
    json.dump({"gq_cfgs": GQ_CFGS, "gr_cfgs": GR_CFGS, "c4_cfgs": C4_CFGS, "fw_cfgs": FW_CFGS, "cases": cases},
              open(out, "w"), ensure_ascii=False, separators=(",", ":"))
    from collections import Counter
    for k in ("gq", "gr", "c4", "fw"):
        cnt = Counter((r.get("reason") if not r.get("keep") else "KEEP") if "error" not in r else "ERR" for c in cases for r in c[k])
        print(k, dict(cnt), file=sys.stderr)

main(sys.argv[1])
