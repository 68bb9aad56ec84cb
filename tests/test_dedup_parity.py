"""MinHash parity with datatrove 0.10.1 over every document of eval_data (golden files made by
scripts/gen_golden_minhash.py): simplify_text, shingles and signatures per document, and the set
of documents a full 4-stage MinHash dedup removes."""

from __future__ import annotations

import gzip
import hashlib
import json
from array import array
from functools import cache
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import EVAL_DATA, GOLDEN, REPORT

import qfast

DIR = GOLDEN / "minhash"
META = json.loads((DIR / "meta.json").read_text())
DT = qfast.MinHash.datatrove()


def _u32(b: bytes) -> int:
    return int.from_bytes(hashlib.sha1(b).digest()[:4], "little")


def _golden(key: str, what: str) -> list[int]:
    a = array("I")
    a.frombytes(gzip.open(DIR / f"{key}.{what}.u32.gz").read())
    return a.tolist()


@cache
def _texts(key: str) -> pa.ChunkedArray:
    stem, column = key.split(".")
    return pq.read_table(EVAL_DATA / f"{stem}.parquet", columns=[column]).column(column)


KEYS = list(META["columns"])


def _report(what: str, key: str, same: int, total: int, diffs: list[Any]) -> None:
    REPORT.append(f"minhash {what} {key}: {same}/{total} ({100 * same / max(total, 1):.4f}%)")
    for d in diffs[:20]:
        REPORT.append(f"  differs: {d}")


@pytest.mark.parametrize("key", KEYS)
def test_simplify_text(key: str) -> None:
    col = _texts(key)
    got = qfast.simplify_text(col).to_pylist()
    want = _golden(key, "simplify")
    texts = col.to_pylist()
    diffs = [
        (i, texts[i][:60], g[:60])
        for i, (g, w) in enumerate(zip(got, want))
        if (0 if g is None else _u32(g.encode())) != w
    ]
    _report("simplify_text", key, len(want) - len(diffs), len(want), diffs)
    assert len(got) == len(want)
    assert not diffs, diffs[:5]


@pytest.mark.parametrize("key", KEYS)
def test_shingles_and_signatures(key: str) -> None:
    col = _texts(key)
    texts = col.to_pylist()
    n_want = _golden(key, "nshingles")
    sh_want = _golden(key, "shingles")
    sig_want = _golden(key, "signature")
    sh_diffs = []
    for i, t in enumerate(texts):
        sh = DT.shingles_of(t) if t is not None else []
        got = (len(sh), _u32(array("Q", sh).tobytes()) if sh else 0)
        if got != (n_want[i], sh_want[i]):
            sh_diffs.append((i, t[:60] if t else t, got[0], n_want[i]))
    _report("shingles", key, len(texts) - len(sh_diffs), len(texts), sh_diffs)

    sigs = DT.signatures(col)
    assert sigs.type.list_size == 112
    values = sigs.values.buffers()[1]
    base = sigs.offset * 112 * 8
    sig_diffs = []
    for i in range(len(sigs)):
        if sigs[i].is_valid:
            raw = values[base + i * 896 : base + (i + 1) * 896].to_pybytes()
            got = _u32(raw)
        else:
            got = 0
        if got != sig_want[i]:
            sig_diffs.append((i, texts[i][:60] if texts[i] else texts[i]))
    _report("signature", key, len(texts) - len(sig_diffs), len(texts), sig_diffs)
    assert not sh_diffs, sh_diffs[:5]
    assert not sig_diffs, sig_diffs[:5]


def test_parameters() -> None:
    a, b = DT.parameters()
    assert a[:3] == META["parameters"]["a[0:3]"]
    assert b[:3] == META["parameters"]["b[0:3]"]


def test_full_dedup_removes_what_datatrove_removes() -> None:
    removed = json.loads((DIR / "removed.json").read_text())
    # The stream: files in order, rows in order, each row's columns in order (text, text_main).
    chunks: list[pa.Array] = []
    files: dict[str, list[str]] = {}
    for key in KEYS:
        stem, column = key.split(".")
        files.setdefault(stem, []).append(column)
    for stem in META["files_order"]:
        stem = stem.removesuffix(".parquet")
        cols = [_texts(f"{stem}.{c}").combine_chunks() for c in files[stem]]
        if len(cols) == 1:
            chunks.append(cols[0].cast(pa.large_string()))
        else:
            inter = [t for row in zip(*(c.to_pylist() for c in cols)) for t in row]
            chunks.append(pa.array(inter, type=pa.large_string()))
    stream = pa.chunked_array([c.filter(c.is_valid()) for c in chunks])
    assert len(stream) == removed["n_docs"]

    d = qfast.MinHashDedup(DT, keep="datatrove")
    d.add(stream)
    res = d.result().table
    dup = res.column("is_duplicate").to_pylist()
    root = res.column("cluster_id").to_pylist()
    got = [i for i, x in enumerate(dup) if x]
    want = removed["removed"]
    got_set, want_set = set(got), set(want)
    missing = sorted(want_set - got_set)
    extra = sorted(got_set - want_set)
    want_root = dict(zip(want, removed["removed_root"]))
    root_diffs = [i for i in want if i in got_set and root[i] != want_root[i]]
    REPORT.append(
        f"minhash full dedup: removed {len(got)} vs datatrove {len(want)}; "
        f"same set: {not missing and not extra}; same kept doc per removed doc: "
        f"{len(want) - len(root_diffs)}/{len(want)}"
    )
    for i in (missing + extra)[:20]:
        REPORT.append(f"  differs: stream doc {i} ({'missing' if i in want_set else 'extra'})")
    assert not missing and not extra
    assert not root_diffs
