"""Shared fixtures: the eval data lives beside the repo in ../shared/eval_data (never copied in)."""

from __future__ import annotations

import os
from pathlib import Path

import pyarrow as pa
import pytest

REPO = Path(__file__).resolve().parent.parent
EVAL_DATA = Path(os.environ.get("QFAST_EVAL_DATA", REPO.parent / "shared" / "eval_data"))
GOLDEN = REPO / "tests" / "golden"


@pytest.fixture(scope="session")
def eval_data() -> Path:
    if not EVAL_DATA.is_dir():
        pytest.fail(f"eval data not found at {EVAL_DATA} (set QFAST_EVAL_DATA)")
    return EVAL_DATA


@pytest.fixture(scope="session")
def texts(eval_data: Path) -> list[str]:
    """The non-empty texts of DCLM's human-quality web sample."""
    import pyarrow.parquet as pq

    t = pq.read_table(eval_data / "web_dclm_human_quality.parquet", columns=["text"])
    return [x for x in t["text"].to_pylist() if x]


@pytest.fixture(scope="session")
def dclm_unique(eval_data: Path) -> pa.Table:
    """DCLM's web documents (``id``, ``text``, ``label_human_quality``), each text once (the
    ``agreement`` rows repeat ``majority`` ones) and no empty or null text."""
    import pyarrow.parquet as pq

    t = pq.read_table(
        eval_data / "web_dclm_human_quality.parquet", columns=["id", "text", "label_human_quality"]
    )
    seen: set[str] = set()
    keep = []
    for x in t["text"].to_pylist():
        keep.append(bool(x) and x not in seen)
        seen.add(x or "")
    return t.filter(pa.array(keep))


@pytest.fixture(scope="session")
def tokenizer_path(texts: list[str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real HF ``tokenizers`` byte-level BPE (2,000 tokens) trained here on eval_data text and
    saved as tokenizer.json (nothing is downloaded)."""
    pytest.importorskip("tokenizers")
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers

    tok = Tokenizer(models.BPE(unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel()
    tok.train_from_iterator(texts, trainers.BpeTrainer(vocab_size=2000, special_tokens=["[UNK]"]))
    p = tmp_path_factory.mktemp("tok") / "tokenizer.json"
    tok.save(str(p))
    return p


# Parity tests add lines here; they are printed at the end of every run, pass or fail, so the
# agreement figures and each disagreement are always visible.
REPORT: list[str] = []


def pytest_terminal_summary(terminalreporter, exitstatus, config):  # type: ignore[no-untyped-def]
    if REPORT:
        terminalreporter.section("parity report")
        for line in REPORT:
            terminalreporter.write_line(line)
