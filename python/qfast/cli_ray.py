"""``qfast run --ray ADDRESS``: the same pipeline files and outputs as ``qfast run``, executed
on a Ray cluster through :mod:`qfast.ray`.

The inputs are read with Ray Data (``read_parquet`` / ``read_json``), the filter steps run with
:func:`qfast.ray.apply`, and an ``exact_dedup`` step (which must be last) with
:func:`qfast.ray.exact_dedup`. Kept rows go to ``OUT/`` and dropped rows (``qfast_step``,
``qfast_reason``) to ``OUT/excluded/`` as Parquet, and the merged statistics to
``OUT/stats.json``. Everything is first written under ``OUT/.ray-tmp/`` and moved into place
when the run has finished, so an interrupted run leaves no partial output; rerun it into the
same directory.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa

from .dedup import ExactDedup, MinHashDedup
from .errors import ConfigError


def _local() -> Any:
    import pyarrow.fs

    return pyarrow.fs.LocalFileSystem()


def _read(paths: Sequence[Path]) -> Any:
    import ray.data

    # Local paths (expand_inputs checked them): a pyarrow filesystem, so Ray does not probe
    # fsspec's optional HTTP support.
    fs = _local()
    parquet = [str(p) for p in paths if p.name.lower().endswith(".parquet")]
    other = [str(p) for p in paths if not p.name.lower().endswith(".parquet")]
    parts = []
    if parquet:
        parts.append(ray.data.read_parquet(parquet, filesystem=fs))
    if other:
        parts.append(ray.data.read_json(other, lines=True, filesystem=fs))
    ds = parts[0] if len(parts) == 1 else parts[0].union(*parts[1:])
    ds.context.execution_options.preserve_order = True  # "first" = first in the input files
    return ds


def run_on_ray(
    address: str, pipeline: Any, inputs: Sequence[Path], out_dir: Path, column: str = "text"
) -> dict[str, Any]:
    """Runs ``pipeline`` over ``inputs`` on the Ray cluster at ``address`` (``"local"`` starts
    one here); returns (and writes to ``OUT/stats.json``) the summary."""
    try:
        import ray
    except ImportError as e:
        raise ConfigError("--ray needs Ray Data: pip install 'qfast[ray]'") from e
    import qfast
    import qfast.ray as qray

    steps = list(pipeline.steps)
    dedup = None
    if steps and isinstance(steps[-1], ExactDedup):
        dedup = steps.pop()
    if any(isinstance(s, (ExactDedup, MinHashDedup)) for s in steps):
        raise ConfigError("with --ray, exact_dedup can only be the last step")
    if any(out_dir.glob("*.parquet")):
        raise ConfigError(f"{out_dir} already holds Parquet files: use a new output directory")
    started = not ray.is_initialized()
    if started:
        ray.init(address=None if address == "local" else address, include_dashboard=False)
    try:
        ds = _read(inputs)
        tmp = out_dir / ".ray-tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        stats: list[dict[str, Any]] = []
        if steps:
            res = qray.apply(ds, qfast.Pipeline(steps, tokenizer=pipeline.tokenizer), column)
            ds, stats = res.data, res.stats
            res.excluded.write_parquet(str(tmp / "excluded"), filesystem=_local())
        if dedup is not None:
            dd = qray.exact_dedup(ds, column=column, simplify=dedup.simplify)
            ds = dd.data
            stats.append({"name": dedup.name, **dd.stats})
            step, reason = len(steps), dedup.reason  # (the step's own state does not pickle)
            dd.removed.map_batches(
                lambda t: t.append_column(
                    "qfast_step", pa.array([step] * len(t), pa.int32())
                ).append_column("qfast_reason", pa.array([reason] * len(t), pa.large_utf8())),
                batch_format="pyarrow",
            ).write_parquet(str(tmp / "excluded"), filesystem=_local())
        ds.write_parquet(str(tmp / "kept"), filesystem=_local())
        kept = int(ray.data.read_parquet(str(tmp / "kept"), filesystem=_local()).count())
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / "excluded").mkdir(exist_ok=True)
        for sub, dest in (("kept", out_dir), ("excluded", out_dir / "excluded")):
            for f in sorted((tmp / sub).glob("*.parquet")) if (tmp / sub).exists() else []:
                os.replace(f, dest / f.name)
        shutil.rmtree(tmp, ignore_errors=True)
    finally:
        if started:
            ray.shutdown()
    summary = {"files": len(inputs), "ray": address, "kept": kept, "steps": stats}
    (out_dir / "stats.json").write_text(json.dumps(summary, indent=2))
    return summary
