"""``qfast report OUT``: one self-contained HTML file (inline SVG, no external assets) showing
what a ``qfast run`` did: the funnel of rows and bytes through each step, the drop reasons of
each step, the text-length distribution before and after, the language mix before and after
(when rows carry a ``language`` column), and sampled removed documents per reason."""

from __future__ import annotations

import html
import json
import math
import random
from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .errors import ConfigError

_W = 760
_COLORS = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7"]


def _esc(s: Any) -> str:
    return html.escape(str(s), quote=True)


def _bars(rows: list[tuple[str, float, str]], unit: str) -> str:
    """Horizontal bar chart: (label, value, note)."""
    top = max((v for _, v, _ in rows), default=1) or 1
    h = 26 * len(rows) + 10
    out = [f'<svg class="chart" width="{_W}" height="{h}" role="img">']
    for i, (label, v, note) in enumerate(rows):
        y = 5 + 26 * i
        w = max(1.0, (_W - 330) * v / top)
        out.append(f'<text x="0" y="{y + 15}" font-size="12">{_esc(label)[:38]}</text>')
        out.append(
            f'<rect x="240" y="{y}" width="{w:.1f}" height="18" fill="{_COLORS[i % len(_COLORS)]}"/>'
        )
        out.append(
            f'<text x="{245 + w:.1f}" y="{y + 14}" font-size="11">{v:,.0f} {unit} {_esc(note)}</text>'
        )
    out.append("</svg>")
    return "".join(out)


def _hist(series: dict[str, list[float]], title: str, bins: int = 30) -> str:
    """Overlaid histograms on a log10 x axis (one polyline per series)."""
    vals = [math.log10(v + 1) for xs in series.values() for v in xs]
    if not vals:
        return "<p>(no data)</p>"
    lo, hi = min(vals), max(vals)
    hi = hi if hi > lo else lo + 1
    height = 220
    out = [
        f'<svg class="chart" width="{_W}" height="{height + 40}" role="img"><title>{_esc(title)}</title>'
    ]
    peak = 1
    counts = {}
    for name, xs in series.items():
        c = [0] * bins
        for v in xs:
            c[min(bins - 1, int((math.log10(v + 1) - lo) / (hi - lo) * bins))] += 1
        counts[name] = c
        peak = max(peak, max(c))
    for k, (name, c) in enumerate(counts.items()):
        pts = " ".join(
            f"{40 + i * (_W - 60) / (bins - 1):.1f},{height - (height - 10) * n / peak:.1f}"
            for i, n in enumerate(c)
        )
        color = _COLORS[k % len(_COLORS)]
        out.append(f'<polyline points="{pts}" fill="none" stroke="{color}" stroke-width="2"/>')
        out.append(
            f'<text x="{50 + 200 * k}" y="{height + 35}" font-size="12" fill="{color}">{_esc(name)} ({len(series[name]):,})</text>'
        )
    for i in range(0, bins, max(1, bins // 6)):
        x = 40 + i * (_W - 60) / (bins - 1)
        v = 10 ** (lo + (hi - lo) * i / bins) - 1
        out.append(f'<text x="{x:.1f}" y="{height + 15}" font-size="10">{v:,.0f}</text>')
    out.append("</svg>")
    return "".join(out)


def build(out_dir: Path, column: str = "text", samples: int = 3, seed: int = 0) -> Path:
    """Write ``out_dir/report.html`` from a ``qfast run`` output directory."""
    stats_path = out_dir / "stats.json"
    if not stats_path.is_file():
        raise ConfigError(f"{out_dir} has no stats.json: is it the output of `qfast run`?")
    summary = json.loads(stats_path.read_text())
    steps = summary.get("steps", [])
    kept_files = sorted(out_dir.glob("*.parquet"))
    excl_files = sorted((out_dir / "excluded").glob("*.parquet"))
    kept = (
        pa.concat_tables([pq.read_table(p) for p in kept_files], promote_options="permissive")
        if kept_files
        else None
    )
    excl = (
        pa.concat_tables([pq.read_table(p) for p in excl_files], promote_options="permissive")
        if excl_files
        else None
    )

    def lengths(t: pa.Table | None) -> list[float]:
        if t is None or column not in t.column_names:
            return []
        return [
            float(x)
            for x in pc.utf8_length(t[column].cast(pa.large_string())).to_pylist()
            if x is not None
        ]

    parts = [
        "<!doctype html><html><head><meta charset='utf-8'><title>qfast report</title>",
        "<style>body{font-family:sans-serif;max-width:800px;margin:2em auto;color:#222}"
        "h2{border-bottom:1px solid #ccc}pre{white-space:pre-wrap;background:#f6f6f6;padding:.5em;"
        "font-size:12px;max-height:12em;overflow:auto}table{border-collapse:collapse}"
        "td,th{padding:2px 8px;border-bottom:1px solid #eee;text-align:right}</style></head><body>",
        f"<h1>qfast report</h1><p>{summary.get('files', 0)} input files; output <code>{_esc(out_dir)}</code></p>",
    ]
    # Funnel
    rows, nbytes = [], []
    if steps:
        rows.append(("input", float(steps[0].get("rows_in", 0)), ""))
        nbytes.append(("input", float(steps[0].get("bytes_in", 0)) / 1e6, ""))
    for s in steps:
        rows.append(
            (f"after {s.get('name', '?')}", float(s.get("kept", 0)), f"(-{s.get('dropped', 0):,})")
        )
        nbytes.append((f"after {s.get('name', '?')}", float(s.get("bytes_kept", 0)) / 1e6, ""))
    parts += [
        "<h2>Funnel: rows</h2>",
        _bars(rows, "rows"),
        "<h2>Funnel: bytes</h2>",
        _bars(nbytes, "MB"),
    ]
    # Reasons per step
    parts.append("<h2>Why rows were removed</h2>")
    for s in steps:
        reasons = [
            (k[len("dropped_") :], float(v), "")
            for k, v in s.items()
            if k.startswith("dropped_") and v
        ]
        if reasons:
            parts += [
                f"<h3>{_esc(s.get('name', '?'))}</h3>",
                _bars(sorted(reasons, key=lambda r: -r[1]), "rows"),
            ]
    # Lengths before / after
    before = lengths(kept) + lengths(excl)
    parts += [
        "<h2>Text length (characters), before and after</h2>",
        _hist({"before": before, "after (kept)": lengths(kept)}, "text length"),
    ]
    # Languages (rows removed before a language step have none: then only the kept mix)
    if kept is not None and "language" in kept.column_names:
        k_lang = Counter(kept["language"].to_pylist())
        has_before = excl is not None and "language" in excl.column_names
        b_lang = (
            k_lang + Counter(excl["language"].to_pylist())
            if has_before and excl is not None
            else k_lang
        )
        top = [lang for lang, _ in b_lang.most_common(12)]
        if has_before:
            parts += [
                "<h2>Languages, before and after</h2>",
                "<table><tr><th>language</th><th>before</th><th>after</th></tr>",
            ]
            parts += [
                f"<tr><td>{_esc(lang)}</td><td>{b_lang[lang]:,}</td><td>{k_lang[lang]:,}</td></tr>"
                for lang in top
            ]
        else:
            parts += [
                "<h2>Languages of the kept rows</h2>",
                "<table><tr><th>language</th><th>rows</th></tr>",
            ]
            parts += [f"<tr><td>{_esc(lang)}</td><td>{k_lang[lang]:,}</td></tr>" for lang in top]
        parts.append("</table>")
    # Samples of removed documents
    if excl is not None and excl.num_rows and "qfast_reason" in excl.column_names:
        parts.append("<h2>Sampled removed documents</h2>")
        rng = random.Random(seed)
        by_reason: dict[str, list[int]] = {}
        for i, r in enumerate(excl["qfast_reason"].to_pylist()):
            by_reason.setdefault(r or "?", []).append(i)
        texts = excl[column].to_pylist() if column in excl.column_names else [""] * excl.num_rows
        for reason, idx in sorted(by_reason.items(), key=lambda kv: -len(kv[1])):
            parts.append(f"<h3>{_esc(reason)} ({len(idx):,} rows)</h3>")
            for i in rng.sample(idx, min(samples, len(idx))):
                parts.append(f"<pre>{_esc((texts[i] or '')[:1500])}</pre>")
    parts.append(
        "<script>document.body.dataset.charts = document.querySelectorAll('svg.chart').length;</script>"
        "</body></html>"
    )
    dest = out_dir / "report.html"
    dest.write_text("".join(parts), encoding="utf-8")
    return dest


__all__ = ["build"]
