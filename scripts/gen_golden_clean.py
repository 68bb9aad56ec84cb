"""Golden outputs for tests/test_clean_parity.py: datatrove 0.10.1's ``SymbolLinesFormatter``
and ftfy 6.3.1's encoding repair, on eval_data.

- symbol lines: every ``text`` row of the files below through datatrove's formatter; stored for
  rows it changes: position and an 8-byte BLAKE2b of the output.
- mojibake: ``ftfy.fix_text`` limited to its encoding fixes (``fix_encoding``,
  ``decode_inconsistent_utf8``, ``restore_byte_a0``; quotes, widths, ligatures, line breaks,
  HTML and normalization off) on (a) the same rows and (b) synthetic mojibake made from the
  non-ASCII rows (UTF-8 bytes decoded as cp1252, as tests/test_clean_parity.py rebuilds them).
  Stored for rows ftfy changes: position and the output's BLAKE2b.

usage: python scripts/gen_golden_clean.py [EVAL_DATA_DIR]
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import ftfy
import pyarrow as pa
import pyarrow.parquet as pq
from datatrove.pipeline.formatters import SymbolLinesFormatter

REPO = Path(__file__).resolve().parent.parent
EVAL = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO.parent / "shared" / "eval_data"
OUT = REPO / "tests" / "golden" / "clean"
FILES = [
    "web_html_extracted",
    "web_dclm_human_quality",
    "web_cc_text_samples",
    "ja_kwdlc_web_leads",
]
CONFIG = ftfy.TextFixerConfig(
    unescape_html=False,
    remove_terminal_escapes=False,
    fix_encoding=True,
    restore_byte_a0=True,
    replace_lossy_sequences=False,
    decode_inconsistent_utf8=True,
    fix_c1_controls=False,
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    fix_surrogates=False,
    remove_control_chars=False,
    normalization=None,
    explain=False,
)


def h(s: str) -> bytes:
    return hashlib.blake2b(s.encode(), digest_size=8).digest()


def mojibake(t: str) -> str | None:
    """UTF-8 bytes read as cp1252 (bytes cp1252 leaves undefined read as latin-1)."""
    if t.isascii():
        return None
    return "".join(
        bytes([b]).decode("cp1252", errors="strict")
        if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
        else chr(b)
        for b in t.encode("utf-8")
    )


def main() -> None:
    texts: list[str] = []
    for stem in FILES:
        texts += [
            t
            for t in pq.read_table(EVAL / f"{stem}.parquet", columns=["text"])
            .column("text")
            .to_pylist()
            if t
        ]
    fmt = SymbolLinesFormatter()
    sym = [(i, h(o)) for i, t in enumerate(texts) if (o := fmt.format(t)) != t]
    synthetic = [m for t in texts if (m := mojibake(t[:2000])) is not None]
    moj_eval = [(i, h(o)) for i, t in enumerate(texts) if (o := ftfy.fix_text(t, CONFIG)) != t]
    moj_syn = [(i, h(o)) for i, t in enumerate(synthetic) if (o := ftfy.fix_text(t, CONFIG)) != t]
    OUT.mkdir(parents=True, exist_ok=True)
    for name, rows in (("symbol_lines", sym), ("ftfy_eval", moj_eval), ("ftfy_synthetic", moj_syn)):
        pq.write_table(
            pa.table(
                {
                    "pos": pa.array([p for p, _ in rows], pa.int32()),
                    "blake2b": pa.array([x for _, x in rows], pa.binary(8)),
                }
            ).replace_schema_metadata(
                {"generator": "scripts/gen_golden_clean.py", "rows": str(len(texts))}
            ),
            OUT / f"{name}.parquet",
            compression="zstd",
        )
        print(name, len(rows))
    print("texts", len(texts), "synthetic", len(synthetic))


if __name__ == "__main__":
    main()
