"""Chinese and Japanese filtering: datatrove 0.10.1 and qfast with the same ``language=`` on the
same rows of eval_data, single thread, in one run.

Run: `pip install ".[bench]" && pytest benches/test_bench_cjk.py -p no:cacheprovider`.
Records land in benches/results/cjk.json: the FineWeb chain and the word tokenizer for
``language="cmn"`` (spaCy zh + jieba in datatrove, jieba in core here), ``"zh"`` (datatrove's
choice for bare "zh": spaCy xx) on zh rows, and ``"ja"`` (spaCy ja over SudachiPy in datatrove,
the Sudachi port in core here) on the ja rows. For scale, ``words(language="ja")`` is also timed
against the analyzers themselves, without datatrove or spaCy: SudachiPy's own Rust core (split
mode A) and MeCab through fugashi with unidic-lite, a UniDic dictionary of the same scale (both
from the [bench] extra)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

import pyarrow as pa
import pytest

import qfast

pytest.importorskip("datatrove")
pytest.importorskip("jieba")
pytest.importorskip("sudachipy")
import langbench  # noqa: E402
from datatrove.utils.word_tokenizers import load_word_tokenizer  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
from conftest import EVAL_DATA  # noqa: E402
from gen_golden_jieba import zh_rows  # noqa: E402
from gen_golden_sudachi import ja_rows  # noqa: E402

ROWS = 20_000  # of the 82,551 zh rows: datatrove takes ~2 min for these with jieba
LANGUAGES = ["cmn", "zh", "ja"]


@pytest.fixture(scope="module")
def rows() -> dict[str, list[str]]:
    _, zh = zh_rows(EVAL_DATA)
    # the reviews are short; keep every zh web page (long) and fill up with reviews
    zh.sort(key=len, reverse=True)
    _, ja = ja_rows(EVAL_DATA)  # all 5,168 (incl. three ~120 kB documents)
    return {"cmn": zh[:ROWS], "zh": zh[:ROWS], "ja": ja}


@pytest.mark.parametrize("language", LANGUAGES)
def test_fineweb_chain_side_by_side(language, rows, recorder) -> None:  # type: ignore[no-untyped-def]
    texts = rows[language]
    load_word_tokenizer(language).word_tokenize("预热一下分词器。")
    peer_kept = 0

    def peer() -> None:
        nonlocal peer_kept
        peer_kept = langbench.datatrove_chain(texts, language)

    peer_s = langbench.time_it(peer)
    qfast.set_num_threads(1)
    col = pa.array(texts, type=pa.large_string())
    p = qfast.Pipeline.fineweb(language=language)
    p.run(col)  # warm-up: loads the dictionary once per process
    qfast_s = min(langbench.time_it(lambda: p.run(col)) for _ in range(3))
    assert len(p.run(col).data) == peer_kept  # same decisions on these rows
    recorder.side_by_side(
        "cjk",
        len(texts),
        sum(len(t.encode()) for t in texts),
        qfast_s,
        f"datatrove-0.10.1 language={language}",
        peer_s,
        {"step": f"Pipeline.fineweb(language={language!r})", "kept": peer_kept},
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_word_tokenizer_side_by_side(language, rows, recorder) -> None:  # type: ignore[no-untyped-def]
    texts = rows[language]
    tok = load_word_tokenizer(language)
    tok.word_tokenize("预热一下分词器。")
    peer_s = langbench.time_it(lambda: [tok.word_tokenize(t) for t in texts])
    qfast.set_num_threads(1)
    col = pa.array(texts, type=pa.large_string())
    qfast.words(col[:10], language=language)
    qfast_s = min(langbench.time_it(lambda: qfast.words(col, language=language)) for _ in range(3))
    recorder.side_by_side(
        "cjk",
        len(texts),
        sum(len(t.encode()) for t in texts),
        qfast_s,
        f"datatrove-0.10.1 word_tokenize language={language}",
        peer_s,
        {"step": f"words(language={language!r})"},
    )


def _chunks(texts: list[str], limit: int = 40_000) -> list[str]:
    """Texts cut at character boundaries into pieces of at most `limit` UTF-8 bytes
    (datatrove's chunk size for Japanese; SudachiPy refuses inputs over 49,149 bytes). Only the
    three ~120 kB documents are cut."""
    out = []
    for t in texts:
        b = t.encode()
        while len(b) > limit:
            cut = limit
            while b[cut] & 0xC0 == 0x80:
                cut -= 1
            out.append(b[:cut].decode())
            b = b[cut:]
        out.append(b.decode())
    return out


def _analyzer(name: str) -> tuple[str, Callable[[str], object]]:
    """(peer label, one call over a text) for a Japanese analyzer."""
    if name == "sudachipy":
        from sudachipy import Dictionary, SplitMode

        return (
            f"SudachiPy-{version('sudachipy')} mode A (no spaCy)",
            Dictionary().tokenizer(mode=SplitMode.A).tokenize,
        )
    fugashi = pytest.importorskip("fugashi")
    pytest.importorskip("unidic_lite")
    label = f"MeCab (fugashi-{version('fugashi')}, unidic-lite-{version('unidic-lite')})"
    return f"{label} -Owakati", fugashi.Tagger("-Owakati").parse


@pytest.mark.parametrize("analyzer", ["sudachipy", "mecab"])
def test_ja_words_against_the_analyzers(analyzer, rows, recorder) -> None:  # type: ignore[no-untyped-def]
    texts = rows["ja"]
    pieces = _chunks(texts)
    peer, analyze = _analyzer(analyzer)
    for p in pieces[:10]:  # warm-up
        analyze(p)
    peer_s = min(langbench.time_it(lambda: [analyze(p) for p in pieces]) for _ in range(3))
    qfast.set_num_threads(1)
    col = pa.array(texts, type=pa.large_string())
    qfast.words(col[:10], language="ja")
    qfast_s = min(langbench.time_it(lambda: qfast.words(col, language="ja")) for _ in range(3))
    recorder.side_by_side(
        "cjk",
        len(texts),
        sum(len(t.encode()) for t in texts),
        qfast_s,
        peer,
        peer_s,
        {"step": "words(language='ja')"},
    )
