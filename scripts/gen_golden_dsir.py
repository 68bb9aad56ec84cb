"""Golden DSIR results of the ``data-selection`` package (1.0.3, ``HashedNgramDSIR``) for
tests/test_dsir_parity.py and the pool benches/test_bench_dsir.py uses.

Target: DCLM's human-annotated high-quality documents (``label_human_quality == 1``, unique
texts). Raw pool: every unique non-empty text of web_html_extracted (whole pages),
web_cc_text_samples and DCLM. The reference fits on all of it (``num_tokens_to_fit="all"``),
with one process so that its virtual shards keep file order, and records per raw document its
log importance weight and length, and its top-k selection (``top_k=True``, no noise).

usage: python scripts/gen_golden_dsir.py [EVAL_DATA_DIR]
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
from data_selection import HashedNgramDSIR

REPO = Path(__file__).resolve().parent.parent
EVAL = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO.parent / "shared" / "eval_data"
OUT = REPO / "tests" / "golden" / "dsir" / "dsir_reference.json"
K = 300


def pool(eval_dir: Path) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(target, raw) as (id, text) lists, unique texts, in a fixed order."""
    seen: set[str] = set()
    raw, target = [], []
    for name in ("web_html_extracted", "web_cc_text_samples", "web_dclm_human_quality"):
        cols = ["id", "text"] + (["label_human_quality"] if "dclm" in name else [])
        for r in pq.read_table(eval_dir / f"{name}.parquet", columns=cols).to_pylist():
            t = r["text"]
            if not t or t in seen:
                continue
            seen.add(t)
            raw.append((r["id"], t))
            if r.get("label_human_quality") == 1:
                target.append((r["id"], t))
    return target, raw


def main() -> None:
    target, raw = pool(EVAL)
    with tempfile.TemporaryDirectory() as d:
        tp, rp = Path(d) / "target.jsonl", Path(d) / "raw.jsonl"
        for path, rows in ((tp, target), (rp, raw)):
            with path.open("w") as f:
                for _, t in rows:
                    f.write(json.dumps({"text": t}) + "\n")
        dsir = HashedNgramDSIR([str(rp)], [str(tp)], cache_dir=str(Path(d) / "cache"), num_proc=1)
        dsir.fit_importance_estimator(num_tokens_to_fit="all")
        dsir.compute_importance_weights()
        weights = np.load(Path(d) / "cache" / "log_importance_weights" / "0.npy")
        lengths = np.load(Path(d) / "cache" / "perexample_metadata" / "0.npy")
        dsir.resample(
            out_dir=str(Path(d) / "out"), num_to_sample=K, cache_dir=str(Path(d) / "c2"), top_k=True
        )
        chosen_texts = {
            json.loads(line)["text"]
            for line in (Path(d) / "out" / "0.jsonl").read_text().splitlines()
        }
    chosen = [i for i, (_, t) in enumerate(raw) if t in chosen_texts]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(
        json.dumps(
            {
                "reference": "data-selection 1.0.3 HashedNgramDSIR(ngrams=2, num_buckets=10000, "
                "min_example_length=100), fit on all tokens, resample(top_k=True)",
                "target_ids": [i for i, _ in target],
                "raw_ids": [i for i, _ in raw],
                "log_weights": [float(w) for w in weights],
                "lengths": [int(n) for n in lengths],
                "k": K,
                "top_k": chosen,
            }
        )
    )
    print(f"{len(target)} target, {len(raw)} raw documents; {len(chosen)} chosen -> {OUT}")


if __name__ == "__main__":
    main()
