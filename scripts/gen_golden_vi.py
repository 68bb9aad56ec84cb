"""Golden Vietnamese word and sentence splits for tests/test_vi_parity.py: datatrove 0.10.1's
``load_word_tokenizer("vi")`` (``SpaCyTokenizer("vi")``: spaCy 3.8's Vietnamese tokenizer, whose
words come from pyvi 0.1.1's CRF, plus spaCy's sentencizer) on

- every ``lang == "vi"`` row of langid_lingua_testdata (2,836 rows, by id),
- three long documents (ids ``long-*``): lingua rows joined by ``"\\n"``, by ``" "`` and 3,000
  two- and three-syllable entries of pyvi's ``words.txt`` drawn with a fixed seed, joined by
  spaces and punctuation,
- 1,000 random strings (ids ``fuzz-*``, fixed seed) of ``words.txt`` syllables (also upper- and
  title-cased) mixed with the syllabifier's special pieces (abbreviations, ``==>``, ``...``,
  URLs, e-mails, numbers), Unicode digits, decomposed diacritics, titlecase and Greek letters,
  whitespace of every kind, NUL and emoji.

Stored compactly, per row in row order, an 8-byte blake2b (``gen_golden_jieba.digest``) of the
words (vi_datatrove_token_hashes.bin), of ``split_into_sentences(text, "vi")``
(vi_datatrove_sentence_hashes.bin) and of datatrove's MinHash shingles with ``language="vi"``
(vi_datatrove_minhash_hashes.bin); vi_tokens_head.json records the reference versions, the
sha256 of pyvi's two data files and the words of the first 300 rows for readable diffs.

usage: python scripts/gen_golden_vi.py [EVAL_DATA_DIR]
       (needs datatrove==0.10.1 spacy==3.8.18 pyvi==0.1.1: the [bench] extra)
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
import tempfile
from importlib.metadata import version
from importlib.util import find_spec
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq
from gen_golden_jieba import digest

REPO = Path(__file__).resolve().parent.parent
ARGS = [a for a in sys.argv[1:] if not a.startswith("--")]
EVAL = Path(ARGS[0]) if ARGS else REPO.parent / "shared" / "eval_data"
OUT = REPO / "tests" / "golden" / "vi"


def pyvi_file(name: str) -> Path:
    """A file of the installed pyvi's ``models/`` (found without importing pyvi)."""
    spec = find_spec("pyvi")
    assert spec is not None and spec.submodule_search_locations, "pyvi is not installed"
    return Path(list(spec.submodule_search_locations)[0]) / "models" / name


def ngrams() -> list[str]:
    """The two- and three-syllable lines of pyvi's words.txt, sorted."""
    lines = pyvi_file("words.txt").read_text(encoding="utf-8").split("\n")
    return sorted(x for x in lines if len(x.split(" ")) in (2, 3))


def vi_rows(eval_dir: Path) -> tuple[list[str], list[str]]:
    """(ids, texts): the vi rows of langid_lingua_testdata, the long documents, the fuzz
    strings. Deterministic."""
    t = pq.read_table(eval_dir / "langid_lingua_testdata.parquet", columns=["id", "text", "lang"])
    t = t.filter(pc.equal(t["lang"], "vi"))
    ids, texts = t["id"].to_pylist(), t["text"].to_pylist()
    ids, texts = (
        [i for i, x in zip(ids, texts) if x is not None],
        [x for x in texts if x is not None],
    )
    base = list(texts)
    for n, sep in enumerate(("\n", " ")):
        ids.append(f"long-{n}")
        texts.append(sep.join(base[n * 600 : n * 600 + 600]))
    grams = ngrams()
    rng = random.Random(7)
    ids.append("long-2")
    texts.append(
        "".join(
            rng.choice(grams) + rng.choice([" ", " ", " ", ", ", ". ", "\n"]) for _ in range(3000)
        )
    )
    for n, x in enumerate(fuzz_texts(grams)):
        ids.append(f"fuzz-{n:04d}")
        texts.append(x)
    return ids, texts


FUZZ_ATOMS = [
    " ",
    "  ",
    "\n",
    "\r\n",
    "\t",
    "\u00a0",
    "\u3000",
    "\x1c",
    "\u200b",
    "\x00",
    *".,:;!?-_\"'()[]%/",
    "TP.",
    "Tp.",
    "Mr.",
    "Mrs.",
    "ThS.",
    "Dr.",
    "ĐH.",
    "A.B.",
    "==>",
    "->",
    "...",
    ">>",
    "....",
    "http://vnexpress.net/a?b=1",
    "ftp://x",
    "abc://",
    "a.b@c.d.e",
    "x@y.",
    "x@y.z.",
    "@",
    "1",
    "23",
    "1.234,5",
    "12_3",
    "4.",
    "²",
    "١٢٣",
    "½",
    "ǅ",
    "ΣΑΣ",
    "ς",
    "İ",
    "ß",
    "e\u0301",
    "Vie\u0323\u0302t",
    "\U0001f60a",
    "\u201c",
    "ABC",
    "xY",
]


def fuzz_texts(grams: list[str], n: int = 1000, seed: int = 11) -> list[str]:
    """Random mixes of words.txt syllables (lower, Title, UPPER) and FUZZ_ATOMS (every tenth
    one longer)."""
    syl = sorted({s for g in grams for s in g.split(" ")})
    rng = random.Random(seed)
    out = []
    for k in range(n):
        parts = []
        for _ in range(rng.randint(0, 400 if k % 10 == 9 else 60)):
            r = rng.random()
            if r < 0.55:
                w = rng.choice(syl)
                c = rng.random()
                w = w.title() if c < 0.2 else w.upper() if c < 0.3 else w
                parts.append(w + (" " if rng.random() < 0.7 else ""))
            else:
                parts.append(rng.choice(FUZZ_ATOMS))
        out.append("".join(parts))
    return out


def sha256(name: str) -> str:
    return hashlib.sha256(pyvi_file(name).read_bytes()).hexdigest()


def main() -> None:
    from datatrove.pipeline.dedup.minhash import MinhashConfig, MinhashDedupSignature
    from datatrove.utils.text import split_into_sentences
    from datatrove.utils.word_tokenizers import load_word_tokenizer

    ids, texts = vi_rows(EVAL)
    tok = load_word_tokenizer("vi")
    words = [tok.word_tokenize(x) for x in texts]
    sents = [split_into_sentences(x, "vi") for x in texts]
    with tempfile.TemporaryDirectory() as tmp:
        mh = MinhashDedupSignature(output_folder=tmp, config=MinhashConfig(), language="vi")
        shingles = [[str(int(v)) for v in mh.get_shingles(x).ravel()] for x in texts]
    OUT.mkdir(parents=True, exist_ok=True)
    for what, rows in (("token", words), ("sentence", sents), ("minhash", shingles)):
        (OUT / f"vi_datatrove_{what}_hashes.bin").write_bytes(b"".join(digest(r) for r in rows))
    ref = {p: version(p) for p in ("datatrove", "spacy", "pyvi", "xxhash")}
    (OUT / "vi_tokens_head.json").write_text(
        json.dumps(
            {
                "reference": ref,
                "tokenizer": f"{type(tok).__name__}({tok.language!r})",
                "sha256": {n: sha256(n) for n in ("words.txt", "pyvi3.pkl")},
                "rows": len(ids),
                "head": words[:300],
            },
            ensure_ascii=False,
        )
    )
    print(f"{len(ids)} vi rows -> {OUT}")


if __name__ == "__main__":
    main()
