"""Type stubs for the compiled extension ``qfast._qfast`` (the pyo3 binding of qfast-core)."""

from typing import Any

import pyarrow as pa

__all__ = [
    "__version__",
    "set_num_threads",
    "get_num_threads",
    "words",
    "sentences",
    "run_steps",
    "signals",
]
__version__: str

def set_num_threads(threads: int) -> None:
    """Sets the number of worker threads for later calls (0 = one per CPU)."""

def get_num_threads() -> int:
    """The number of worker threads kernels use."""

def words(data: Any, column: str = "text", tokenizer: str = "spacy") -> pa.Array:
    """Per-row word lists (``list<large_string>``, null for a null row)."""

def sentences(data: Any, column: str = "text", tokenizer: str = "spacy") -> pa.Array:
    """Per-row sentence pieces as datatrove's ``split_into_sentences`` makes them."""

def run_steps(
    data: Any, steps: str, column: str = "text", tokenizer: str = "spacy"
) -> dict[str, Any]:
    """Runs JSON-described steps as a chain: ``keep``, ``reason``, ``step``, ``text``, ``stats``."""

def signals(data: Any, step: str, column: str = "text", tokenizer: str = "spacy") -> pa.RecordBatch:
    """The measured quantities of one leaf step, one column each."""
