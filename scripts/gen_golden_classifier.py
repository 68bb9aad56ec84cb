"""Golden results of the ``fasttext`` package (0.9.2, training build) for
tests/test_classifier_parity.py.

Data: DCLM's human-annotated documents, one per unique text, label ``label_human_quality``;
five folds by a seeded shuffle. For each fold the ``fasttext`` package trains with HPARAMS on the
other four and its ROC-AUC on the fold is recorded (the score is the probability of
``__label__1``). Then qfast trains on fold 0's training part (one thread, deterministic; the
file's sha256 is recorded) and ``fasttext`` loads that ``.bin`` and predicts every document:
the test checks qfast's own predictions with the same file are the same.

usage: python scripts/gen_golden_classifier.py [EVAL_DATA_DIR]   (needs qfast and fasttext)
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

import qfast

REPO = Path(__file__).resolve().parent.parent
EVAL = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO.parent / "shared" / "eval_data"
OUT = REPO / "tests" / "golden" / "classifier" / "fasttext_folds.json"
HPARAMS = {"dim": 50, "epoch": 25, "lr": 0.5, "word_ngrams": 2, "bucket": 200_000, "min_count": 1}
K = 5


def documents(eval_dir: Path) -> tuple[list[str], list[int]]:
    t = pq.read_table(
        eval_dir / "web_dclm_human_quality.parquet", columns=["text", "label_human_quality"]
    )
    seen: dict[str, int] = {}
    for x, y in zip(t["text"].to_pylist(), t["label_human_quality"].to_pylist()):
        if x and y is not None and x not in seen:
            seen[x] = int(y)
    return list(seen), list(seen.values())


def folds(n: int) -> list[list[int]]:
    idx = list(range(n))
    random.Random(20261123).shuffle(idx)
    return [sorted(idx[k::K]) for k in range(K)]


def auc(scores: list[float], labels: list[int]) -> float:
    """ROC-AUC by the rank statistic (ties count one half)."""
    pos = [s for s, y in zip(scores, labels) if y == 1]
    neg = [s for s, y in zip(scores, labels) if y == 0]
    wins = sum((p > q) + 0.5 * (p == q) for p in pos for q in neg)
    return wins / (len(pos) * len(neg))


def one_line(x: str) -> str:
    return " ".join(x.split())


def predict_all(model: object, text: str) -> tuple[list[str], list[float]]:
    """Every label and probability, best first. Through the binding's own ``predict``: the
    wrapper's numpy conversion fails under numpy 2; the wrapper appends the newline too)."""
    pairs = model.f.predict(one_line(text) + "\n", -1, 0.0, "strict")  # type: ignore[attr-defined]
    return [str(lab) for _, lab in pairs], [float(p) for p, _ in pairs]


def train_reference(path: Path) -> object:
    """The ``fasttext`` package trained with HPARAMS on a ``__label__y text`` file, one thread."""
    import fasttext  # the reference: imported here so that the tests can use this module

    return fasttext.train_supervised(
        str(path),
        dim=HPARAMS["dim"],
        epoch=HPARAMS["epoch"],
        lr=HPARAMS["lr"],
        wordNgrams=HPARAMS["word_ngrams"],
        bucket=HPARAMS["bucket"],
        minCount=HPARAMS["min_count"],
        loss="softmax",
        thread=1,
        verbose=0,
        seed=0,
    )


def main() -> None:
    texts, labels = documents(EVAL)
    parts = folds(len(texts))
    ft_aucs = []
    with tempfile.TemporaryDirectory() as d:
        for k, test in enumerate(parts):
            train = sorted(set(range(len(texts))) - set(test))
            path = Path(d) / f"train{k}.txt"
            path.write_text("".join(f"__label__{labels[i]} {one_line(texts[i])}\n" for i in train))
            m = train_reference(path)
            scores = []
            for i in test:
                labs, probs = predict_all(m, texts[i])
                scores.append(dict(zip(labs, probs)).get("__label__1", 0.0))
            ft_aucs.append(auc(scores, [labels[i] for i in test]))
        train = sorted(set(range(len(texts))) - set(parts[0]))
        binp = Path(d) / "qfast.bin"
        qfast.train_fasttext(
            pa.table({"text": [texts[i] for i in train]}),
            [labels[i] for i in train],
            binp,
            threads=1,
            seed=0,
            **HPARAMS,
        )
        digest = hashlib.sha256(binp.read_bytes()).hexdigest()
        import fasttext

        m = fasttext.load_model(str(binp))
        preds = []
        for x in texts:
            preds.append(list(predict_all(m, x)))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(
        json.dumps(
            {
                "reference": "fasttext 0.9.2 train_supervised(loss='softmax', thread=1, seed=0)",
                "hparams": HPARAMS,
                "fasttext_fold_auc": ft_aucs,
                "qfast_fold0_bin_sha256": digest,
                "fasttext_predictions_of_qfast_bin": preds,
            }
        )
    )
    print(f"fasttext fold AUCs {[round(a, 4) for a in ft_aucs]}; {len(preds)} predictions -> {OUT}")


if __name__ == "__main__":
    main()
