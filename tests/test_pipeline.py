"""Pipeline semantics: chain order, first dropping step decides, C4's rewritten text is what
later steps see and what the output holds, stats per step, composition operators."""

from __future__ import annotations

import pyarrow as pa

import qfast

ARTICLE = (
    "The committee met on Tuesday to review the budget for the coming year.\n"
    "Members discussed the plan and agreed that the new library would open in the spring.\n"
    "Privacy policy and terms of use apply to this page.\n"
    "The mayor said that the project had been delayed by rain, but that work was on schedule.\n"
    "Residents have asked for longer opening hours, and the board will vote on that next month.\n"
    "Funding comes from the city and from a state grant that was approved in March.\n"
    "Click here\n"
    "Officials expect the building to be finished before the end of the summer season."
)


def test_c4_rewrites_text_and_the_output_holds_it() -> None:
    table = pa.table({"id": [7], "text": [ARTICLE]})
    res = qfast.Pipeline([qfast.C4Quality(filter_no_terminal_punct=False)]).run(table)
    assert res.data.num_rows == 1
    out = res.data.column("text")[0].as_py()
    assert "Privacy policy" not in out  # policy line removed
    assert "Click here" not in out  # too few words
    assert out.startswith("The committee met") and out.endswith("summer season.")
    assert res.data.column("id").to_pylist() == [7]
    v = qfast.C4Quality(filter_no_terminal_punct=False).verdict(table)
    assert v.column("text")[0].as_py() == out


def test_first_dropping_step_gives_reason_and_later_steps_do_not_see_the_row() -> None:
    texts = pa.array(["hello world", ARTICLE])
    p = qfast.Pipeline([qfast.GopherRepetition(), qfast.GopherQuality()])
    res = p.run(texts)
    assert res.verdict["reason"].to_pylist()[0] == "top_2_gram"
    assert res.verdict["step"].to_pylist()[0] == 0
    assert res.stats[0]["rows_in"] == 2 and res.stats[0]["dropped_top_2_gram"] == 1
    assert res.stats[1]["rows_in"] == 1
    assert res.stats[0]["bytes_in"] == len("hello world") + len(ARTICLE.encode())
    # stats accumulate over calls
    p.run(texts)
    assert p.stats[0]["rows_in"] == 4


def test_operators_combine_masks() -> None:
    texts = pa.array(["hello world", ARTICLE])
    rep = qfast.GopherRepetition()
    keep_rep = rep.verdict(texts).column("keep").to_pylist()
    inverted = (~rep).verdict(texts)
    assert inverted.column("keep").to_pylist() == [not k for k in keep_rep]
    assert inverted.column("reason").to_pylist()[keep_rep.index(True)] == "not_gopher_repetition"
    both = (rep & qfast.GopherQuality()).verdict(texts).column("keep").to_pylist()
    either = (rep | qfast.GopherQuality()).verdict(texts).column("keep").to_pylist()
    gq = qfast.GopherQuality().verdict(texts).column("keep").to_pylist()
    assert both == [a and b for a, b in zip(keep_rep, gq)]
    assert either == [a or b for a, b in zip(keep_rep, gq)]


def test_array_input_returns_filtered_array() -> None:
    out = qfast.GopherRepetition().filter(pa.array(["hello world", ARTICLE]))
    assert out.to_pylist() == [ARTICLE]
