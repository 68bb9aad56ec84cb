"""PII redaction parity with datatrove 0.10.1's PIIFormatter (golden files from
scripts/gen_golden_pii.py), plus the extra detectors."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

import qfast

GOLDEN = Path(__file__).parent / "golden" / "pii"
EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval_data"
ORDER = [
    ("web_html_extracted", "text"),
    ("web_html_extracted", "text_main"),
    ("web_dclm_human_quality", "text"),
    ("web_cc_text_samples", "text"),
    ("ja_kwdlc_web_leads", "text"),
    ("zh_reviews_chinesenlpcorpus", "text"),
    ("langid_lingua_testdata", "text"),
]


def _h(s: str) -> bytes:
    return hashlib.blake2b(s.encode(), digest_size=8).digest()


def test_eval_data_matches_datatrove_in_order() -> None:
    gold = pq.read_table(GOLDEN / "eval_changed.parquet")
    want = dict(zip(gold["pos"].to_pylist(), gold["blake2b"].to_pylist()))
    f = qfast.PIIFormatter()  # one instance: the round-robin position carries across calls
    got: dict[int, bytes] = {}
    base = 0
    for stem, column in ORDER:
        col = pq.read_table(EVAL / f"{stem}.parquet", columns=[column]).column(column)
        out = f.redact(col)
        for i, (changed, text) in enumerate(
            zip(out["changed"].to_pylist(), out["text"].to_pylist())
        ):
            if changed:
                got[base + i] = _h(text)
        base += len(col)
    rows = int(gold.schema.metadata[b"rows"])
    assert base == rows
    bad = sorted(p for p in set(want) | set(got) if want.get(p) != got.get(p))
    print(
        f"\nPII parity on eval_data: {rows - len(bad)}/{rows} rows identical "
        f"({len(want)} changed by datatrove, {len(got)} by qfast)"
    )
    for p in bad:
        print("  differs at row", p)
    assert not bad
    assert f.stats["rows_changed"] == len(want)


def test_generated_edge_cases_match_datatrove() -> None:
    gold = pq.read_table(GOLDEN / "edge_cases.parquet").to_pydict()
    for column, fmt in (
        ("default", qfast.PIIFormatter()),
        ("all_ips", qfast.PIIFormatter(only_remove_public_ips=False)),
    ):
        out = fmt.format(pa.array(gold["text"])).to_pylist()
        bad = [(t, w, g) for t, w, g in zip(gold["text"], gold[column], out) if w != g]
        print(f"\nPII edge cases ({column}): {len(out) - len(bad)}/{len(out)} identical")
        for t, w, g in bad[:20]:
            print(f"  {t!r}\n    datatrove {w!r}\n    qfast     {g!r}")
        assert not bad


def test_extra_detectors_and_counts() -> None:
    f = qfast.PIIFormatter(
        remove_emails=False,
        remove_ips=False,
        remove_ipv6=True,
        remove_phones=True,
        remove_credit_cards=True,
        remove_ibans=True,
    )
    t = f.redact(
        pa.array(
            [
                "server 2a00:1450:4001:82a::200e and ::1",
                "call +1 (415) 555-2671 today",
                "card 4111-1111-1111-1111, not 4111-1111-1111-1112",
                "IBAN GB82 WEST 1234 5698 7654 32 please",
                None,
                "",
            ]
        )
    )
    assert t["text"].to_pylist()[:4] == [
        "server <IPV6> and ::1",
        "call <PHONE> today",
        "card <CREDIT_CARD>, not 4111-1111-1111-1112",
        "IBAN <IBAN> please",
    ]
    assert t["text"][4].as_py() is None and t["pii_ipv6"][4].as_py() is None
    assert t["pii_ipv6"].to_pylist()[:4] == [1, 0, 0, 0]
    assert t["pii_credit_card"].to_pylist()[2] == 1
    assert t["changed"].to_pylist() == [True, True, True, True, False, False]
    assert f.stats["rows_changed"] == 4 and f.stats["replaced_iban"] == 1


def test_format_keeps_the_input_kind_and_other_columns() -> None:
    table = pa.table({"text": ["a@b.com", "none"], "id": [1, 2]})
    out = qfast.PIIFormatter().format(table)
    assert out.column_names == ["text", "id"] and out["text"].to_pylist() == [
        "email@example.com",
        "none",
    ]
