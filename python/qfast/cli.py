"""The ``qfast`` command line.

``qfast run --preset fineweb IN... -o OUT`` or ``qfast run PIPELINE.yaml``: reads Parquet and
JSONL (plain, ``.gz``, ``.zst``) files, local paths and globs; writes one Parquet shard of kept
rows per input file to ``OUT/``, the removed rows with their step and reason to
``OUT/excluded/``, and ``OUT/stats.json``. Shards are written to a temporary name and renamed
when complete, so a rerun after an interruption skips the finished ones and produces the same
output as an uninterrupted run.

A pipeline file::

    input: [data/*.jsonl.zst]      # or pass inputs on the command line
    output: out/
    column: text
    steps:
      - gopher_repetition: {}
      - c4_quality: {filter_no_terminal_punct: false}
      - language: {languages: [en], language_threshold: 0.65}
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pajson
import pyarrow.parquet as pq

from .errors import ConfigError, QfastError

#: Step names usable in a pipeline file, and what they build.
STEP_NAMES = (
    "gopher_repetition",
    "gopher_quality",
    "c4_quality",
    "fineweb_quality",
    "language",
    "fasttext_score",
    "c4_badwords",
    "url",
    "regex",
    "word_list",
    "exact_dedup",
    "token_count",
    "decontaminate",
    "perplexity",
)


def _step_factories() -> dict[str, Callable[..., Any]]:
    import qfast

    return {
        "gopher_repetition": qfast.GopherRepetition,
        "gopher_quality": qfast.GopherQuality,
        "c4_quality": qfast.C4Quality,
        "fineweb_quality": qfast.FineWebQuality,
        "language": qfast.LanguageFilter,
        "fasttext_score": qfast.FastTextScore,
        "c4_badwords": qfast.C4BadWords,
        "url": qfast.URLFilter,
        "regex": qfast.RegexFilter,
        "word_list": qfast.WordList,
        "exact_dedup": qfast.ExactDedup,
        "token_count": qfast.TokenCount,
        "decontaminate": qfast.Decontaminate,
        "perplexity": qfast.Perplexity,
    }


def build_pipeline(steps: Any) -> Any:
    """A :class:`qfast.Pipeline` from a pipeline file's ``steps`` list; a bad entry raises
    :class:`~qfast.errors.ConfigError` naming it."""
    import inspect

    import qfast

    if not isinstance(steps, list) or not steps:
        raise ConfigError("'steps' must be a non-empty list of {step_name: {parameters}}")
    factories = _step_factories()
    built = []
    for i, entry in enumerate(steps):
        if not isinstance(entry, dict) or len(entry) != 1:
            raise ConfigError(
                f"steps[{i}]: expected one {{step_name: {{parameters}}}} mapping, got {entry!r}"
            )
        ((name, params),) = entry.items()
        if name not in factories:
            raise ConfigError(
                f"steps[{i}]: unknown step {name!r}; known steps: {', '.join(STEP_NAMES)}"
            )
        params = params or {}
        if not isinstance(params, dict):
            raise ConfigError(f"steps[{i}].{name}: parameters must be a mapping, got {params!r}")
        allowed = set(inspect.signature(factories[name]).parameters)
        for key in params:
            if key not in allowed:
                raise ConfigError(
                    f"steps[{i}].{name}.{key}: unknown parameter; {name} takes {', '.join(sorted(allowed))}"
                )
        kwargs = {
            k: tuple(map(tuple, v)) if k in ("top_n_grams", "dup_n_grams") else v
            for k, v in params.items()
        }
        try:
            built.append(factories[name](**kwargs))
        except (TypeError, ValueError) as e:
            raise ConfigError(f"steps[{i}].{name}: {e}") from e
    return qfast.Pipeline(built)


def expand_inputs(patterns: Sequence[str]) -> list[Path]:
    """Paths and globs, in sorted order within each pattern; a pattern matching nothing is an
    error."""
    out: list[Path] = []
    for pat in patterns:
        hits = sorted(glob.glob(pat, recursive=True)) if any(c in pat for c in "*?[") else [pat]
        hits = [h for h in hits if Path(h).is_file()]
        if not hits:
            raise ConfigError(f"input {pat!r} matches no file")
        out += [Path(h) for h in hits]
    return out


def _json_codec(path: Path) -> str | None:
    """The compression of a JSON-lines file from its name; ConfigError for other files."""
    name = path.name.lower()
    if not (".jsonl" in name or ".json" in name or ".ndjson" in name):
        raise ConfigError(
            f"{path}: unsupported file type (use .parquet, .jsonl, .jsonl.gz or .jsonl.zst)"
        )
    return "gzip" if name.endswith(".gz") else "zstd" if name.endswith(".zst") else None


# pyarrow parses JSON lines in blocks and cannot parse a line longer than a block ("straddling
# object"): start at 16 MB and retry with 8x larger blocks, up to pyarrow's int32 block limit.
_JSON_BLOCK_BYTES = 16 << 20
_JSON_BLOCK_MAX = (1 << 31) - 1


def _straddles(e: Exception) -> bool:
    return "straddl" in str(e)


def _bigger_block(e: Exception, block: int) -> int | None:
    """The next block size to try after error ``e`` with ``block``: None unless pyarrow
    refused a line longer than the block and a larger block is possible."""
    if not _straddles(e) or block >= _JSON_BLOCK_MAX:
        return None
    return min(block * 8, _JSON_BLOCK_MAX)


def read_file(path: Path) -> pa.Table:
    """A Parquet or JSONL (optionally .gz / .zst) file as a table."""
    if path.name.lower().endswith(".parquet"):
        return pq.read_table(path)
    codec = _json_codec(path)
    block = _JSON_BLOCK_BYTES
    while True:
        with pa.OSFile(str(path)) as raw:
            stream = pa.CompressedInputStream(raw, codec) if codec else raw
            try:
                return pajson.read_json(stream, pajson.ReadOptions(block_size=block))
            except pa.ArrowInvalid as e:
                bigger = _bigger_block(e, block)
                if bigger is not None:
                    block = bigger
                    continue
                raise ConfigError(f"{path}: not valid JSON lines: {e}") from e


def _shard_name(path: Path, i: int) -> str:
    stem = path.name.split(".")[0]
    return f"{i:05d}_{stem}.parquet"


def _write_atomic(table: pa.Table, dest: Path) -> None:
    tmp = dest.with_name(f".{dest.name}.tmp-{os.getpid()}")
    pq.write_table(table, tmp)
    os.replace(tmp, dest)


class _Progress:
    """One status line on stderr: files, docs/s and MB/s."""

    def __init__(self, total: int, quiet: bool) -> None:
        self.total, self.quiet = total, quiet
        self.t0, self.docs, self.bytes, self.done = time.perf_counter(), 0, 0, 0

    def update(self, docs: int, nbytes: int) -> None:
        self.docs += docs
        self.bytes += nbytes
        self.done += 1
        if self.quiet:
            return
        dt = max(time.perf_counter() - self.t0, 1e-9)
        width = 30
        filled = int(width * self.done / max(self.total, 1))
        sys.stderr.write(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} files  "
            f"{self.docs / dt:,.0f} docs/s  {self.bytes / dt / 1e6:,.1f} MB/s"
        )
        sys.stderr.flush()

    def close(self) -> None:
        if not self.quiet:
            sys.stderr.write("\n")


def _text_bytes(data: Any, column: str) -> int:
    return int(pc.sum(pc.binary_length(data[column].cast(pa.large_string()))).as_py() or 0)


def _excluded(data: pa.Table, verdict: pa.Table) -> pa.Table:
    """The dropped rows of ``data`` with the step and reason that dropped them."""
    drop = pc.invert(verdict["keep"])
    out = data.filter(drop).append_column("qfast_step", pc.filter(verdict["step"], drop))
    return out.append_column("qfast_reason", pc.filter(verdict["reason"], drop))


@dataclass
class _Shard:
    """One input file's outputs. Written in this order, the kept shard last: a shard counts as
    finished once its stats and kept file both exist."""

    excluded: Path
    stats: Path
    kept: Path

    def write_stats(self, stats: list[dict[str, Any]]) -> None:
        tmp = self.stats.with_name(self.stats.name + ".tmp")
        tmp.write_text(json.dumps(stats))
        os.replace(tmp, self.stats)


def _run_whole(pipeline: Any, path: Path, column: str, shard: _Shard) -> tuple[int, int]:
    table = read_file(path)
    if column not in table.column_names:
        raise ConfigError(f"{path}: no column {column!r}; columns: {table.column_names}")
    pipeline.reset_stats()
    res = pipeline.run(table, column=column)
    _write_atomic(_excluded(table, res.verdict), shard.excluded)
    shard.write_stats(res.stats)
    _write_atomic(res.data, shard.kept)
    return table.num_rows, _text_bytes(table, column)


class _Restart(Exception):
    """A JSON-lines file that cannot be streamed as opened: a line longer than the block size,
    or a field or type first seen after the first block."""


def _restartable(pipeline: Any) -> bool:
    """Whether running part of a file through ``pipeline`` and then all of it again gives
    the same result as one run: no step keeps state across calls (dedup memory, the random
    draws of ``C4BadWords(keep_fraction=...)``)."""
    from .dedup import ExactDedup, MinHashDedup

    for s in pipeline.steps:
        inner = getattr(s, "step", s)  # OnColumn wraps a step
        sampled: float = getattr(inner, "keep_fraction", 0.0) or 0.0
        if isinstance(inner, (ExactDedup, MinHashDedup)) or sampled > 0:
            return False
    return True


def open_parquet(path: Path, column: str) -> pq.ParquetFile:
    """A Parquet file opened for streaming (``pre_buffer=False``: pyarrow's default
    pre-buffering keeps every row group read until the reader closes), checked to hold
    ``column``; ``ConfigError`` names the file otherwise."""
    try:
        f = pq.ParquetFile(path, pre_buffer=False, buffer_size=1 << 20)
    except pa.ArrowInvalid as e:
        raise ConfigError(f"{path}: not a readable Parquet file: {e}") from e
    if column not in f.schema_arrow.names:
        f.close()
        raise ConfigError(f"{path}: no column {column!r}; columns: {f.schema_arrow.names}")
    return f


def _batches(
    path: Path, column: str, batch_rows: int, json_block: int = _JSON_BLOCK_BYTES
) -> tuple[Iterator[pa.RecordBatch], Callable[[], None]] | None:
    """The file's record batches, read as they are consumed, and a function that closes the
    file; None when the file is better read whole (empty, the text column not in the first
    JSON block, or a pyarrow that cannot stream JSON). Parquet: ``pre_buffer=False``, since
    pyarrow's default pre-buffering keeps every row group read until the reader closes (a
    5 GB file peaked at 5.4 GB of RSS with it, 0.5 GB without). JSON lines: pyarrow's
    streaming reader, ``json_block`` bytes of text per batch; raises ``_Restart`` (now or
    while iterating) when the file does not stream with that block."""
    if path.name.lower().endswith(".parquet"):
        f = open_parquet(path, column)
        if not f.metadata.num_rows:
            f.close()
            return None
        return f.iter_batches(batch_size=batch_rows), f.close
    codec = _json_codec(path)
    open_json = getattr(pajson, "open_json", None)  # pyarrow >= 15
    if open_json is None or path.stat().st_size == 0:
        return None
    raw = pa.OSFile(str(path))
    try:
        reader = open_json(
            pa.CompressedInputStream(raw, codec) if codec else raw,
            pajson.ReadOptions(block_size=json_block),
        )
    except pa.ArrowInvalid as e:
        raw.close()
        if _straddles(e):
            raise _Restart(str(e)) from e
        return None  # read whole: it words the error
    except BaseException:
        raw.close()
        raise
    if column not in reader.schema.names:
        raw.close()
        return None  # read whole: the column may appear later, or the error names it

    def batches() -> Iterator[pa.RecordBatch]:
        while True:
            try:
                yield reader.read_next_batch()
            except StopIteration:
                return
            except pa.ArrowInvalid as e:
                raise _Restart(str(e)) from e

    return batches(), raw.close


def _run_streamed(
    pipeline: Any, path: Path, column: str, shard: _Shard, batch_rows: int
) -> tuple[int, int]:
    """A file through ``pipeline`` one batch at a time, its outputs written as they come (to
    temporary files renamed when complete), so memory stays flat however large the file.
    A JSON line longer than the block restarts the file with 8x larger blocks; other JSON the
    streaming reader refuses (a field or type first seen after the first block) is read
    whole, which accepts it or names the problem. A restart runs rows through the pipeline a
    second time, so JSON lines are read whole from the start for a pipeline that keeps state
    across calls (``_restartable``)."""
    if not path.name.lower().endswith(".parquet") and not _restartable(pipeline):
        return _run_whole(pipeline, path, column, shard)
    block = _JSON_BLOCK_BYTES
    while True:
        try:
            return _stream_once(pipeline, path, column, shard, batch_rows, block)
        except _Restart as e:
            bigger = _bigger_block(e, block)
            if bigger is None:
                return _run_whole(pipeline, path, column, shard)
            block = bigger


def _stream_once(
    pipeline: Any, path: Path, column: str, shard: _Shard, batch_rows: int, json_block: int
) -> tuple[int, int]:
    """One streamed pass of ``_run_streamed``; ``_Restart`` leaves no output behind."""
    opened = _batches(path, column, batch_rows, json_block)
    if opened is None:
        return _run_whole(pipeline, path, column, shard)
    batches, close = opened
    pipeline.reset_stats()
    tmp_excluded = shard.excluded.with_name(f".{shard.excluded.name}.tmp-{os.getpid()}")
    tmp_kept = shard.kept.with_name(f".{shard.kept.name}.tmp-{os.getpid()}")
    writers: list[pq.ParquetWriter] = []
    rows = nbytes = 0
    try:
        for batch in batches:
            table = pa.Table.from_batches([batch])
            res = pipeline.run(table, column=column)
            outputs = [(tmp_excluded, _excluded(table, res.verdict)), (tmp_kept, res.data)]
            if not writers:
                writers = [pq.ParquetWriter(p, t.schema) for p, t in outputs]
            for w, (_, t) in zip(writers, outputs):
                # The first batch fixes each output's schema (a column of nulls may type as null).
                w.write_table(t.cast(w.schema))
            rows += table.num_rows
            nbytes += _text_bytes(table, column)
    except _Restart:
        for w in writers:
            w.close()
        writers = []
        for t in (tmp_excluded, tmp_kept):
            t.unlink(missing_ok=True)
        raise
    finally:
        for w in writers:
            w.close()
        close()
    os.replace(tmp_excluded, shard.excluded)
    shard.write_stats(pipeline.stats)
    os.replace(tmp_kept, shard.kept)
    return rows, nbytes


def run(
    pipeline: Any,
    inputs: Sequence[Path],
    out_dir: Path,
    column: str = "text",
    quiet: bool = False,
    batch_rows: int = 8192,
) -> dict[str, Any]:
    """Filter every input file into ``out_dir``; returns (and writes) the merged stats. Files
    are streamed (Parquet ``batch_rows`` rows at a time, JSON lines 16 MB at a time) at
    flat memory, unless the pipeline has a dedup step."""
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "excluded").mkdir(exist_ok=True)
    (out_dir / ".stats").mkdir(exist_ok=True)
    progress = _Progress(len(inputs), quiet)
    skipped = 0
    from .dedup import ExactDedup, MinHashDedup

    has_dedup = any(isinstance(s, (ExactDedup, MinHashDedup)) for s in pipeline.steps)
    if has_dedup and any((out_dir / _shard_name(p, i)).exists() for i, p in enumerate(inputs)):
        # Their state spans files: skipping finished shards would change the later ones.
        raise ConfigError(
            f"{out_dir} already holds shards and the pipeline has a dedup step, which cannot "
            "resume: use a new output directory"
        )
    for i, path in enumerate(inputs):
        name = _shard_name(path, i)
        kept_path, stats_path = out_dir / name, out_dir / ".stats" / (name + ".json")
        if kept_path.exists() and stats_path.exists():
            skipped += 1
            progress.update(0, 0)
            continue
        shard = _Shard(out_dir / "excluded" / name, stats_path, kept_path)
        # Files stream batch by batch at flat memory; a dedup step's state is per call, so a
        # pipeline with one sees each file whole.
        rows, nbytes = (
            _run_whole(pipeline, path, column, shard)
            if has_dedup
            else _run_streamed(pipeline, path, column, shard, batch_rows)
        )
        progress.update(rows, nbytes)
    progress.close()
    merged: list[dict[str, Any]] = [{"name": s.name} for s in pipeline.steps]
    for i, path in enumerate(inputs):
        shard = json.loads((out_dir / ".stats" / (_shard_name(path, i) + ".json")).read_text())
        for acc, s in zip(merged, shard):
            for k, v in s.items():
                if k != "name":
                    acc[k] = acc.get(k, 0) + v
    summary = {"files": len(inputs), "files_skipped_as_done": skipped, "steps": merged}
    _write_pipeline_spec(pipeline, out_dir / "pipeline.json")
    tmp = out_dir / "stats.json.tmp"
    tmp.write_text(json.dumps(summary, indent=2))
    os.replace(tmp, out_dir / "stats.json")
    return summary


def _write_pipeline_spec(pipeline: Any, dest: Path) -> None:
    """The steps and their parameters (for ``qfast report``'s threshold lines)."""
    import dataclasses

    steps = []
    for st in pipeline.steps:
        params: dict[str, Any] = {}
        if dataclasses.is_dataclass(st) and not isinstance(st, type):
            for f in dataclasses.fields(st):
                v = getattr(st, f.name)
                if isinstance(v, (int, float, str, bool, type(None), tuple, list)):
                    params[f.name] = v
        steps.append({"name": st.name, "params": params})
    dest.write_text(json.dumps(steps, indent=2, default=list))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="qfast",
        description="Fast text filtering for LLM training data (datatrove-exact decisions).",
        epilog="Example: qfast run --preset fineweb 'data/*.jsonl.zst' -o out/",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    r = sub.add_parser(
        "run",
        help="filter Parquet / JSONL files with a preset or a pipeline file",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    r.add_argument(
        "inputs",
        nargs="*",
        help="a pipeline .yaml, then input files or globs (.parquet, .jsonl[.gz|.zst])",
    )
    r.add_argument(
        "--preset", choices=["fineweb"], help="use a built-in pipeline instead of a file"
    )
    r.add_argument("-o", "--output", help="output directory (kept shards, excluded/, stats.json)")
    r.add_argument("--column", default=None, help="text column (default: text)")
    r.add_argument("--quiet", action="store_true", help="no progress line")
    r.add_argument(
        "--ray",
        metavar="ADDRESS",
        help="run on a Ray cluster (qfast[ray]): 'auto', 'ray://HEAD:10001', or 'local' to start "
        "one on this machine; an exact_dedup step must then be the last step",
    )
    rep = sub.add_parser(
        "report",
        help="write OUT/report.html: funnel, reasons, lengths, languages, removed samples",
    )
    rep.add_argument("output", help="the output directory of a `qfast run`")
    rep.add_argument("--column", default="text", help="text column (default: text)")
    rep.add_argument(
        "--no-assess", action="store_true", help="leave out the assessment of the kept rows"
    )
    a = sub.add_parser(
        "assess",
        help="profile files on five dimensions (distribution, noise, diversity, timeliness, safety)",
    )
    a.add_argument("inputs", nargs="+", help="input files or globs (.parquet, .jsonl[.gz|.zst])")
    a.add_argument("--column", default="text", help="text column (default: text)")
    for name in ("label", "domain", "language", "date"):
        a.add_argument(f"--{name}", metavar="COLUMN", help=f"the {name} column")
    a.add_argument("--date-cutoff", metavar="YYYY-MM-DD", help="rows dated before it count as old")
    a.add_argument("--json", metavar="FILE", help="write every figure as JSON")
    a.add_argument("--html", metavar="FILE", help="write the figures as an HTML page")
    a.add_argument("--quiet", action="store_true", help="no progress line")
    args = parser.parse_args(argv)
    try:
        if args.command == "report":
            from .report import build

            dest = build(Path(args.output), column=args.column, assess=not args.no_assess)
            print(f"qfast: wrote {dest}")
            return 0
        if args.command == "assess":
            try:
                return _assess_command(args)
            except QfastError as e:  # a missing or mistyped column, an unreadable file
                print(f"qfast: error: {e}", file=sys.stderr)
                return 2
        return _run_command(args)
    except ConfigError as e:
        print(f"qfast: error: {e}", file=sys.stderr)
        return 2


def _assess_command(args: argparse.Namespace) -> int:
    import json

    from .assessment import Assessor, file_batches

    paths = expand_inputs(args.inputs)
    progress = _Progress(len(paths), args.quiet)
    acc = Assessor(
        args.column,
        label=args.label,
        domain=args.domain,
        language=args.language,
        date=args.date,
        date_cutoff=args.date_cutoff,
    )
    for path in paths:
        rows = nbytes = 0
        for batch in file_batches(path, args.column):
            acc.add(batch)
            rows += batch.num_rows
            nbytes += _text_bytes(batch, args.column)
        progress.update(rows, nbytes)
    progress.close()
    result = acc.result()
    if args.json:
        Path(args.json).write_text(json.dumps(result.to_dict(), indent=1, default=str))
    if args.html:
        from .report import assessment_section

        body = "".join(assessment_section(result, f"qfast assess: {len(paths)} files"))
        Path(args.html).write_text(
            f"<!doctype html><html><head><meta charset='utf-8'><title>qfast assess</title></head>"
            f"<body>{body}</body></html>",
            encoding="utf-8",
        )
    t = result.to_table()
    for dim, metric, group, value in zip(*(t.column(i).to_pylist() for i in range(4))):
        if group is None:
            shown = f"{int(value):,}" if value.is_integer() else f"{value:.6g}"
            print(f"{dim:<13} {metric:<40} {shown}")
    return 0


def _run_command(args: argparse.Namespace) -> int:
    import qfast

    cfg: dict[str, Any] = {}
    inputs = list(args.inputs)
    if args.preset:
        pipeline = qfast.Pipeline.fineweb()
    else:
        if not inputs or not inputs[0].endswith((".yaml", ".yml")):
            raise ConfigError("give a pipeline file (PIPELINE.yaml) or --preset fineweb")
        import yaml

        with open(inputs.pop(0), encoding="utf-8") as f:
            cfg = yaml.safe_load(f) or {}
        if not isinstance(cfg, dict):
            raise ConfigError("the pipeline file must be a mapping with 'steps'")
        unknown = set(cfg) - {"input", "output", "column", "steps"}
        if unknown:
            raise ConfigError(
                f"unknown key {sorted(unknown)[0]!r} in the pipeline file (keys: input, output, column, steps)"
            )
        pipeline = build_pipeline(cfg.get("steps"))
    pats = inputs or cfg.get("input") or []
    if isinstance(pats, str):
        pats = [pats]
    if not pats:
        raise ConfigError("no input files given")
    out = args.output or cfg.get("output")
    if not out:
        raise ConfigError("no output directory given (-o OUT or 'output:' in the pipeline file)")
    column = args.column or cfg.get("column") or "text"
    if args.ray:
        from .cli_ray import run_on_ray

        summary = run_on_ray(args.ray, pipeline, expand_inputs(pats), Path(out), column=column)
        kept = summary["kept"]
        print(f"qfast: {summary['files']} files on Ray, {kept} rows kept -> {out}")
        return 0
    summary = run(pipeline, expand_inputs(pats), Path(out), column=column, quiet=args.quiet)
    kept = summary["steps"][-1].get("kept", 0) if summary["steps"] else 0
    print(
        f"qfast: {summary['files']} files ({summary['files_skipped_as_done']} already done), {kept} rows kept -> {out}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
