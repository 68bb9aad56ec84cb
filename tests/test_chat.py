"""Chat and instruction data built from real text (lingua sentences as prompts, DCLM documents
as responses), with malformed conversations and repeated prompts planted: per-turn signals,
ChatFilter reasons, dedup by prompt and response-only scoring inside one Pipeline."""

from __future__ import annotations

import random
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

import qfast
from qfast.chat import ChatFilter, ChatSignals, OnColumn, add_turn_columns, to_messages, turns_text
from qfast.errors import ColumnTypeError


@pytest.fixture(scope="module")
def convs(eval_data: Path) -> tuple[pa.Table, dict[int, str]]:
    """300 conversations; planted faults by row: reason expected from ChatFilter."""
    rng = random.Random(11)
    lingua = pq.read_table(
        eval_data / "langid_lingua_testdata.parquet", columns=["text", "lang", "kind"]
    )
    m = pc.and_(pc.equal(lingua["lang"], "en"), pc.equal(lingua["kind"], "sentences"))
    prompts = lingua.filter(m)["text"].to_pylist()[:300]
    docs = [
        t
        for t in pq.read_table(eval_data / "web_dclm_human_quality.parquet", columns=["text"])[
            "text"
        ].to_pylist()
        if t
    ][:300]
    rows: list[list[dict[str, str]] | None] = []
    faults: dict[int, str] = {}
    for i in range(300):
        turns = [{"role": "user", "content": prompts[i]}, {"role": "assistant", "content": docs[i]}]
        if i % 3 == 0:
            turns = [{"role": "system", "content": "You are helpful."}] + turns
        if i % 5 == 0:
            turns += [
                {"role": "user", "content": prompts[(i + 1) % 300]},
                {"role": "assistant", "content": docs[(i + 7) % 300]},
            ]
        rows.append(turns)
    for i in rng.sample(range(300), 40):
        kind = rng.choice(["one_turn", "double_user", "no_answer", "blank", "null"])
        user = [t for t in rows[i] if t["role"] == "user"]  # type: ignore[union-attr]
        if kind == "one_turn":
            rows[i], faults[i] = [user[0]], "too_few_turns"
        elif kind == "double_user":
            rows[i], faults[i] = (
                [user[0], user[0], {"role": "assistant", "content": "ok"}],
                "not_alternating",
            )
        elif kind == "no_answer":
            rows[i] = rows[i][:-1] + [rows[i][-1], {"role": "user", "content": "thanks"}]  # type: ignore[index]
            faults[i] = "no_final_response"
        elif kind == "blank":
            rows[i], faults[i] = [user[0], {"role": "assistant", "content": " \n "}], "empty_turns"
        else:
            rows[i], faults[i] = None, "null_text"
    return pa.table({"id": list(range(300)), "messages": rows}), faults


def test_chat_filter_reasons_and_signals(convs) -> None:  # type: ignore[no-untyped-def]
    t, faults = convs
    v = ChatFilter().verdict(t)
    got = {i: r for i, r in enumerate(v["reason"].to_pylist()) if r is not None}
    assert got == faults
    s = ChatSignals().signals(t).to_pylist()
    for i, row in enumerate(t["messages"].to_pylist()):
        if row is None:
            assert s[i]["n_turns"] is None
            continue
        assert s[i]["n_turns"] == len(row)
        assert s[i]["n_assistant"] == sum(x["role"] == "assistant" for x in row)
        assert s[i]["response_chars"] == sum(
            len(x["content"]) for x in row if x["role"] == "assistant"
        )
        users = [x["content"] for x in row if x["role"] == "user"]
        assert s[i]["prompt_chars"] == (len(users[0]) if users else None)


def test_turn_texts_dedup_by_prompt_and_response_scoring(convs) -> None:  # type: ignore[no-untyped-def]
    t, faults = convs
    # Repeat some prompts in new conversations: they must go, and only they.
    extra = t.filter(pc.is_in(t["id"], pa.array([1, 2, 4, 7, 8])))
    extra = extra.set_column(0, "id", pa.array([1001, 1002, 1004, 1007, 1008]))
    data = add_turn_columns(pa.concat_tables([t, extra]))
    rows = data["messages"].to_pylist()
    resp = data["response"].to_pylist()
    for i, row in enumerate(rows):
        want = "\n\n".join(x["content"] for x in row if x["role"] == "assistant") if row else None
        assert resp[i] == (want or None) or (want == "" and resp[i] is None)
    assert turns_text(data, "user", which="last").to_pylist()[5] == rows[5][-2]["content"]  # type: ignore[index]

    quality = qfast.GopherQuality()
    p = qfast.Pipeline(
        [ChatFilter(), OnColumn(qfast.ExactDedup(), "prompt"), OnColumn(quality, "response")]
    )
    res = p.run(data, column="response")
    reasons = res.verdict["reason"].to_pylist()
    ids = data["id"].to_pylist()
    dup = {i for i, r in enumerate(reasons) if r == "exact_duplicate"}
    assert {ids[i] for i in dup} == {1001, 1002, 1004, 1007, 1008} - {1000 + k for k in faults}
    # Response-only scoring: rows that reached step 2 are kept exactly when Gopher keeps
    # their response text.
    steps = res.verdict["step"].to_pylist()
    reached = [i for i, st in enumerate(steps) if st is None or st == 2]
    direct = quality.verdict(pa.array([resp[i] for i in reached]))["keep"].to_pylist()
    assert [steps[i] is None for i in reached] == direct
    assert 0 < sum(direct) < len(direct)
    assert [s["name"] for s in p.stats] == ["chat", "exact_dedup@prompt", "gopher_quality@response"]


def test_instruction_data_and_bad_columns() -> None:
    t = pa.table(
        {
            "instruction": ["Translate to French", "Name a colour"],
            "input": ["good morning", ""],
            "output": ["bonjour", "red"],
        }
    )
    m = to_messages(t)
    assert turns_text(m, "user").to_pylist() == [
        "Translate to French\n\ngood morning",
        "Name a colour",
    ]
    assert turns_text(m, "assistant").to_pylist() == ["bonjour", "red"]
    assert ChatFilter().verdict(m)["keep"].to_pylist() == [True, True]
    with pytest.raises(ColumnTypeError, match="list of structs"):
        ChatSignals("instruction").signals(t)
