"""Shared fixtures: the eval data lives beside the repo in ../shared/eval_data (never copied in)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
EVAL_DATA = Path(os.environ.get("QFAST_EVAL_DATA", REPO.parent / "shared" / "eval_data"))
GOLDEN = REPO / "tests" / "golden"


@pytest.fixture(scope="session")
def eval_data() -> Path:
    if not EVAL_DATA.is_dir():
        pytest.fail(f"eval data not found at {EVAL_DATA} (set QFAST_EVAL_DATA)")
    return EVAL_DATA
