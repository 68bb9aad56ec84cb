"""Instruction and chat data: turn texts, per-conversation signals and checks, and any qfast
step applied to another column (the response only, the prompt only).

A chat column is a list of ``{role, content}`` structs, as HF chat datasets store ``messages``.
Instruction data (``instruction``/``input``/``output`` columns) becomes one with
:func:`to_messages`. Everything here is Arrow compute over the flattened turns, no per-row Python.

>>> t = qfast.chat.add_turn_columns(table)                 # adds `prompt` and `response` # doctest: +SKIP
>>> p = qfast.Pipeline([qfast.chat.ChatFilter(),
...                     qfast.chat.OnColumn(qfast.ExactDedup(), "prompt"),        # dedup by prompt
...                     qfast.chat.OnColumn(qfast.GopherQuality(), "response")])  # score responses
>>> kept = p.run(t, column="response").data                                        # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ._input import as_table
from ._steps import RowStep, reasons
from .errors import ColumnNotFoundError, ColumnTypeError, ConfigError

ROLE_SYSTEM = "system"


def _messages(data: Any, messages: str) -> pa.Array:
    t = as_table(data)
    if messages not in t.column_names:
        raise ColumnNotFoundError(
            f"column {messages!r} not found; available columns: {t.column_names}"
        )
    col = t.column(messages).combine_chunks()
    typ = col.type
    ok = (
        (pa.types.is_list(typ) or pa.types.is_large_list(typ))
        and pa.types.is_struct(typ.value_type)
        and {"role", "content"} <= {f.name for f in typ.value_type}
    )
    if not ok:
        raise ColumnTypeError(
            f"column {messages!r} has type {typ}, expected a list of structs with 'role' and "
            "'content' fields (a chat messages column)"
        )
    return col


def _flat(col: pa.Array) -> tuple[pa.Array, pa.Array, pa.Array]:
    """(row of each turn, role, content) over all turns."""
    flat = pc.list_flatten(col)
    parents = pc.list_parent_indices(col)
    return parents, pc.struct_field(flat, "role"), pc.struct_field(flat, "content")


def _per_row(n: int, parents: pa.Array, values: pa.Array, agg: str, fill: Any) -> pa.Array:
    """``agg`` of ``values`` grouped by row, for every row (``fill`` where a row has none)."""
    if len(parents) == 0:
        return pa.array([fill] * n)  # no turns at all
    # Single-threaded: "first", "last" and "list" need the rows in order.
    g = (
        pa.table({"p": parents, "v": values})
        .group_by("p", use_threads=False)
        .aggregate([("v", agg)])
    )
    # Scatter the group results back to row order: row -> its group's position (or null).
    where = pc.index_in(pa.array(range(n), parents.type), value_set=g.column("p"))
    out = pc.take(g.column(f"v_{agg}"), where)
    out = out.combine_chunks() if isinstance(out, pa.ChunkedArray) else out
    return out if fill is None else pc.fill_null(out, fill)


def turns_text(
    data: Any,
    role: str = "assistant",
    messages: str = "messages",
    which: str = "all",
    sep: str = "\n\n",
) -> pa.Array:
    """Per row, the content of its ``role`` turns: ``all`` joined by ``sep``, or the ``first``
    or ``last`` one; null when the row has none (or null messages)."""
    if which not in ("all", "first", "last"):
        raise ConfigError(f"which must be 'all', 'first' or 'last', got {which!r}")
    col = _messages(data, messages)
    parents, roles, content = _flat(col)
    mask = pc.fill_null(pc.equal(roles, role), False)
    p, c = pc.filter(parents, mask), pc.filter(pc.fill_null(content, ""), mask)
    if which == "all":
        lists = _per_row(len(col), p, c, "list", None)
        return pc.binary_join(lists, sep).cast(pa.large_utf8())
    return _per_row(len(col), p, c, which, None).cast(pa.large_utf8())


def add_turn_columns(
    data: Any, messages: str = "messages", prompt: str = "prompt", response: str = "response"
) -> pa.Table:
    """The table with ``prompt`` (the first user turn) and ``response`` (the assistant turns,
    joined) columns added."""
    t = as_table(data)
    t = t.append_column(prompt, turns_text(t, "user", messages, which="first"))
    return t.append_column(response, turns_text(t, "assistant", messages))


def to_messages(
    data: Any,
    instruction: str = "instruction",
    response: str = "output",
    input: str | None = "input",
    messages: str = "messages",
) -> pa.Table:
    """Instruction data as chat: ``messages`` = a user turn (``instruction``, then ``input``
    after a blank line when present and non-empty) and an assistant turn (``response``)."""
    t = as_table(data)
    for c in (instruction, response, *([input] if input else [])):
        if c not in t.column_names:
            raise ColumnNotFoundError(
                f"column {c!r} not found; available columns: {t.column_names}"
            )
    user = pc.fill_null(t.column(instruction), "")
    if input and input in t.column_names:
        extra = pc.fill_null(t.column(input), "")
        user = pc.if_else(
            pc.equal(extra, ""), user, pc.binary_join_element_wise(user, extra, "\n\n")
        )
    user = user.combine_chunks() if isinstance(user, pa.ChunkedArray) else user
    resp = pc.fill_null(t.column(response), "").combine_chunks()
    n = t.num_rows
    typ = pa.struct([("role", pa.string()), ("content", pa.string())])
    roles = pa.array(["user", "assistant"] * n, pa.string())
    contents = pa.array(
        [x for pair in zip(user.to_pylist(), resp.to_pylist()) for x in pair], pa.string()
    )
    structs = pa.StructArray.from_arrays([roles, contents], fields=list(typ))
    msgs = pa.ListArray.from_arrays(pa.array(range(0, 2 * n + 1, 2), pa.int32()), structs)
    return t.append_column(messages, msgs)


class ChatSignals:
    """Per-conversation signals of a messages column: ``n_turns``, ``n_user``,
    ``n_assistant``, ``n_system``, ``prompt_chars`` (first user turn), ``response_chars``
    (all assistant turns), ``min_turn_chars``, ``empty_turns`` (null or blank content),
    ``alternates`` (user and assistant take turns, after optional system turns at the start)
    and ``ends_with_assistant``. Null for null messages."""

    def __init__(self, messages: str = "messages") -> None:
        self.messages = messages

    def signals(self, data: Any) -> pa.Table:
        col = _messages(data, self.messages)
        n = len(col)
        parents, roles, content = _flat(col)
        chars = pc.fill_null(pc.utf8_length(pc.fill_null(content, "")), 0)
        blank = pc.fill_null(pc.utf8_is_space(content), True)
        blank = pc.or_(blank, pc.equal(pc.fill_null(content, ""), ""))
        valid = pc.is_valid(col)

        def count(mask: Any) -> pa.Array:
            return _per_row(n, pc.filter(parents, mask), pc.filter(parents, mask), "count", 0)

        is_role = {
            r: pc.fill_null(pc.equal(roles, r), False) for r in ("user", "assistant", ROLE_SYSTEM)
        }
        # Alternation: within a row, no two consecutive non-system turns share a role, and no
        # system turn follows another role.
        m = len(parents)
        same_row = pc.equal(parents[1:], parents[: m - 1]) if m > 1 else pa.array([], pa.bool_())
        prev_role, next_role = roles[: m - 1], roles[1:]
        bad_pair = pc.and_(
            same_row,
            pc.or_(
                pc.and_(pc.equal(prev_role, next_role), pc.not_equal(next_role, ROLE_SYSTEM)),
                pc.and_(pc.equal(next_role, ROLE_SYSTEM), pc.not_equal(prev_role, ROLE_SYSTEM)),
            ),
        )
        bad_pair = pc.fill_null(bad_pair, True)
        bad_rows = pc.filter(parents[1:], bad_pair) if m > 1 else pa.array([], pa.int64())
        unknown = pc.invert(
            pc.or_(pc.or_(is_role["user"], is_role["assistant"]), is_role[ROLE_SYSTEM])
        )
        bad = pa.concat_arrays(
            [bad_rows.cast(pa.int64()), pc.filter(parents, unknown).cast(pa.int64())]
        )
        last_role = _per_row(n, parents, roles, "last", None)
        first_user = _per_row(
            n, pc.filter(parents, is_role["user"]), pc.filter(chars, is_role["user"]), "first", None
        )
        resp = _per_row(
            n,
            pc.filter(parents, is_role["assistant"]),
            pc.filter(chars, is_role["assistant"]),
            "sum",
            0,
        )
        cols = {
            "n_turns": pc.list_value_length(col),
            "n_user": count(is_role["user"]),
            "n_assistant": count(is_role["assistant"]),
            "n_system": count(is_role[ROLE_SYSTEM]),
            "prompt_chars": first_user,
            "response_chars": resp,
            "min_turn_chars": _per_row(n, parents, chars, "min", None),
            "empty_turns": count(blank),
            "alternates": pc.invert(pc.is_in(pa.array(range(n), pa.int64()), value_set=bad)),
            "ends_with_assistant": pc.fill_null(pc.equal(last_role, "assistant"), False),
        }
        out = {}
        for k, v in cols.items():
            v = v.combine_chunks() if isinstance(v, pa.ChunkedArray) else v
            out[k] = pc.if_else(valid, v, pa.scalar(None, v.type))
        return pa.table(out)


class ChatFilter(RowStep):
    """Drops malformed or thin conversations, with a reason each: ``too_few_turns`` (fewer
    than ``min_turns``), ``not_alternating``, ``no_final_response`` (last turn not the
    assistant's), ``empty_turns`` (more than ``max_empty_turns`` blank turns),
    ``short_response`` (assistant text under ``min_response_chars``), ``null_text`` for null
    messages. Any check can be switched off (``None`` / ``False``)."""

    name = "chat"
    reason = "chat"

    def __init__(
        self,
        messages: str = "messages",
        min_turns: int | None = 2,
        require_alternation: bool = True,
        require_final_assistant: bool = True,
        max_empty_turns: int | None = 0,
        min_response_chars: int | None = 1,
    ) -> None:
        self.messages = messages
        self.min_turns = min_turns
        self.require_alternation = require_alternation
        self.require_final_assistant = require_final_assistant
        self.max_empty_turns = max_empty_turns
        self.min_response_chars = min_response_chars

    def _pipeline_column(self, column: str) -> str:
        return self.messages

    def verdict(self, data: Any, column: str = "messages") -> pa.Table:
        s = ChatSignals(self.messages).signals(data)
        null = pc.is_null(s["n_turns"])
        checks: list[tuple[str, Any]] = []
        if self.min_turns is not None:
            checks.append(("too_few_turns", pc.less(s["n_turns"], self.min_turns)))
        if self.require_alternation:
            checks.append(("not_alternating", pc.invert(s["alternates"])))
        if self.require_final_assistant:
            checks.append(("no_final_response", pc.invert(s["ends_with_assistant"])))
        if self.max_empty_turns is not None:
            checks.append(("empty_turns", pc.greater(s["empty_turns"], self.max_empty_turns)))
        if self.min_response_chars is not None:
            checks.append(("short_response", pc.less(s["response_chars"], self.min_response_chars)))
        why = pa.nulls(len(null), pa.large_utf8())
        for name, bad in reversed(checks):  # the first failing check names the reason
            why = pc.if_else(pc.fill_null(bad, False), name, why)
        keep = pc.and_(pc.invert(null), pc.is_null(why))
        return pa.table({"keep": keep, "reason": reasons(null, keep, why)})


class OnColumn(RowStep):
    """Runs ``step`` (any filter or pipeline step) on ``column`` instead of the pipeline's
    text column: score only the responses, deduplicate by prompt. Named
    ``<step>@<column>``; its drop reasons are the step's."""

    def __init__(self, step: Any, column: str) -> None:
        from .dedup import ExactDedup, MinHashDedup

        if isinstance(step, MinHashDedup):
            raise ConfigError(
                "OnColumn(MinHashDedup) is not supported: run MinHashDedup on that column"
            )
        self.step, self.column = step, column
        self.name = f"{step.name}@{column}"
        self.reason = getattr(step, "reason", "dropped")
        self._dedup = isinstance(step, ExactDedup)

    def _pipeline_column(self, column: str) -> str:
        return self.column

    def verdict(self, data: Any, column: str = "text") -> pa.Table:
        t = as_table(data)
        if self.column not in t.column_names:
            raise ColumnNotFoundError(
                f"column {self.column!r} not found; available columns: {t.column_names}"
            )
        if self._dedup:
            # Null prompts are never duplicates: they are kept.
            keep = pc.invert(self.step._pipeline_mark(t, self.column))
            return pa.table(
                {"keep": keep, "reason": reasons(pa.array([False] * len(keep)), keep, self.reason)}
            )
        v = self.step.verdict(t, self.column)
        return pa.table({"keep": v.column("keep"), "reason": v.column("reason")})


__all__ = [
    "ChatFilter",
    "ChatSignals",
    "OnColumn",
    "add_turn_columns",
    "to_messages",
    "turns_text",
]
