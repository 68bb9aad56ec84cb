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

from .assessment import Assessment
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


def _lin_hist(xs: list[float], lines: list[tuple[float, str]], title: str, bins: int = 30) -> str:
    """One histogram on a linear axis with vertical threshold lines (value, label)."""
    if not xs:
        return ""
    lo = min([*xs, *(v for v, _ in lines)])
    hi = max([*xs, *(v for v, _ in lines)])
    hi = hi if hi > lo else lo + 1
    height = 160
    c = [0] * bins
    for v in xs:
        c[min(bins - 1, int((v - lo) / (hi - lo) * bins))] += 1
    peak = max(c) or 1
    bw = (_W - 60) / bins
    out = [
        f'<svg class="chart" width="{_W}" height="{height + 40}" role="img"><title>{_esc(title)}</title>'
    ]
    for i, n in enumerate(c):
        h = (height - 10) * n / peak
        out.append(
            f'<rect x="{40 + i * bw:.1f}" y="{height - h:.1f}" width="{max(bw - 1, 1):.1f}" height="{h:.1f}" fill="#4e79a7"/>'
        )
    for v, label in lines:
        x = 40 + (v - lo) / (hi - lo) * (_W - 60)
        out.append(
            f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height}" stroke="#e15759" stroke-width="2"/>'
        )
        out.append(
            f'<text x="{x + 3:.1f}" y="12" font-size="11" fill="#e15759">{_esc(label)} = {v:g}</text>'
        )
    out.append(f'<text x="40" y="{height + 15}" font-size="10">{lo:g}</text>')
    out.append(f'<text x="{_W - 60}" y="{height + 15}" font-size="10">{hi:g}</text>')
    out.append(
        f'<text x="40" y="{height + 32}" font-size="12">{_esc(title)} ({len(xs):,} rows sampled)</text>'
    )
    out.append("</svg>")
    return "".join(out)


def _thresholds(name: str, p: dict[str, Any]) -> dict[str, list[tuple[float, str]]]:
    """Signal column -> threshold lines, from a core filter's parameters."""

    def at(*keys: str) -> list[tuple[float, str]]:
        return [
            (float(p[k]), k)
            for k in keys
            if isinstance(p.get(k), (int, float)) and not isinstance(p.get(k), bool)
        ]

    if name == "gopher_quality":
        return {
            "n_words": at("min_doc_words", "max_doc_words"),
            "avg_word_length": at("min_avg_word_length", "max_avg_word_length"),
            "hash_ratio": at("max_symbol_word_ratio"),
            "ellipsis_ratio": at("max_symbol_word_ratio"),
            "bullet_lines_ratio": at("max_bullet_lines_ratio"),
            "end_ellipsis_lines_ratio": at("max_ellipsis_lines_ratio"),
            "alpha_words_ratio": at("max_non_alpha_words_ratio"),
            "stop_words": at("min_stop_words"),
        }
    if name == "gopher_repetition":
        out = {
            k: at(k)
            for k in ("dup_para_frac", "dup_para_char_frac", "dup_line_frac", "dup_line_char_frac")
        }
        for n, v in p.get("top_n_grams") or []:
            out[f"top_{n}_gram_char_frac"] = [(float(v), f"top_n_grams[{n}]")]
        for n, v in p.get("dup_n_grams") or []:
            out[f"duplicated_{n}_n_grams_char_frac"] = [(float(v), f"dup_n_grams[{n}]")]
        return out
    if name == "c4_quality":
        return {"num_sentences": at("min_num_sentences")}
    if name == "fineweb_quality":
        return {
            "line_punct_ratio": at("line_punct_thr"),
            "short_line_ratio": at("short_line_thr"),
            "char_dup_ratio": at("char_duplicates_ratio"),
            "list_ratio": at("new_line_ratio"),
        }
    return {}


def _signal_section(out_dir: Path, texts: list[str], seed: int) -> list[str]:
    """Histograms of each core filter's signals on a sample of the rows, thresholds drawn."""
    spec_path = out_dir / "pipeline.json"
    if not spec_path.is_file() or not texts:
        return []
    import qfast

    makers = {
        "gopher_quality": qfast.GopherQuality,
        "gopher_repetition": qfast.GopherRepetition,
        "c4_quality": qfast.C4Quality,
        "fineweb_quality": qfast.FineWebQuality,
    }
    sample = random.Random(seed).sample(texts, min(2000, len(texts)))
    arr = pa.array(sample, pa.large_string())
    parts = [
        "<h2>Signals and thresholds</h2>",
        "<p>On a sample of the input rows (kept and removed).</p>",
    ]
    for step in json.loads(spec_path.read_text()):
        name, params = step.get("name"), dict(step.get("params") or {})
        if name not in makers:
            continue
        for k in ("top_n_grams", "dup_n_grams"):
            if k in params:
                params[k] = tuple(tuple(x) for x in params[k])
        if "stop_words" in params and params["stop_words"] is not None:
            params["stop_words"] = tuple(params["stop_words"])
        if "stop_chars" in params and params["stop_chars"] is not None:
            params["stop_chars"] = tuple(params["stop_chars"])
        sig = makers[name](**params).signals(arr)
        parts.append(f"<h3>{_esc(name)}</h3>")
        for col, lines in _thresholds(name, params).items():
            if col in sig.column_names:
                xs = [float(x) for x in sig[col].to_pylist() if x is not None]
                parts.append(_lin_hist(xs, lines, col))
    return parts


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.4g}"
    if isinstance(v, int):
        return f"{v:,}"
    return _esc(v)


def _kv_table(items: list[tuple[str, Any]]) -> str:
    rows = "".join(
        f"<tr><td style='text-align:left'>{_esc(k)}</td><td>{_fmt(v)}</td></tr>" for k, v in items
    )
    return f"<table>{rows}</table>"


def assessment_section(a: Assessment, title: str) -> list[str]:
    """HTML for an :class:`~qfast.Assessment`: one block per dimension."""
    parts = [
        f"<h2>{_esc(title)}</h2>",
        f"<p>{a.rows:,} rows, {a.text_bytes / 1e6:,.1f} MB of text</p>",
    ]
    parts.append("<h3>Distribution</h3>")
    for col, d in a.distribution.items():
        top = list(d["counts"].items())[:12]
        parts.append(
            f"<p><b>{_esc(col)}</b>: {d['distinct']:,} values, entropy {d['entropy_bits']:.3f} bits "
            f"(normalised {d['normalized_entropy']:.3f}), imbalance ratio {d['imbalance_ratio']:,.1f}</p>"
        )
        parts.append(_bars([(str(k), float(v), "") for k, v in top], "rows"))
    parts.append("<h3>Noise</h3>")
    flat = [(k, v) for k, v in a.noise.items() if not isinstance(v, dict)]
    fails = [
        (f"{k.removesuffix('.fail_rate')}: {g}", v)
        for k, v in a.noise.items()
        if isinstance(v, dict)
        for g, v in v.items()
    ]
    parts += [_kv_table(flat), "<p>Share of rows each heuristic would drop, by reason:</p>"]
    parts.append(_kv_table(fails))
    parts.append("<h3>Diversity</h3>")
    parts.append(
        _kv_table(
            [(k, v) for k, v in a.diversity.items() if k != "vocabulary_growth" and v is not None]
        )
    )
    growth = a.diversity.get("vocabulary_growth") or []
    if growth:
        parts.append("<p>Vocabulary growth (tokens seen → distinct words):</p>")
        parts.append(_kv_table([(f"{t:,}", d) for t, d in growth]))
    if a.timeliness is not None:
        parts.append("<h3>Timeliness</h3>")
        t = a.timeliness
        parts.append(_kv_table([(k, v) for k, v in t.items() if not isinstance(v, dict)]))
        years = t.get("rows_by_year") or {}
        if years:
            parts.append(_bars([(str(y), float(n), "") for y, n in years.items()], "rows"))
    parts.append("<h3>Safety</h3>")
    safety = [
        (f"{k}: {g}", v)
        for k, v in a.safety.items()
        if isinstance(v, dict)
        for g, v in v.items()
        if not isinstance(v, dict)
    ]
    safety += [(k, v) for k, v in a.safety.items() if not isinstance(v, dict)]
    parts.append(_kv_table(safety))
    by_lang = [
        (f"{k.removesuffix('_by_language')}: {kind}, {lang}", x)
        for k, v in a.safety.items()
        if k.endswith("_by_language")
        for kind, per in v.items()
        if isinstance(per, dict)
        for lang, x in per.items()
        if x
    ]
    if by_lang:
        parts += ["<p>Per language (non-zero rates):</p>", _kv_table(by_lang)]
    return parts


def build(
    out_dir: Path, column: str = "text", samples: int = 3, seed: int = 0, assess: bool = True
) -> Path:
    """Write ``out_dir/report.html`` from a ``qfast run`` output directory; with ``assess``,
    a section profiles the kept rows with :func:`qfast.assess` (grouped by ``language`` when
    the rows carry it)."""
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
    # Signals with their thresholds
    all_texts = [
        x
        for t in (kept, excl)
        if t is not None and column in t.column_names
        for x in t[column].to_pylist()
        if x is not None
    ]
    parts += _signal_section(out_dir, all_texts, seed)
    if assess and kept is not None and column in kept.column_names and kept.num_rows:
        from .assessment import assess as run_assess

        lang = "language" if "language" in kept.column_names else None
        parts += assessment_section(
            run_assess(kept, column, language=lang, seed=seed),
            "Dataset assessment of the kept rows",
        )
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
