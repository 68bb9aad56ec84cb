"""n-gram LM: a modified Kneser-Ney 3-gram trained here on DCLM's documents scores eval_data
English lines exactly as KenLM scores the same ARPA file (golden file from
scripts/gen_golden_lm.py); the model is a proper distribution; CCNet perplexity as a filter."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pyarrow as pa
import pytest
from conftest import GOLDEN, REPO, REPORT

import qfast
from qfast.errors import ModelFileError

sys.path.insert(0, str(REPO / "scripts"))
from gen_golden_lm import scored_lines, training_text  # noqa: E402

REF = json.loads((GOLDEN / "lm" / "kenlm_scores.json").read_text())


@pytest.fixture(scope="module")
def lm(eval_data: Path) -> qfast.NgramLM:
    return qfast.NgramLM.train(pa.array(training_text(eval_data)), order=3)


def test_scores_match_kenlm_on_the_same_arpa(
    lm: qfast.NgramLM, eval_data: Path, tmp_path: Path
) -> None:
    path = tmp_path / "m.arpa"
    lm.save(path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == REF["arpa_sha256"], (
        "training changed: rerun scripts/gen_golden_lm.py"
    )
    lines = scored_lines(eval_data)
    loaded = qfast.NgramLM.load(path)
    ours = loaded.score(pa.array(lines)).to_pylist()
    bad = [(i, a, b) for i, (a, b) in enumerate(zip(ours, REF["scores"])) if abs(a - b) > 1e-4]
    worst = max(abs(a - b) for a, b in zip(ours, REF["scores"]))
    REPORT.append(
        f"LM vs KenLM (same ARPA, {REF['counts']} n-grams): {len(lines) - len(bad)}/{len(lines)} "
        f"lines within 1e-4 log10, largest difference {worst:.2e}"
    )
    REPORT.extend(f"  line {i}: qfast {a} kenlm {b}" for i, a, b in bad[:20])
    assert len(ours) == len(REF["scores"]) and not bad


def test_model_is_a_distribution_and_perplexity_ranks_text(lm: qfast.NgramLM) -> None:
    # Sum of p(w | context) over the vocabulary is 1: check through the scorer with unigram
    # sentences p(w | <s>) * p(</s> | <s> w) is not enough, so use the ARPA's unigrams directly.
    arpa = lm._state.to_arpa()
    uni = arpa.split("\\1-grams:\n")[1].split("\n\n")[0].splitlines()
    total = sum(10 ** float(x.split("\t")[0]) for x in uni if x.split("\t")[1] != "<s>")
    assert abs(total - 1) < 1e-3
    good = "the company said it would report its results for the third quarter next week ."
    bad = "week next quarter third the for results its report would it said company the ."
    p = lm.perplexity(pa.array([good, bad, None, "   "])).to_pylist()
    assert p[0] < p[1] and p[2] is None and p[3] is None
    f = qfast.Perplexity(lm, max_perplexity=(p[0] + p[1]) / 2)
    assert f.verdict(pa.array([good, bad, None]))["reason"].to_pylist() == [
        None,
        "perplexity",
        "null_text",
    ]


def test_bad_arpa_files(tmp_path: Path) -> None:
    p = tmp_path / "bad.arpa"
    p.write_text("\\data\\\nngram 1=3\n\n\\1-grams:\n-1.0\t<unk>\n-99\t<s>\n\\end\\\n")
    with pytest.raises(ModelFileError, match="declares 3 1-grams but lists 2"):
        qfast.NgramLM.load(p)
    p.write_text("\\data\\\nngram 1=1\n\n\\1-grams:\nxx\t<unk>\n\\end\\\n")
    with pytest.raises(ModelFileError, match="line 5: bad probability"):
        qfast.NgramLM.load(p)
    with pytest.raises(ModelFileError):
        qfast.NgramLM.load(tmp_path / "missing.arpa")


def test_per_language_buckets(eval_data: Path) -> None:
    """CCNet's per-language head/middle/tail: with cutoffs at the lowest middle and tail
    perplexities CCNet itself labelled in eval_data, every document gets CCNet's bucket; fitted
    cutoffs are each language's 30th/60th percentiles."""
    import pyarrow.parquet as pq

    t = pq.read_table(eval_data / "web_cc_text_samples.parquet")
    t = t.filter(pa.compute.is_valid(t["ccnet_bucket"]))
    rows = t.select(["lang", "ccnet_perplexity", "ccnet_bucket"]).to_pylist()
    cut: dict[str, tuple[float, float]] = {}
    for lg in {r["lang"] for r in rows}:
        mid = [
            r["ccnet_perplexity"] for r in rows if r["lang"] == lg and r["ccnet_bucket"] == "middle"
        ]
        tail = [
            r["ccnet_perplexity"] for r in rows if r["lang"] == lg and r["ccnet_bucket"] == "tail"
        ]
        cut[lg] = (min(mid + tail + [1e9]), min(tail + [1e9]))
    got = qfast.perplexity_buckets(t["ccnet_perplexity"], t["lang"], cut).to_pylist()
    assert got == t["ccnet_bucket"].to_pylist()
    REPORT.append(f"CCNet buckets: {len(got)}/{len(got)} eval_data documents in CCNet's own bucket")
    fitted = qfast.perplexity_cutoffs([float(i) for i in range(1, 101)], ["en"] * 100)
    assert fitted["en"] == pytest.approx((30.7, 60.4))
    b = qfast.perplexity_buckets([5.0, None, 500.0], ["en", "en", "xx"], {"en": (10.0, 100.0)})
    assert b.to_pylist() == ["head", None, None]
