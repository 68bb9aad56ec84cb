"""Golden Japanese word and sentence splits for tests/test_sudachi_parity.py: datatrove 0.10.1's
``load_word_tokenizer("ja")`` (spaCy 3.8.18 ``ja``: SudachiPy with sudachidict_core, split mode
A, datatrove's memory-leak fix) on every ja row of eval_data: ja_kwdlc_web_leads and the pages of
web_html_extracted whose fastText LID-176 reference label is ja. Stored compactly: per row an
8-byte blake2b of the words joined by U+0001 (ja_datatrove_token_hashes.bin, in row order) and
of ``split_into_sentences(text, "ja")`` (ja_datatrove_sentence_hashes.bin), plus the full words
of the first 300 rows for readable diffs (ja_tokens_head.json). Three long documents made of
ja_kwdlc_web_leads texts joined by "", " " and "\n" (about 120 kB each, ids ``long-*``) follow
the eval rows: datatrove cuts them into 40,000-byte chunks, which moves token and sentence
boundaries.

usage: python scripts/gen_golden_sudachi.py [EVAL_DATA_DIR]   (needs the [bench] extra)
"""

from __future__ import annotations

import json
import sys
from importlib.metadata import version
from pathlib import Path

import pyarrow.parquet as pq
from gen_golden_jieba import digest, language_rows

REPO = Path(__file__).resolve().parent.parent
EVAL = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO.parent / "shared" / "eval_data"
OUT = REPO / "tests" / "golden" / "sudachi"


def ja_rows(eval_dir: Path) -> tuple[list[str], list[str]]:
    """(ids, texts) of the ja rows, in a fixed order, then the three long documents."""
    ids, texts = language_rows(eval_dir, "ja_kwdlc_web_leads.parquet", "ja")
    k = pq.read_table(eval_dir / "ja_kwdlc_web_leads.parquet", columns=["text"])
    base = [x for x in k["text"].to_pylist() if x]
    for n, sep in enumerate(("", " ", "\n")):
        doc, j = "", n * 500
        while len(doc.encode()) < 120_000:
            doc += sep + base[j % len(base)]
            j += 1
        ids.append(f"long-{n}")
        texts.append(doc)
    return ids, texts


def main() -> None:
    from datatrove.utils.text import split_into_sentences
    from datatrove.utils.word_tokenizers import load_word_tokenizer

    ids, texts = ja_rows(EVAL)
    tok = load_word_tokenizer("ja")
    words = [tok.word_tokenize(x) for x in texts]
    sents = [split_into_sentences(x, "ja") for x in texts]
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "ja_datatrove_token_hashes.bin").write_bytes(b"".join(digest(t) for t in words))
    (OUT / "ja_datatrove_sentence_hashes.bin").write_bytes(b"".join(digest(t) for t in sents))
    ref = {p: version(p) for p in ("datatrove", "spacy", "sudachipy", "sudachidict-core")}
    (OUT / "ja_tokens_head.json").write_text(
        json.dumps({"reference": ref, "rows": len(ids), "head": words[:300]}, ensure_ascii=False)
    )
    print(f"{len(ids)} ja rows -> {OUT}")


if __name__ == "__main__":
    main()
