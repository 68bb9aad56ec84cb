"""Decontamination on real text: evaluation items from eval_data (lingua's English and German
sentences, Chinese reviews, Japanese web leads) are planted into real web documents, verbatim,
re-cased with their punctuation and spacing changed, or as a 13-word slice; every planted
document is found with its span and item (recall 100%), and no clean document is flagged."""

from __future__ import annotations

import json
import pickle
import random
import re
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from conftest import REPORT

import qfast
from qfast.errors import ConfigError, IndexFileError

WORD = re.compile(r"[^\W_]")


@pytest.fixture(scope="module")
def eval_items(eval_data: Path) -> pa.Table:
    lingua = pq.read_table(eval_data / "langid_lingua_testdata.parquet")
    parts = []
    for lang, k in (("en", 400), ("de", 200)):
        m = pc.and_(pc.equal(lingua["lang"], lang), pc.equal(lingua["kind"], "sentences"))
        parts.append(lingua.filter(m).slice(0, k).select(["id", "text"]))
    zh = pq.read_table(eval_data / "zh_reviews_chinesenlpcorpus.parquet", columns=["id", "text"])
    ja = pq.read_table(eval_data / "ja_kwdlc_web_leads.parquet", columns=["id", "text"])
    parts += [zh.slice(0, 200), ja.slice(0, 200)]
    t = pa.concat_tables(
        [p.cast(pa.schema([("id", pa.string()), ("text", pa.string())])) for p in parts]
    )
    return t.filter(pc.is_valid(t["text"]))


@pytest.fixture(scope="module")
def eval_files(eval_items: pa.Table, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The items as a Parquet file and a JSONL file (half each)."""
    d = tmp_path_factory.mktemp("evalsets")
    half = eval_items.num_rows // 2
    pq.write_table(eval_items.slice(0, half), d / "set_a.parquet")
    with (d / "set_b.jsonl").open("w") as f:
        for r in eval_items.slice(half).to_pylist():
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    return [d / "set_a.parquet", d / "set_b.jsonl"]


@pytest.fixture(scope="module")
def train(eval_data: Path) -> list[str]:
    dclm = pq.read_table(eval_data / "web_dclm_human_quality.parquet", columns=["text"])
    web = pq.read_table(eval_data / "web_html_extracted.parquet", columns=["text"])
    texts = [t for t in dclm["text"].to_pylist() + web["text"].to_pylist() if t]
    return list(dict.fromkeys(texts))


def _indexed(text: str) -> bool:
    """Whether the item is long enough to be indexed (>= min_words words)."""
    return qfast.DecontamIndex().add(pa.table({"text": [text]})).stats["skipped_items"] == 0


def _mangle(text: str, rng: random.Random) -> str:
    """Re-cased, punctuation changed, words separated by random whitespace."""
    words = re.findall(r"[^\W_]+", text)
    seps = [rng.choice([" ", "  ", "\n", " - ", ", "]) for _ in words]
    return "".join(w.upper() + s for w, s in zip(words, seps)).strip()


def _slice13(text: str, rng: random.Random) -> str | None:
    words = text.split()
    if len(words) < 20 or not all(re.fullmatch(r"[^\W_]+[.,]?", w) for w in words):
        return None
    i = rng.randrange(0, len(words) - 15)
    return " ".join(words[i : i + 15])


@pytest.fixture(scope="module")
def planted(
    eval_items: pa.Table, train: list[str]
) -> tuple[list[str], dict[int, tuple[str, int, int]]]:
    """Training texts with contamination planted in 240 of them: doc -> (item name, span)."""
    rng = random.Random(20261123)
    items = [(r["id"], r["text"]) for r in eval_items.to_pylist()]
    half = eval_items.num_rows // 2
    # from_files names items <file stem>:<row>:<column>
    names = {
        i: f"set_a:{i}:text" if i < half else f"set_b:{i - half}:text" for i in range(len(items))
    }
    docs = list(train)
    where: dict[int, tuple[str, int, int]] = {}
    for d in rng.sample(range(len(docs)), 240):
        while True:
            k = rng.randrange(len(items))
            text = items[k][1]
            kind = rng.randrange(3)
            piece = text if kind == 0 else _mangle(text, rng) if kind == 1 else _slice13(text, rng)
            if piece and _indexed(piece) and _indexed(text):
                break
        doc = docs[d]
        cuts = [m.end() for m in re.finditer(r"\s", doc)] or [len(doc)]
        at = rng.choice(cuts)
        docs[d] = doc[:at] + "\n" + piece + "\n" + doc[at:]
        first = next(m.start() for m in WORD.finditer(piece))
        last = [m.end() for m in WORD.finditer(piece)][-1]
        start = at + 1 + first
        where[d] = (names[k], start, at + 1 + last)
    return docs, where


def test_every_planted_document_found_and_no_clean_one(
    eval_files: list[Path], planted: Any, tmp_path: Path
) -> None:
    docs, where = planted
    idx = qfast.DecontamIndex.from_files([str(p) for p in eval_files], columns="text")
    st = idx.stats
    assert st["items"] == 1000 and st["grams"] > 10_000
    path = tmp_path / "eval.qdcn"
    idx.save(path)
    loaded = qfast.DecontamIndex.load(path)
    assert loaded.stats == st
    hits = loaded.scan(pa.array(docs)).to_pylist()
    missed, wrong_span, false_pos = [], [], []
    for d, h in enumerate(hits):
        if d in where:
            name, a, b = where[d]
            if not h["contaminated_windows"] or name not in h["contaminated_by"]:
                missed.append((d, name, h["contaminated_by"]))
            elif not any(s["start"] <= a and s["end"] >= b for s in h["contaminated_spans"]):
                wrong_span.append((d, name, (a, b), h["contaminated_spans"]))
        elif h["contaminated_windows"]:
            false_pos.append((d, h["contaminated_by"], h["contaminated_spans"][:2]))
    REPORT.append(
        f"decontamination: {len(where) - len(missed)}/{len(where)} planted documents found "
        f"(spans right in {len(where) - len(missed) - len(wrong_span)}), "
        f"{len(false_pos)} of {len(docs) - len(where)} clean documents flagged; index {st}"
    )
    REPORT.extend(f"  missed {m}" for m in missed)
    REPORT.extend(f"  wrong span {w}" for w in wrong_span)
    REPORT.extend(f"  flagged clean {f}" for f in false_pos)
    assert not missed and not wrong_span and not false_pos


def test_pipeline_step_pickle_and_cli_name(
    eval_items: pa.Table, planted: Any, tmp_path: Path
) -> None:
    docs, where = planted
    idx = qfast.DecontamIndex(n=13).add(eval_items, "text", name="ev", id_column="id")
    idx = pickle.loads(pickle.dumps(idx))
    path = tmp_path / "ev.qdcn"
    idx.save(path)
    p = qfast.Pipeline([qfast.Decontaminate(path)])
    res = p.run(pa.table({"text": docs}))
    dropped = [i for i, k in enumerate(res.verdict["keep"].to_pylist()) if not k]
    assert dropped == sorted(where)
    assert set(res.verdict["reason"].drop_null().to_pylist()) == {"contaminated"}
    assert p.stats[0]["dropped_contaminated"] == len(where)
    from qfast.cli import build_pipeline

    built = build_pipeline([{"decontaminate": {"index": str(path), "max_windows": 0}}])
    assert isinstance(built.steps[0], qfast.Decontaminate)


def test_short_items_nulls_and_bad_input(tmp_path: Path) -> None:
    idx = qfast.DecontamIndex(n=13, min_words=8).add(
        pa.table({"q": ["What is the boiling point of water at sea level?", "Yes.", None]}), "q"
    )
    assert idx.stats == {"items": 2, "short_items": 1, "skipped_items": 1, "grams": 1}
    out = idx.scan(
        pa.array(["Quiz: what is the BOILING point of water, at sea level", "yes", None])
    )
    assert out["contaminated_windows"].to_pylist() == [1, 0, None]
    assert out["contaminated_by"][0].as_py() == ["eval:0:q"]
    v = qfast.Decontaminate(idx).verdict(pa.array(["fine text", None]))
    assert v["reason"].to_pylist() == [None, "null_text"]
    with pytest.raises(ConfigError, match="no column 'question'"):
        idx.add(pa.table({"q": ["x"]}), "question", name="mmlu")
    with pytest.raises(ConfigError, match="min_words <= n"):
        qfast.DecontamIndex(n=0)
    bad = tmp_path / "bad.qdcn"
    idx.save(bad)
    raw = bytearray(bad.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    bad.write_bytes(bytes(raw))
    with pytest.raises(IndexFileError, match="checksum"):
        qfast.DecontamIndex.load(bad)
    with pytest.raises(IndexFileError):
        qfast.Decontaminate(tmp_path / "missing.qdcn")
