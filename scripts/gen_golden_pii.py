"""Golden outputs of datatrove 0.10.1's ``PIIFormatter`` (defaults, and
``only_remove_public_ips=False``) for tests/test_pii_parity.py.

1. eval_data: every ``text`` / ``text_main`` row of every file, in a fixed order, through ONE
   formatter instance (its round-robin counters carry across documents). Only rows whose text
   changes are stored: position in that order and an 8-byte BLAKE2b of the output.
2. Generated edge cases (seeded): e-mail and IPv4 look-alikes (leading zeros, 256, private and
   shared ranges, IP-literal domains, dotted runs, Unicode neighbours), stored with their output.

usage: python scripts/gen_golden_pii.py [EVAL_DATA_DIR]
"""

from __future__ import annotations

import hashlib
import random
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from datatrove.pipeline.formatters import PIIFormatter

REPO = Path(__file__).resolve().parent.parent
EVAL = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO.parent / "shared" / "eval_data"
OUT = REPO / "tests" / "golden" / "pii"
# (file, column) in the order the formatter sees them; tests/test_pii_parity.py uses the same.
ORDER = [
    ("web_html_extracted", "text"),
    ("web_html_extracted", "text_main"),
    ("web_dclm_human_quality", "text"),
    ("web_cc_text_samples", "text"),
    ("ja_kwdlc_web_leads", "text"),
    ("zh_reviews_chinesenlpcorpus", "text"),
    ("langid_lingua_testdata", "text"),
]

PIECES = [
    "john.doe@example.com",
    "a@b",
    "x@y.io",
    "weird!#$%&'*+/=?^_`{|}~-@host-name.org",
    "é@x.com",
    "user@[192.168.1.1]",
    "user@[IPv6:fe80]",
    "a@b..com",
    "a@-b.com",
    "first.last@sub.domain.co.uk",
    "8.8.8.8",
    "10.0.0.1",
    "192.168.1.1",
    "100.64.0.1",
    "100.128.0.1",
    "01.2.3.4",
    "1.2.3.04",
    "256.1.1.1",
    "1.2.3.4.5",
    "999.999.999.999",
    "127.0.0.1",
    "192.0.0.9",
    "192.0.2.1",
    "172.16.5.4",
    "172.32.5.4",
    "255.255.255.255",
    "0.0.0.0",
    "203.0.113.9",
    "1.1.1.1",
    "v1.2.3.4",
    "1.2.3.4x",
    "ip:8.8.4.4,",
    "a@8.8.8.8",
    "mail@1.2.3.4.example.com",
    " ",
    "  ",
    "\n",
    ", ",
    ". ",
    "(",
    ")",
    "<",
    ">",
    "é",
    "字",
    "_",
]


def edge_cases(n: int = 6000) -> list[str]:
    rng = random.Random(20261123)
    out = []
    for _ in range(n):
        out.append("".join(rng.choice(PIECES) for _ in range(rng.randint(1, 8))))
    return out


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    f = PIIFormatter()
    pos, hashes = [], []
    i = 0
    for stem, column in ORDER:
        for text in (
            pq.read_table(EVAL / f"{stem}.parquet", columns=[column]).column(column).to_pylist()
        ):
            if text is not None:
                new = f.format(text)
                if new != text:
                    pos.append(i)
                    hashes.append(hashlib.blake2b(new.encode(), digest_size=8).digest())
            i += 1
    pq.write_table(
        pa.table(
            {"pos": pa.array(pos, pa.int32()), "blake2b": pa.array(hashes, pa.binary(8))}
        ).replace_schema_metadata(
            {"generator": "scripts/gen_golden_pii.py", "datatrove": "0.10.1", "rows": str(i)}
        ),
        OUT / "eval_changed.parquet",
        compression="zstd",
    )
    print(f"eval_data: {len(pos)} of {i} rows changed")
    cases = edge_cases()
    default, everything = PIIFormatter(), PIIFormatter(only_remove_public_ips=False)
    pq.write_table(
        pa.table(
            {
                "text": cases,
                "default": [default.format(t) for t in cases],
                "all_ips": [everything.format(t) for t in cases],
            }
        ),
        OUT / "edge_cases.parquet",
        compression="zstd",
    )
    print(f"edge cases: {len(cases)}")


if __name__ == "__main__":
    main()
