"""Small fastText models of every loss, and fastText's own predictions with them, for
tests/test_fasttext_models.py.

Trains supervised models with the ``fasttext`` package (bench extra; training needs the full
``fasttext-wheel``/``fasttext-numpy2-wheel`` binding) on eval_data's ``zh_reviews`` / ``ja`` /
English web text (label: the file the text comes from), with softmax, one-vs-all,
negative-sampling and hierarchical-softmax losses, word n-grams and character n-grams; plus
quantized (`.ftz`) versions with and without quantized norms. Predictions (``k=-1``) on held-out
rows (the test rebuilds them from eval_data the same way) are stored as the top label, its
probability and the number of labels returned.

usage: python scripts/gen_golden_fasttext.py [EVAL_DATA_DIR]
"""

from __future__ import annotations

import random
import sys
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

REPO = Path(__file__).resolve().parent.parent
EVAL = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO.parent / "shared" / "eval_data"
OUT = REPO / "tests" / "golden" / "fasttext"
SOURCES = {
    "web": "web_dclm_human_quality",
    "cc": "web_cc_text_samples",
    "ja": "ja_kwdlc_web_leads",
    "zh": "zh_reviews_chinesenlpcorpus",
    "html": "web_html_extracted",
}


def rows(eval_dir: Path) -> list[tuple[str, str]]:
    """(label, text) of the sampled rows, shuffled; the test holds out the second half."""
    out = []
    for label, stem in SOURCES.items():
        texts = [
            t
            for t in pq.read_table(eval_dir / f"{stem}.parquet", columns=["text"])
            .column("text")
            .to_pylist()
            if t
        ]
        out += [(label, " ".join(t.split())[:500]) for t in texts[:1500]]
    random.Random(3).shuffle(out)
    return out


def main() -> None:
    import fasttext  # the reference: imported here so that the test can use rows()

    data = rows(EVAL)
    train, test = data[: len(data) // 2], data[len(data) // 2 :]
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as d:
        tr = Path(d) / "train.txt"
        tr.write_text("".join(f"__label__{lab} {t}\n" for lab, t in train), encoding="utf-8")
        common = dict(
            dim=8,
            epoch=3,
            minCount=20,
            bucket=2000,
            minn=2,
            maxn=4,
            wordNgrams=2,
            verbose=0,
            seed=1,
            thread=1,
        )
        specs = {
            "softmax.bin": dict(loss="softmax"),
            "ova.bin": dict(loss="ova"),
            "ns.bin": dict(loss="ns", neg=3),
            "hs.bin": dict(loss="hs"),
        }
        models = {}
        for name, extra in specs.items():
            m = fasttext.train_supervised(str(tr), **common, **extra)
            m.save_model(str(OUT / name))
            models[name] = m
        for name, qnorm in (("softmax_q.ftz", True), ("hs_q.ftz", False)):
            base = "softmax" if name.startswith("softmax") else "hs"
            m = fasttext.train_supervised(str(tr), **common, loss=base)
            m.quantize(input=str(tr), qnorm=qnorm, cutoff=500, retrain=False, dsub=2)
            m.save_model(str(OUT / name))
            models[name] = m
    texts = [t for _, t in test] + ["", "   ", "unknownwordzz", "__label__web only a label"]
    cols: dict[str, list] = {"model": [], "row": [], "label": [], "prob": [], "n": []}
    for name, m in models.items():
        for i, t in enumerate(texts):
            preds = m.f.predict(t + "\n", -1, 0.0, "strict")
            cols["model"].append(name)
            cols["row"].append(i)
            cols["label"].append(preds[0][1].removeprefix("__label__") if preds else None)
            cols["prob"].append(preds[0][0] if preds else 0.0)
            cols["n"].append(len(preds))
    pq.write_table(
        pa.table(cols),
        OUT / "predictions.parquet",
        compression="zstd",
    )
    for p in sorted(OUT.iterdir()):
        print(p.name, p.stat().st_size)


if __name__ == "__main__":
    main()
