"""Golden jieba segmentations for tests/test_jieba_parity.py: ``jieba.cut(text)`` (jieba 0.42.1,
accurate mode, HMM on) of every zh row of eval_data: zh_reviews_chinesenlpcorpus and the pages
of web_html_extracted whose fastText LID-176 reference label is zh. Stored compactly: per row an
8-byte blake2b of the tokens joined by U+0001 (zh_token_hashes.bin, in row order), plus the
full tokens of the first 300 rows for readable diffs (zh_tokens_head.json). The same for
datatrove 0.10.1's ``load_word_tokenizer("cmn").word_tokenize`` (spaCy zh with the jieba
segmenter): cmn_datatrove_token_hashes.bin; and for ``"zh"``, which datatrove maps to spaCy's
``xx`` tokenizer: zh_datatrove_token_hashes.bin. Sentence pieces of datatrove's
``split_into_sentences(text, language)`` for both: {cmn,zh}_datatrove_sentence_hashes.bin.

usage: python scripts/gen_golden_jieba.py [EVAL_DATA_DIR]   (needs jieba)
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq

REPO = Path(__file__).resolve().parent.parent
EVAL = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO.parent / "shared" / "eval_data"
OUT = REPO / "tests" / "golden" / "jieba"


def language_rows(eval_dir: Path, corpus: str, lang: str) -> tuple[list[str], list[str]]:
    """(ids, texts) of one language, in a fixed order: every non-empty row of ``corpus``, then
    the web_html_extracted pages whose fastText LID-176 reference label is ``lang``."""
    r = pq.read_table(eval_dir / corpus, columns=["id", "text"])
    w = pq.read_table(
        eval_dir / "web_html_extracted.parquet", columns=["id", "text", "ref_lang_fasttext176"]
    )
    w = w.filter(pc.equal(w["ref_lang_fasttext176"], lang))
    ids, texts = [], []
    for t in (r, w):
        for i, x in zip(t["id"].to_pylist(), t["text"].to_pylist()):
            if x:
                ids.append(i)
                texts.append(x)
    return ids, texts


def zh_rows(eval_dir: Path) -> tuple[list[str], list[str]]:
    """(ids, texts) of the zh rows, in a fixed order."""
    return language_rows(eval_dir, "zh_reviews_chinesenlpcorpus.parquet", "zh")


def digest(tokens: list[str]) -> bytes:
    return hashlib.blake2b("\x01".join(tokens).encode(), digest_size=8).digest()


def main() -> None:
    import jieba

    jieba.setLogLevel(60)
    ids, texts = zh_rows(EVAL)
    toks = [list(jieba.cut(x)) for x in texts]
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "zh_token_hashes.bin").write_bytes(b"".join(digest(t) for t in toks))
    (OUT / "zh_tokens_head.json").write_text(
        json.dumps(
            {
                "reference": f"jieba {jieba.__version__} cut(text)",
                "rows": len(ids),
                "head": toks[:300],
            },
            ensure_ascii=False,
        )
    )
    # datatrove's "cmn" word tokenizer (spaCy zh with the jieba segmenter), same rows.
    from datatrove.utils.text import split_into_sentences
    from datatrove.utils.word_tokenizers import load_word_tokenizer

    for lang in ("cmn", "zh"):
        tok = load_word_tokenizer(lang)
        dt = [tok.word_tokenize(x) for x in texts]
        (OUT / f"{lang}_datatrove_token_hashes.bin").write_bytes(b"".join(digest(t) for t in dt))
        sents = [split_into_sentences(x, lang) for x in texts]
        (OUT / f"{lang}_datatrove_sentence_hashes.bin").write_bytes(
            b"".join(digest(t) for t in sents)
        )
    print(f"{len(ids)} zh rows -> {OUT}")


if __name__ == "__main__":
    main()
