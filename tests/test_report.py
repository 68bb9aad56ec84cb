"""`qfast report` on a real `qfast run` over eval_data, opened in headless Chromium (Debian's
`chromium`, installed by .ci/run): the charts render (non-empty SVGs, the page's own script
counted them), no console errors, and a screenshot is saved as a test artifact."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval_data"
ARTIFACTS = Path(os.environ.get("QFAST_ARTIFACTS", Path(__file__).parent / ".artifacts"))


def test_report_renders_in_chromium(tmp_path: Path) -> None:
    t = pq.read_table(EVAL / "web_dclm_human_quality.parquet", columns=["id", "text"])
    t = t.filter(pa.compute.is_valid(t["text"]))
    for i in range(3):
        pq.write_table(t.slice(i * 260, 260), tmp_path / f"part{i}.parquet")
    cfg = tmp_path / "p.yaml"
    cfg.write_text(
        "steps:\n  - language: {languages: [en]}\n  - gopher_repetition: {}\n  - gopher_quality: {}\n"
        "  - c4_quality: {filter_no_terminal_punct: false}\n  - fineweb_quality: {}\n"
    )
    out = tmp_path / "out"
    run = [sys.executable, "-m", "qfast.cli"]
    r = subprocess.run(
        [*run, "run", str(cfg), str(tmp_path / "part*.parquet"), "-o", str(out), "--quiet"],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr
    r = subprocess.run([*run, "report", str(out)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    page = out / "report.html"
    src = page.read_text()
    assert not re.search(r"(src|href)=[\"']?(https?:)?//", src)  # self-contained: no remote assets
    assert src.count("<svg") >= 6 and "Sampled removed documents" in src and "<h2>Languages" in src
    # Signal histograms with the thresholds drawn (e.g. gopher_quality's min_doc_words).
    assert (
        "Signals and thresholds" in src
        and "min_doc_words = 50" in src
        and "line_punct_thr = 0.12" in src
    )
    # The assessment of the kept rows, with the figures qfast.assess gives for those rows.
    import qfast
    from qfast.report import _fmt

    kept = pa.concat_tables([pq.read_table(p) for p in sorted(out.glob("*.parquet"))])
    a = qfast.assess(kept, language="language")
    assert "Dataset assessment of the kept rows" in src
    for key in ("distinct_2", "near_duplicate_rate", "heaps_beta"):
        assert f"<td style='text-align:left'>{key}</td><td>{_fmt(a.diversity[key])}</td>" in src
    assert f"<b>language</b>: {a.distribution['language']['distinct']:,} values" in src
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    assert chromium, "chromium is not installed (.ci/run installs Debian's package)"
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0"]
    dom = subprocess.run(
        [chromium, *flags, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120
    )
    assert dom.returncode == 0, dom.stderr[-2000:]
    m = re.search(r'data-charts="(\d+)"', dom.stdout)
    assert m and int(m.group(1)) >= 20, dom.stdout[:500]
    assert len(re.findall(r"<rect ", dom.stdout)) >= 10 and "<polyline" in dom.stdout
    errors = [
        ln
        for ln in dom.stderr.splitlines()
        if "CONSOLE" in ln and ("Error" in ln or "Uncaught" in ln)
    ]
    assert not errors, errors
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "report.png"
    s = subprocess.run(
        [chromium, *flags, "--window-size=900,2400", f"--screenshot={shot}", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert s.returncode == 0 and shot.stat().st_size > 10_000, s.stderr[-2000:]
    print(f"\nreport: {m.group(1)} charts rendered in Chromium; screenshot {shot}")
