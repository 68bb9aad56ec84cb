"""Token counts with a Hugging Face ``tokenizers`` tokenizer (``pip install tokenizers``),
encoded in batches by its Rust core, as a signal and a filter."""

from __future__ import annotations

import os
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ._input import text_column
from ._steps import RowStep, reasons
from .errors import ConfigError


def load_tokenizer(tokenizer: Any, who: str) -> Any:
    """A ``tokenizers.Tokenizer`` from one, from a ``transformers`` fast tokenizer (its Rust
    backend), or from the path of a ``tokenizer.json`` (nothing is downloaded)."""
    try:
        from tokenizers import Tokenizer
    except ModuleNotFoundError:  # pragma: no cover
        raise ConfigError(f"{who} needs the 'tokenizers' package: pip install tokenizers") from None
    if isinstance(tokenizer, (str, os.PathLike)):
        if not os.path.isfile(tokenizer):
            raise ConfigError(
                f"tokenizer {os.fspath(tokenizer)!r} is not a file (give a tokenizer.json path)"
            )
        return Tokenizer.from_file(os.fspath(tokenizer))
    backend = getattr(tokenizer, "backend_tokenizer", None)  # transformers' fast tokenizers
    if backend is not None:
        return backend
    if not hasattr(tokenizer, "encode_batch"):
        raise ConfigError(
            f"{type(tokenizer).__name__} is not a tokenizers.Tokenizer or a transformers fast "
            "tokenizer"
        )
    return tokenizer


class TokenCount(RowStep):
    """Counts tokens per row with a ``tokenizers.Tokenizer`` (an object, or the path of a
    ``tokenizer.json``; nothing is downloaded). ``signals`` gives ``token_count`` (null for a
    null text); as a filter it keeps rows with ``min_tokens <= count <= max_tokens`` (either
    bound optional), dropping with reason ``too_few_tokens`` / ``too_many_tokens``.
    ``add_special_tokens`` is passed to the tokenizer (off by default: the text's own tokens).
    """

    name = "token_count"
    reason = "token_count"

    def __init__(
        self,
        tokenizer: Any,
        min_tokens: int | None = None,
        max_tokens: int | None = None,
        add_special_tokens: bool = False,
        batch_size: int = 4096,
    ) -> None:
        tokenizer = load_tokenizer(tokenizer, "TokenCount")
        if batch_size < 1:
            raise ConfigError("batch_size must be >= 1")
        self.tokenizer = tokenizer
        self.min_tokens, self.max_tokens = min_tokens, max_tokens
        self.add_special_tokens = add_special_tokens
        self.batch_size = batch_size

    def signals(self, data: Any, column: str = "text") -> pa.Table:
        _, col = text_column(data, column)
        texts = col.to_pylist()
        counts: list[int | None] = [None] * len(texts)
        idx = [i for i, t in enumerate(texts) if t is not None]
        for at in range(0, len(idx), self.batch_size):
            part = idx[at : at + self.batch_size]
            enc = self.tokenizer.encode_batch(
                [texts[i] for i in part], add_special_tokens=self.add_special_tokens
            )
            for i, e in zip(part, enc):
                counts[i] = len(e.ids)
        return pa.table({"token_count": pa.array(counts, pa.int64())})

    def verdict(self, data: Any, column: str = "text") -> pa.Table:
        n = self.signals(data, column).column("token_count")
        few = pc.less(n, self.min_tokens) if self.min_tokens is not None else pc.equal(n, -1)
        many = pc.greater(n, self.max_tokens) if self.max_tokens is not None else pc.equal(n, -1)
        bad = pc.fill_null(pc.or_(few, many), False)
        keep = pc.and_(pc.is_valid(n), pc.invert(bad))
        reason = reasons(pc.is_null(n), keep, pc.if_else(few, "too_few_tokens", "too_many_tokens"))
        return pa.table({"keep": keep, "reason": reason, "token_count": n})

    def _added_columns(self) -> tuple[str, ...]:
        return ("token_count",)


__all__ = ["TokenCount", "load_tokenizer"]
