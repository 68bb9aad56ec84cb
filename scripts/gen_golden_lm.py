"""Golden KenLM scores for tests/test_lm_parity.py.

qfast trains a 3-gram modified Kneser-Ney model on DCLM's documents (CCNet-normalised lines)
and writes it as ARPA; KenLM's Python module (``kenlm`` 0.3.0) loads that ARPA and scores the
test lines (lingua's English sentences and the lines of web_cc_text_samples, CCNet-normalised)
with ``Model.score(line, bos=True, eos=True)``. The test retrains, checks the ARPA is the same
(its sha256 is recorded here) and compares its own scores with KenLM's.

usage: python scripts/gen_golden_lm.py [EVAL_DATA_DIR]   (needs qfast and kenlm installed)
"""

from __future__ import annotations

import hashlib
import json
import sys
import tempfile
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq

import qfast

REPO = Path(__file__).resolve().parent.parent
EVAL = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO.parent / "shared" / "eval_data"
OUT = REPO / "tests" / "golden" / "lm" / "kenlm_scores.json"


def training_text(eval_dir: Path) -> list[str]:
    t = pq.read_table(eval_dir / "web_dclm_human_quality.parquet", columns=["text"])
    return list(dict.fromkeys(x for x in t["text"].to_pylist() if x))


def scored_lines(eval_dir: Path) -> list[str]:
    lingua = pq.read_table(
        eval_dir / "langid_lingua_testdata.parquet", columns=["text", "lang", "kind"]
    )
    m = pc.and_(pc.equal(lingua["lang"], "en"), pc.equal(lingua["kind"], "sentences"))
    lines = lingua.filter(m)["text"].to_pylist()
    cc = pq.read_table(eval_dir / "web_cc_text_samples.parquet", columns=["text"])[
        "text"
    ].to_pylist()
    lines += [line for doc in cc if doc for line in doc.splitlines()]
    norm = [qfast.ccnet_normalize(x) for x in lines]
    return [x for x in norm if x.split()][:3000]


def main() -> None:
    import kenlm  # the reference: imported here so that the tests can use this module
    import pyarrow as pa

    lm = qfast.NgramLM.train(pa.array(training_text(EVAL)), order=3)
    lines = scored_lines(EVAL)
    with tempfile.TemporaryDirectory() as d:
        arpa = Path(d) / "model.arpa"
        lm.save(arpa)
        digest = hashlib.sha256(arpa.read_bytes()).hexdigest()
        model = kenlm.Model(str(arpa))
        scores = [model.score(x, bos=True, eos=True) for x in lines]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(
        json.dumps(
            {
                "reference": f"kenlm {getattr(kenlm, '__version__', '0.3.0')} Model.score(line, bos=True, eos=True)",
                "arpa_sha256": digest,
                "order": 3,
                "counts": lm.counts,
                "scores": scores,
            }
        )
    )
    print(f"{len(lines)} lines scored by KenLM; model {lm.counts}; -> {OUT}")


if __name__ == "__main__":
    main()
