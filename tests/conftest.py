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


# Parity tests add lines here; they are printed at the end of every run, pass or fail, so the
# agreement figures and each disagreement are always visible.
REPORT: list[str] = []


def pytest_terminal_summary(terminalreporter, exitstatus, config):  # type: ignore[no-untyped-def]
    if REPORT:
        terminalreporter.section("parity report")
        for line in REPORT:
            terminalreporter.write_line(line)
