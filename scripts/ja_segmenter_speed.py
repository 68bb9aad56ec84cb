"""Single-thread speed of Japanese segmenters on the same ja rows (the 5,168 of
benches/test_bench_cjk.py), to put qfast's Sudachi port next to the analyzers themselves rather
than only next to datatrove's spaCy wrapper:

- qfast ``words(language="ja")``: the Sudachi port plus spaCy ``ja``'s token layer;
- SudachiPy 0.7 (its Rust core), split mode A, ``tokenize`` per 40,000-byte chunk, no spaCy;
- MeCab through fugashi with unidic-lite (a UniDic dictionary of the same scale: 71 MB matrix),
  ``-Owakati``, when fugashi and unidic-lite are installed (they are not in any extra:
  ``pip install fugashi unidic-lite`` in a separate venv, as MeCab's dictionary is GPL/LGPL/BSD).

Each row is the best of three passes. A one-off comparison, not part of the bench JSON.

usage: python scripts/ja_segmenter_speed.py [EVAL_DATA_DIR]   (needs the [bench] extra)
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_golden_sudachi import EVAL, ja_rows  # noqa: E402

CHUNK = 40_000  # datatrove's word tokenizer cuts texts into chunks of this many UTF-8 bytes


def chunks(texts: list[str]) -> list[str]:
    """Each text cut at character boundaries into pieces of at most CHUNK bytes (SudachiPy
    refuses inputs over 49,149 bytes)."""
    out = []
    for t in texts:
        b = t.encode()
        while len(b) > CHUNK:
            cut = CHUNK
            while b[cut] & 0xC0 == 0x80:
                cut -= 1
            out.append(b[:cut].decode())
            b = b[cut:]
        out.append(b.decode())
    return out


def best_of_three(run: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - t)
    return best


def main() -> None:
    import pyarrow as pa

    import qfast

    _, texts = ja_rows(EVAL)
    mb = sum(len(t.encode()) for t in texts) / 1e6
    pieces = chunks(texts)
    runs: dict[str, Callable[[], object]] = {}

    qfast.set_num_threads(1)
    col = pa.array(texts, type=pa.large_string())
    qfast.words(col[:10], language="ja")  # loads the dictionary
    runs["qfast words(language='ja')"] = lambda: qfast.words(col, language="ja")

    from sudachipy import Dictionary, SplitMode

    sudachi = Dictionary().tokenizer(mode=SplitMode.A)
    runs["SudachiPy 0.7 mode A"] = lambda: [sudachi.tokenize(p) for p in pieces]

    try:
        import fugashi

        mecab = fugashi.Tagger("-Owakati")
        runs["MeCab (fugashi, unidic-lite)"] = lambda: [mecab.parse(p) for p in pieces]
    except (ImportError, RuntimeError) as e:
        print(f"MeCab skipped: {e}")

    print(f"{len(texts)} ja rows, {mb:.2f} MB, single thread")
    for name, run in runs.items():
        print(f"{name:32} {mb / best_of_three(run):6.2f} MB/s")


if __name__ == "__main__":
    main()
