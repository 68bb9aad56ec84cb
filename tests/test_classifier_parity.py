"""fastText training in qfast's core on DCLM's human-annotated documents: 5-fold
cross-validated ROC-AUC next to the fasttext package trained with the same hyperparameters on
the same folds (golden file from scripts/gen_golden_classifier.py), and the .bin qfast writes
predicts the same labels and probabilities in fasttext as in qfast."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pyarrow as pa
import pytest
from conftest import GOLDEN, REPO, REPORT

import qfast
from qfast.errors import ConfigError

sys.path.insert(0, str(REPO / "scripts"))
from gen_golden_classifier import HPARAMS, auc, documents, folds, one_line  # noqa: E402

REF = json.loads((GOLDEN / "classifier" / "fasttext_folds.json").read_text())


def test_cross_validated_auc_next_to_fasttext(eval_data: Path, tmp_path: Path) -> None:
    texts, labels = documents(eval_data)
    ours = []
    for k, test in enumerate(folds(len(texts))):
        train = sorted(set(range(len(texts))) - set(test))
        m = qfast.train_fasttext(
            pa.table({"text": [texts[i] for i in train]}),
            [labels[i] for i in train],
            tmp_path / f"f{k}.bin",
            threads=1,
            seed=0,
            **HPARAMS,
        )
        probs = m.predict(pa.array([texts[i] for i in test]), k=None)
        scores = [dict(zip(r["labels"], r["probs"])).get("1", 0.0) for r in probs.to_pylist()]
        ours.append(auc(scores, [labels[i] for i in test]))
    mine, theirs = sum(ours) / len(ours), sum(REF["fasttext_fold_auc"]) / len(ours)
    REPORT.append(
        f"classifier 5-fold ROC-AUC on DCLM human quality: qfast {mine:.4f} "
        f"{[round(a, 4) for a in ours]}, fasttext {theirs:.4f} "
        f"{[round(a, 4) for a in REF['fasttext_fold_auc']]}, difference {mine - theirs:+.4f}"
    )
    assert abs(mine - theirs) <= 0.01


def test_saved_bin_predicts_the_same_in_fasttext(eval_data: Path, tmp_path: Path) -> None:
    texts, labels = documents(eval_data)
    train = sorted(set(range(len(texts))) - set(folds(len(texts))[0]))
    path = tmp_path / "fold0.bin"
    m = qfast.train_fasttext(
        pa.table({"text": [texts[i] for i in train]}),
        [labels[i] for i in train],
        path,
        threads=1,
        seed=0,
        **HPARAMS,
    )
    assert hashlib.sha256(path.read_bytes()).hexdigest() == REF["qfast_fold0_bin_sha256"], (
        "training changed: rerun scripts/gen_golden_classifier.py"
    )
    # The strings fasttext was given (it takes one line; newlines become spaces).
    got = m.predict(pa.array([one_line(t) for t in texts]), k=None).to_pylist()
    same = 0
    for g, (labs, probs) in zip(got, REF["fasttext_predictions_of_qfast_bin"]):
        want = [x.removeprefix("__label__") for x in labs]
        if g["labels"] == want and g["probs"] == pytest.approx(probs, abs=1e-6):
            same += 1
    REPORT.append(
        f"qfast-trained .bin: {same}/{len(texts)} predictions identical in fasttext and qfast"
    )
    assert same == len(texts)


def test_threads_and_bad_input(tmp_path: Path) -> None:
    t = pa.table({"text": ["good film", "bad film", "great movie", "awful movie"] * 10})
    labs = ["pos", "neg", "pos", "neg"] * 10
    m = qfast.train_fasttext(t, labs, tmp_path / "m.bin", dim=8, epoch=50, lr=0.5, threads=2)
    assert m.predict(pa.array(["great film"])).to_pylist()[0]["labels"] == ["pos"]
    with pytest.raises(ConfigError, match="loss"):
        qfast.train_fasttext(t, labs, tmp_path / "x.bin", loss="hs")
    with pytest.raises(ConfigError, match="label lists"):
        qfast.train_fasttext(t, labs[:3], tmp_path / "x.bin")
    c = qfast.train_classifier(
        pa.array(["good film", "great movie"] * 5),
        pa.array(["bad film", "awful"] * 5),
        tmp_path / "c.bin",
        epoch=30,
        lr=0.5,
        dim=8,
    )
    assert set(c.labels) == {"pos", "neg"}
