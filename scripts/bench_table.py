"""Writes the benchmark table in README.md (between the bench-table markers) from the JSON
records in benches/results/. Run after `pytest benches`."""

from __future__ import annotations

import json
import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
START, END = "<!-- bench-table:start -->", "<!-- bench-table:end -->"


def _fmt(x: float | None, spec: str) -> str:
    return "—" if x is None else format(x, spec)


def _ratio(x: float | None) -> str:
    # Small ratios (thread and worker scaling) need their decimals.
    return _fmt(x, ".2f" if x is not None and x < 10 else ".0f")


def table() -> str:
    rows = [
        "| bench | step | threads | docs | MB | qfast MB/s | peer | peer MB/s | ratio | peak RSS MB |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for path in sorted((REPO / "benches" / "results").glob("*.json")):
        recs = json.loads(path.read_text())
        if not isinstance(recs, list):
            continue  # not speed records (e.g. minhash_accuracy.json)
        for r in recs:
            mb = r["bytes"] / 1e6
            peer_mb_s = mb / r["peer_s"] if r.get("peer_s") else None
            rows.append(
                f"| {r['bench']} | {r['params'].get('step', '')} | {r['threads']} | {r['docs']} | "
                f"{mb:.2f} | {r['qfast_mb_s']:.1f} | {r.get('peer') or '—'} | "
                f"{_fmt(peer_mb_s, '.2f')} | {_ratio(r.get('ratio'))} | {r['peak_rss_mb']:.0f} |"
            )
    return "\n".join(rows)


def main() -> None:
    readme = REPO / "README.md"
    text = readme.read_text()
    block = f"{START}\n{table()}\n{END}"
    if START in text:
        text = re.sub(re.escape(START) + ".*?" + re.escape(END), block, text, flags=re.S)
    else:
        text += f"\n## Speed\n\n{block}\n"
    readme.write_text(text)
    print(block)


if __name__ == "__main__":
    main()
