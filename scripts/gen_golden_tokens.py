#!/usr/bin/env python
"""Golden vectors for datatrove's default English word tokenizer (spaCy blank "en" + sentencizer).

For every English document of eval_data, records
  * the word tokens exactly as ``load_word_tokenizer("eng").word_tokenize(text)`` returns them
    (spaCy tokens, stripped, empties dropped), and
  * the sentence split as ``span_tokenize(text)`` returns it, stored as the list of sentence
    END offsets in code points (``split_into_sentences`` only uses these ends:
    pieces = text[a:b] for a, b in zip([0] + ends[:-1], ends[:-1] + [len(text)])).

Output: one xz-compressed JSON-lines file (stdlib ``lzma``; xz, not gzip, because the token text
is ~15 MB and gzip only gets it to ~6.5 MB) (default ``tests/golden/spacy_tokens.jsonl.xz``).
Line 1 is a header object ``{"meta": {...}}`` (versions, row layout). Every further line is
  [file_stem, ids, column, n_chars, tokens_joined, sentence_ends]
where ``ids`` is a list (identical texts in one file/column are stored once), ``n_chars`` is
``len(text)`` and ``tokens_joined`` is ``" ".join(tokens)``: spaCy splits on every ``str.isspace``
character and datatrove strips tokens and drops whitespace-only ones, so no token contains a space
(the script asserts that). Recover with ``s.split(" ") if s else []``.

English rows: ``lang == "en"`` where the file's ``lang`` column is set; where it is null (all of
web_html_extracted and web_dclm_human_quality, some web_cc_text_samples rows), a row is English when
``ref_lang_fasttext176 == "en"`` or ``ref_lang_langid == "en"``.

usage: python scripts/gen_golden_tokens.py [--data DIR] [--out FILE]
"""

import argparse
import json
import lzma
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq

REPO = Path(__file__).resolve().parent.parent

# (file, text columns)
SOURCES = [
    ("web_cc_text_samples.parquet", ["text"]),
    ("web_dclm_human_quality.parquet", ["text"]),
    ("web_html_extracted.parquet", ["text", "text_main"]),
]
SEP = " "


def is_english(row):
    lang = row.get("lang")
    if lang is not None and lang == lang:  # not null / NaN
        return lang == "en"
    return row.get("ref_lang_fasttext176") == "en" or row.get("ref_lang_langid") == "en"


def versions():
    import importlib.metadata as md

    return {p: md.version(p) for p in ("datatrove", "spacy", "pyarrow")} | {
        "python": sys.version.split()[0]
    }


def main():
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--data", default=str(REPO.parent / "shared" / "eval_data"), help="eval_data directory"
    )
    ap.add_argument("--out", default=str(REPO / "tests" / "golden" / "spacy_tokens.jsonl.xz"))
    args = ap.parse_args()

    from datatrove.utils.word_tokenizers import load_word_tokenizer

    tok = load_word_tokenizer("eng")
    t0 = time.perf_counter()
    n_docs = n_rows = n_tokens = n_chars = 0
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    with lzma.open(args.out, "wt", encoding="utf-8", preset=9 | lzma.PRESET_EXTREME) as out:
        meta = {
            "meta": {
                "what": "datatrove load_word_tokenizer('eng'): word_tokenize tokens and span_tokenize sentence end offsets",
                "versions": versions(),
                "tokenizer": type(tok).__name__ + "('" + str(tok.language) + "')",
                "row": [
                    "file",
                    "ids",
                    "column",
                    "n_chars",
                    "tokens_joined_by_space",
                    "sentence_ends",
                ],
                "english_rule": "lang=='en' if lang set else ref_lang_fasttext176=='en' or ref_lang_langid=='en'",
                "offsets": "Python code points",
            }
        }
        out.write(json.dumps(meta, ensure_ascii=False) + "\n")
        for fname, cols in SOURCES:
            tbl = pq.read_table(Path(args.data) / fname).to_pylist()
            stem = fname.removesuffix(".parquet")
            for col in cols:
                groups = {}  # text -> ids, first-seen order
                for row in tbl:
                    if not is_english(row) or row.get(col) is None:
                        continue
                    groups.setdefault(row[col], []).append(row["id"])
                    n_rows += 1
                for text, ids in groups.items():
                    words = tok.word_tokenize(text)
                    ends = [b for _, b in tok.span_tokenize(text)]
                    assert not any(SEP in w for w in words), (stem, ids[0])
                    out.write(
                        json.dumps(
                            [stem, ids, col, len(text), SEP.join(words), ends], ensure_ascii=False
                        )
                        + "\n"
                    )
                    n_docs += 1
                    n_tokens += len(words)
                    n_chars += len(text)
                print(
                    f"{stem}:{col}: {len(groups)} unique texts, {time.perf_counter() - t0:.1f}s",
                    file=sys.stderr,
                )
    size = Path(args.out).stat().st_size
    print(
        f"wrote {args.out}: {n_docs} docs ({n_rows} rows), {n_tokens} tokens, {n_chars} chars, "
        f"{size / 1e6:.2f} MB, {time.perf_counter() - t0:.1f}s",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
