"""Loading eval_data texts and golden files for the parity tests."""

from __future__ import annotations

import gzip
import json
import lzma
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from conftest import EVAL_DATA, GOLDEN, REPO, REPORT

from qfast import languages


@cache
def texts_by_id(stem: str, column: str) -> dict[str, str | None]:
    t = pq.read_table(EVAL_DATA / f"{stem}.parquet", columns=["id", column])
    return dict(zip(t.column("id").to_pylist(), t.column(column).to_pylist()))


def token_golden() -> tuple[dict[str, Any], list[list[Any]]]:
    with lzma.open(GOLDEN / "spacy_tokens.jsonl.xz", "rt") as f:
        meta = json.loads(f.readline())
        rows = [json.loads(line) for line in f]
    return meta, rows


def decision_files() -> list[tuple[str, Path]]:
    """``(language, golden file)``: ``decisions/`` were made with datatrove's default English,
    ``decisions_<language>/`` with ``language=<language>`` on that language's rows. Golden files
    of a language qfast does not tokenize natively yet (ja while its segmenter is being built)
    are listed by :func:`pending_decision_languages` instead."""
    out = [("en", p) for p in sorted((GOLDEN / "decisions").glob("*.jsonl.gz"))]
    for d in sorted(GOLDEN.glob("decisions_*")):
        lang = d.name.removeprefix("decisions_")
        if languages.is_native(lang):
            out += [(lang, p) for p in sorted(d.glob("*.jsonl.gz"))]
    return out


def pending_decision_languages() -> list[str]:
    """Languages with decision golden files whose tokenizer qfast does not run natively yet."""
    return [
        d.name.removeprefix("decisions_")
        for d in sorted(GOLDEN.glob("decisions_*"))
        if not languages.is_native(d.name.removeprefix("decisions_"))
    ]


def decision_golden(path: Path) -> tuple[dict[str, Any], list[list[Any]]]:
    with gzip.open(path, "rt") as f:
        meta = json.loads(f.readline())
        rows = [json.loads(line) for line in f]
    return meta, rows


def split_parity(label: str, ids: list[str], ours: list[list[str]], golden: Path) -> list[int]:
    """Compare per-row splits (words or sentence pieces) with a golden file of 8-byte digests
    (``scripts/gen_golden_jieba.py: digest``) in row order: report the agreement figure, list
    each differing row, return the indices of the differing rows."""
    if str(REPO / "scripts") not in sys.path:
        sys.path.insert(0, str(REPO / "scripts"))
    from gen_golden_jieba import digest

    raw = golden.read_bytes()
    assert len(raw) == 8 * len(ids), f"{golden.name}: {len(raw) // 8} rows, expected {len(ids)}"
    bad = [i for i, t in enumerate(ours) if digest(t) != raw[8 * i : 8 * i + 8]]
    REPORT.append(
        f"{label}: {len(ids) - len(bad)}/{len(ids)} rows identical ({1 - len(bad) / len(ids):.4%})"
    )
    REPORT.extend(f"  differs: {ids[i]} {'|'.join(ours[i])[:80]!r}" for i in bad[:50])
    return bad
