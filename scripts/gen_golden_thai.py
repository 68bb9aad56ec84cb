"""Golden Thai word, sentence and span splits for tests/test_thai_parity.py: datatrove 0.10.1's
``load_word_tokenizer("th")`` (``ThaiTokenizer``: PyThaiNLP 5.4.0 ``newmm-safe`` words,
``crfcut`` sentences through python-crfsuite 0.9.12) on

- every ``lang == "th"`` row of langid_lingua_testdata (3,000 rows, by id),
- the 37 test vectors of docs/dev/thai-spec.md (ids ``spec-NN``),
- four long synthetic documents (ids ``long-*``): lingua rows joined by ``""`` with their spaces
  removed, by ``"\\n"`` and by ``" "``, and 3,000 dictionary words drawn with a fixed seed and
  joined without spaces. They exercise newmm-safe's chunking (texts of 140+ code points) and
  the places where the sentence splitter's own plain-newmm segmentation differs from the words,
- 1,000 random strings (ids ``fuzz-*``, fixed seed) of dictionary words mixed with Thai letters
  and marks, digits and separators, whitespace of every kind (CR alone, NBSP, U+001C, ZWSP),
  NUL, emoji, ``|`` and ``xxpad``: the corners of the cluster rules, the non-Thai regexes, the
  number rejoining, the CRF attribute strings and the strip rules.

Stored compactly, per row in row order, an 8-byte blake2b (``gen_golden_jieba.digest``) of the
words (th_datatrove_token_hashes.bin), of ``split_into_sentences(text, "th")``
(th_datatrove_sentence_hashes.bin) and of ``span_tokenize`` as ``"start,end"`` strings in code
points (th_datatrove_span_hashes.bin) and of datatrove's MinHash shingles with
``language="th"`` (``MinhashDedupSignature.get_shingles``, default 5-grams, as decimal strings:
th_datatrove_minhash_hashes.bin; datatrove segments ``simplify_text``'s output, which has lost
the Thai vowel and tone marks); th_tokens_head.json records the reference versions, the
sha256 of PyThaiNLP's two data files and the words of the first 300 rows for readable diffs.
Also writes rust/qfast-core/src/thai/testdata/vectors.json (the spec vectors with the words, the
crfcut input tokens, the raw CRF labels, the sentences and the spans) for the Rust unit tests.

usage: python scripts/gen_golden_thai.py [EVAL_DATA_DIR]
       (needs datatrove==0.10.1 pythainlp==5.4.0 python-crfsuite==0.9.12 regex: the [bench] extra)
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import sys
import tempfile
from importlib.metadata import version
from importlib.resources import files
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq
from gen_golden_jieba import digest

REPO = Path(__file__).resolve().parent.parent
EVAL = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO.parent / "shared" / "eval_data"
OUT = REPO / "tests" / "golden" / "thai"
VECTORS = REPO / "rust" / "qfast-core" / "src" / "thai" / "testdata" / "vectors.json"
SPEC = REPO / "docs" / "dev" / "thai-spec.md"


def spec_texts() -> list[str]:
    """The inputs of the spec's test vectors (section 3), in order."""
    lines = SPEC.read_text(encoding="utf-8").splitlines()
    return [json.loads(m.group(1)) for x in lines if (m := re.match(r"^\d+\. text: `(.*)`$", x))]


def dictionary_words() -> list[str]:
    """PyThaiNLP's dictionary entries (as the file lists them; read without importing it)."""
    path = Path(str(files("pythainlp") / "corpus" / "words_th.txt"))
    return [w.strip() for w in path.read_text(encoding="utf-8-sig").splitlines() if w.strip()]


def thai_rows(eval_dir: Path) -> tuple[list[str], list[str]]:
    """(ids, texts): the th rows of langid_lingua_testdata, the spec vectors, then the long
    synthetic documents. Deterministic."""
    t = pq.read_table(eval_dir / "langid_lingua_testdata.parquet", columns=["id", "text", "lang"])
    t = t.filter(pc.equal(t["lang"], "th"))
    ids, texts = t["id"].to_pylist(), t["text"].to_pylist()
    ids, texts = (
        [i for i, x in zip(ids, texts) if x is not None],
        [x for x in texts if x is not None],
    )
    base = list(texts)
    for n, x in enumerate(spec_texts()):
        ids.append(f"spec-{n + 1:02d}")
        texts.append(x)
    for n, (sep, rows) in enumerate((("", 400), ("\n", 600), (" ", 600))):
        parts = base[n * 600 : n * 600 + rows]
        if n == 0:
            parts = [x.replace(" ", "") for x in parts]
        ids.append(f"long-{n}")
        texts.append(sep.join(parts))
    words = sorted(dictionary_words())
    rng = random.Random(7)
    ids.append("long-3")
    texts.append("".join(rng.choice(words) for _ in range(3000)))
    for n, x in enumerate(fuzz_texts(words)):
        ids.append(f"fuzz-{n:04d}")
        texts.append(x)
    return ids, texts


FUZZ_ATOMS = [
    *"กขเแโไีู่้์ัุรยาะๆฯ๑๒",
    " ",
    "  ",
    "\n",
    "\r\n",
    "\r",
    "\t",
    *".,:!?|-",
    "1",
    "23",
    "4.5",
    "a",
    "Bc",
    "@x.y",
    "\u00a0",
    "\u200b",
    "\x00",
    "\x1c",
    "\U0001f60a",
    "\u201c",
    "xxpad",
    "ครับ",
    "นะ",
    "ผม",
    "และ",
]


def fuzz_texts(words: list[str], n: int = 1000, seed: int = 11) -> list[str]:
    """Random mixes of dictionary words and FUZZ_ATOMS (every tenth one longer)."""
    rng = random.Random(seed)
    out = []
    for k in range(n):
        parts = []
        for _ in range(rng.randint(0, 400 if k % 10 == 9 else 60)):
            parts.append(rng.choice(words) if rng.random() < 0.5 else rng.choice(FUZZ_ATOMS))
        out.append("".join(parts))
    return out


def sha256(name: str) -> str:
    path = Path(str(files("pythainlp") / "corpus" / name))
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main() -> None:
    from datatrove.pipeline.dedup.minhash import MinhashConfig, MinhashDedupSignature
    from datatrove.utils.text import split_into_sentences
    from datatrove.utils.word_tokenizers import load_word_tokenizer
    from pythainlp.tokenize import crfcut, word_tokenize

    ids, texts = thai_rows(EVAL)
    tok = load_word_tokenizer("th")
    words = [tok.word_tokenize(x) for x in texts]
    sents = [split_into_sentences(x, "th") for x in texts]
    spans = [[f"{a},{b}" for a, b in tok.span_tokenize(x)] for x in texts]
    with tempfile.TemporaryDirectory() as tmp:
        mh = MinhashDedupSignature(output_folder=tmp, config=MinhashConfig(), language="th")
        shingles = [[str(int(v)) for v in mh.get_shingles(x).ravel()] for x in texts]
    OUT.mkdir(parents=True, exist_ok=True)
    for what, rows in (
        ("token", words),
        ("sentence", sents),
        ("span", spans),
        ("minhash", shingles),
    ):
        (OUT / f"th_datatrove_{what}_hashes.bin").write_bytes(b"".join(digest(r) for r in rows))
    ref = {p: version(p) for p in ("datatrove", "pythainlp", "python-crfsuite", "xxhash")}
    data = {n: sha256(n) for n in ("words_th.txt", "sentenceseg_crfcut.model")}
    (OUT / "th_tokens_head.json").write_text(
        json.dumps(
            {
                "reference": ref,
                "tokenizer": type(tok).__name__,
                "sha256": data,
                "rows": len(ids),
                "head": words[:300],
            },
            ensure_ascii=False,
        )
    )
    vectors = []
    for x in spec_texts():
        crf_in = word_tokenize(x)
        labels = crfcut._tagger.tag(crfcut._extract_features(crf_in)) if crf_in else []
        vectors.append(
            {
                "text": x,
                "words": tok.word_tokenize(x),
                "crf_tokens": crf_in,
                "crf_labels": "".join(labels),
                "sents": tok.sent_tokenize(x),
                "spans": [list(s) for s in tok.span_tokenize(x)],
            }
        )
    VECTORS.write_text(json.dumps(vectors, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"{len(ids)} th rows -> {OUT}; {len(vectors)} vectors -> {VECTORS}")


if __name__ == "__main__":
    main()
