"""C4BadWords parity with datatrove 0.10.1's C4BadWordsFilter (golden file from
scripts/gen_golden_badwords.py: the same test word lists, every text row of eval_data through
one filter in a fixed order, keep_fraction=0.3 with seed 7)."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import qfast
from qfast.errors import ConfigError

GOLDEN = Path(__file__).parent / "golden" / "badwords"
EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval_data"
ORDER = [
    ("web_html_extracted", "text"),
    ("web_dclm_human_quality", "text"),
    ("web_cc_text_samples", "text"),
    ("ja_kwdlc_web_leads", "text"),
    ("zh_reviews_chinesenlpcorpus", "text"),
    ("langid_lingua_testdata", "text"),
]


def test_verdicts_and_sampling_match_datatrove_in_order() -> None:
    gold = pq.read_table(GOLDEN / "verdicts.parquet")
    want = dict(zip(gold["pos"].to_pylist(), gold["code"].to_pylist()))
    f = qfast.C4BadWords(
        lists_dir=GOLDEN / "lists", keep_fraction=0.3, fail_on_missing_language=False, seed=7
    )
    got: dict[int, int] = {}
    base = 0
    for stem, column in ORDER:
        t = pq.read_table(EVAL / f"{stem}.parquet", columns=[column, "lang"])
        t = t.rename_columns(["text", "language"])
        codes = f._codes(t, "text")[0].to_pylist()
        for i, c in enumerate(codes):
            if c:
                got[base + i] = c
        base += t.num_rows
    assert base == int(gold.schema.metadata[b"rows"])
    bad = sorted(p for p in set(want) | set(got) if want.get(p) != got.get(p))
    names = {0: "keep", 1: "drop", 2: "kept by sampling", 3: "no list"}
    print(
        f"\nC4BadWords parity: {base - len(bad)}/{base} rows identical "
        f"({sum(c == 1 for c in want.values())} dropped, {sum(c == 2 for c in want.values())} "
        "kept by sampling in datatrove)"
    )
    for p in bad[:50]:
        print(f"  row {p}: datatrove {names[want.get(p, 0)]}, qfast {names[got.get(p, 0)]}")
    assert not bad


def test_reasons_stats_and_missing_language() -> None:
    f = qfast.C4BadWords(lists={"en": ["darn", "two words"], "zh": ["坏"]})
    t = pa.table(
        {
            "text": ["Well, DARN it.", "darnit", "say two words", None, "这很坏", "fine"],
            "language": ["en", "en", None, "en", "zh", "en"],
        }
    )
    v = f.verdict(t)
    assert v["keep"].to_pylist() == [False, True, False, False, False, True]
    assert v["reason"].to_pylist()[:4] == [
        "document_removed_with_badwords",
        None,
        "document_removed_with_badwords",
        "null_text",
    ]
    assert (
        f.stats["documents_with_badwords_en"] == 2
        and f.stats["document_removed_with_badwords_zh"] == 1
    )
    with pytest.raises(ConfigError, match="row 0.*'de'"):
        f.verdict(pa.table({"text": ["x"], "language": ["de"]}))
    lenient = qfast.C4BadWords(lists={"en": ["darn"]}, fail_on_missing_language=False)
    assert lenient.verdict(pa.table({"text": ["darn"], "language": ["de"]}))[
        "keep"
    ].to_pylist() == [True]
    assert lenient.stats["missing_badwords_lang_de"] == 1
    out = qfast.Pipeline([qfast.C4BadWords(lists={"en": ["darn"]})]).run(
        pa.table({"text": ["darn", "ok"]})
    )
    assert out.data["text"].to_pylist() == ["ok"]
    assert out.stats[0]["dropped_document_removed_with_badwords"] == 1


def test_generated_edge_cases_match_datatrove() -> None:
    gold = pq.read_table(GOLDEN / "edge_cases.parquet")
    f = qfast.C4BadWords(lists_dir=GOLDEN / "lists", fail_on_missing_language=False)
    got = f._codes(gold.select(["text", "language"]), "text")[0].to_pylist()
    want = gold["code"].to_pylist()
    bad = [(t, w, g) for t, w, g in zip(gold["text"].to_pylist(), want, got) if w != g]
    print(f"\nC4BadWords edge cases: {len(want) - len(bad)}/{len(want)} identical")
    for t, w, g in bad[:20]:
        print(f"  {t!r}: datatrove {w}, qfast {g}")
    assert not bad
