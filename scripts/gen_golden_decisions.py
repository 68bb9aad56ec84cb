#!/usr/bin/env python
"""Golden per-document decisions of datatrove 0.10.1's text-quality filters over eval_data.

For every document of every eval_data file (all languages; for web_html_extracted both ``text`` and
``text_main``), with datatrove's default English tokenizer (``language="eng"``), records:

  * each filter applied INDEPENDENTLY to the original text:
      gq   GopherQualityFilter()
      gr   GopherRepetitionFilter()
      c4   C4QualityFilter()                               (filter_no_terminal_punct=True, the default)
      c4nt C4QualityFilter(filter_no_terminal_punct=False) (FineWeb's setting)
      fw   FineWebQualityFilter()
    C4 rewrites ``doc.text``: when a C4 variant keeps the doc, ``*_hash`` is the first 16 hex digits
    of sha1(rewritten text as UTF-8), else null.
  * the FineWeb chain exactly as datatrove runs it: gr -> gq -> c4nt -> fw, each step seeing the
    previous step's (possibly C4-rewritten) ``doc.text``; the first dropping step decides.
    ``chain`` is "keep" or "<step>:<reason>" (step in gr/gq/c4nt/fw), ``chain_hash`` the hash of the
    final text when kept.

A filter value is "keep", the drop reason datatrove returns (e.g. "gopher_short_doc", "top_2_gram"),
"" for a drop without reason, "ERR:<ExceptionType>" if datatrove raised, "TIMEOUT" if the document
exceeded --doc-timeout seconds (never happened on eval_data as of writing).

With ``--language L`` (e.g. ``zh``, ``cmn``, ``ja``, ``th``, ``vi``) every filter gets ``language=L`` and
only the rows of that language are run: the whole ``zh_reviews_chinesenlpcorpus`` /
``ja_kwdlc_web_leads`` file, and the web_html_extracted pages whose ``ref_lang_fasttext176`` is
zh / ja; for ``th`` (``vi``) the ``lang == "th"`` (``"vi"``) rows of ``langid_lingua_testdata``; the output goes to
``tests/golden/decisions_<L>/``.

Output, one file per eval file: ``tests/golden/decisions/<file-stem>.jsonl.gz`` (gzip -9).
Line 1 is ``{"meta": {...}}`` (versions, settings, row layout); then one JSON array per row:
  [id, column, gq, gr, c4, c4_hash, c4nt, c4nt_hash, fw, chain, chain_hash]
The file is written to ``*.partial`` and renamed when complete.

It also checks the ``ref_*_keep`` columns of eval_data (computed on ``text`` with datatrove 0.10.1,
independent filters, C4 with filter_no_terminal_punct=False) against this run and prints agreement
per column plus mismatching ids; the summary is merged into ``tests/golden/decisions/refcheck.json``.

usage: python scripts/gen_golden_decisions.py [--data DIR] [--out-dir DIR] [--files a.parquet,b.parquet]
       [--limit N] [--sample N]     (--sample: only time N rows per file and estimate, write nothing)
"""

import argparse
import gzip
import hashlib
import json
import os
import signal
import sys
import time
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq

REPO = Path(__file__).resolve().parent.parent

# cheapest first, so partial runs still give the small files
DEFAULT_ORDER = [
    "web_cc_text_samples.parquet",
    "web_dclm_human_quality.parquet",
    "ja_kwdlc_web_leads.parquet",
    "web_html_extracted.parquet",
    "zh_reviews_chinesenlpcorpus.parquet",
    "langid_lingua_testdata.parquet",
]
TEXT_COLUMNS = {"web_html_extracted.parquet": ["text", "text_main"]}
ROW = [
    "id",
    "column",
    "gq",
    "gr",
    "c4",
    "c4_hash",
    "c4nt",
    "c4nt_hash",
    "fw",
    "chain",
    "chain_hash",
]
# ref column -> our independent field (ref_c4_quality_keep used filter_no_terminal_punct=False)
REF_COLS = {
    "ref_gopher_repetition_keep": "gr",
    "ref_gopher_quality_keep": "gq",
    "ref_c4_quality_keep": "c4nt",
    "ref_fineweb_quality_keep": "fw",
}
# --language: the rows it runs on (eval file -> fastText language of the web pages kept)
LANG_ROWS = {
    "zh": ["zh_reviews_chinesenlpcorpus.parquet", "web_html_extracted.parquet"],
    "ja": ["ja_kwdlc_web_leads.parquet", "web_html_extracted.parquet"],
    # no web_html_extracted page is th by LID-176: the lingua test rows (lang == "th") only
    "th": ["langid_lingua_testdata.parquet"],
    # likewise no web_html_extracted page is vi by LID-176
    "vi": ["langid_lingua_testdata.parquet"],
}
LANG_OF = {
    "zh": "zh",
    "cmn": "zh",
    "cmn_Hani": "zh",
    "zh_Hani": "zh",
    "ja": "ja",
    "jpn": "ja",
    "th": "th",
    "tha": "th",
    "tha_Thai": "th",
    "vi": "vi",
    "vie": "vi",
    "vie_Latn": "vi",
}
REF_REASON_NAMES = {
    "gr": "gopher_repetition",
    "gq": "gopher_quality",
    "c4nt": "c4_quality",
    "fw": "fineweb_quality",
}


class DocTimeout(Exception):
    pass


def _on_alarm(signum, frame):
    raise DocTimeout()


def h16(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def versions():
    import importlib.metadata as md

    out = {}
    # spacy for en/zh/ja/vi; pythainlp + python-crfsuite (crfcut) for th; pyvi for vi
    for p in ("datatrove", "spacy", "numpy", "pyarrow", "pythainlp", "python-crfsuite", "pyvi"):
        try:
            out[p] = md.version(p)
        except md.PackageNotFoundError:
            pass
    return out | {"python": sys.version.split()[0]}


class Runner:
    def __init__(self, language="eng"):
        from datatrove.data import Document
        from datatrove.pipeline.filters import (
            C4QualityFilter,
            FineWebQualityFilter,
            GopherQualityFilter,
            GopherRepetitionFilter,
        )
        from datatrove.pipeline.filters.base_filter import get_filter_result
        from datatrove.utils.word_tokenizers import load_word_tokenizer

        self.Document = Document
        self.get_filter_result = get_filter_result
        lang = {"language": language}
        self.gq, self.gr, self.fw = (
            GopherQualityFilter(**lang),
            GopherRepetitionFilter(**lang),
            FineWebQualityFilter(**lang),
        )
        self.c4 = C4QualityFilter(**lang)
        self.c4nt = C4QualityFilter(filter_no_terminal_punct=False, **lang)
        # separate instances for the chain, as in a datatrove pipeline
        self.chain = [
            ("gr", GopherRepetitionFilter(**lang)),
            ("gq", GopherQualityFilter(**lang)),
            ("c4nt", C4QualityFilter(filter_no_terminal_punct=False, **lang)),
            ("fw", FineWebQualityFilter(**lang)),
        ]
        load_word_tokenizer(language).word_tokenize("Warm up the spaCy tokenizer. Twice.")

    def apply(self, f, doc):
        """-> (value, doc) ; value = 'keep' | reason | '' | 'ERR:..'"""
        try:
            keep, reason = self.get_filter_result(f.filter(doc))
        except DocTimeout:
            raise
        except Exception as e:  # noqa: BLE001 - record, don't die
            return f"ERR:{type(e).__name__}", doc
        return ("keep" if keep else (reason or "")), doc

    def run(self, doc_id, text):
        D = self.Document
        # Order chosen so that datatrove's lru_cache(5) on split_into_parts shares the word tokenization
        # of the original text between gr, gq, fw and the chain's gr/gq (results don't depend on it).
        r = {}
        r["gr"], _ = self.apply(self.gr, D(text=text, id=doc_id))
        r["gq"], _ = self.apply(self.gq, D(text=text, id=doc_id))
        r["fw"], _ = self.apply(self.fw, D(text=text, id=doc_id))
        for name in ("c4", "c4nt"):
            v, d = self.apply(getattr(self, name), D(text=text, id=doc_id))
            r[name], r[name + "_hash"] = v, (h16(d.text) if v == "keep" else None)
        d = D(text=text, id=doc_id)
        r["chain"], r["chain_hash"] = "keep", None
        for step, f in self.chain:
            v, d = self.apply(f, d)
            if v != "keep":
                r["chain"] = f"{step}:{v}"
                break
        else:
            r["chain_hash"] = h16(d.text)
        return r


def iter_docs(path: Path, limit=None, lang_rows=None):
    cols = TEXT_COLUMNS.get(path.name, ["text"])
    tbl = pq.read_table(path)
    if lang_rows and "lang" in tbl.column_names:
        tbl = tbl.filter(pc.equal(tbl["lang"], lang_rows))
    elif (
        lang_rows
        and "ref_lang_fasttext176" in tbl.column_names
        and not path.name.startswith(lang_rows)
    ):
        tbl = tbl.filter(pc.equal(tbl["ref_lang_fasttext176"], lang_rows))
    ids = tbl.column("id").to_pylist()
    colvals = {c: tbl.column(c).to_pylist() for c in cols}
    n = 0
    for i, doc_id in enumerate(ids):
        for c in cols:
            t = colvals[c][i]
            if t is None:
                continue
            yield doc_id, c, t
            n += 1
            if limit and n >= limit:
                return


def refcheck(path: Path, results: dict):
    """results: (id, column) -> row dict. Compare with ref_* columns (computed on `text`)."""
    schema = pq.read_schema(path).names
    refs = [c for c in REF_COLS if c in schema]
    if not refs:
        return None
    extra = [c for c in ("ref_fineweb_pipeline_keep", "ref_drop_reasons") if c in schema]
    tbl = pq.read_table(path, columns=["id"] + refs + extra).to_pylist()
    out = {}
    for c in refs + extra:
        agree, mism, n = 0, [], 0
        for row in tbl:
            ref = row[c]
            if (
                c == "ref_drop_reasons"
            ):  # null when the pipeline keeps; rows without refs have a null pipeline_keep
                if row.get("ref_fineweb_pipeline_keep") is None:
                    continue
            elif ref is None:
                continue
            ours = results.get((row["id"], "text"))
            if ours is None:
                continue
            n += 1
            if c in REF_COLS:
                mine = ours[REF_COLS[c]] == "keep"
            elif c == "ref_fineweb_pipeline_keep":
                mine = all(ours[k] == "keep" for k in REF_COLS.values())
            else:  # ref_drop_reasons: set of "filter:reason"
                mine = {
                    f"{REF_REASON_NAMES[k]}:{ours[k]}"
                    for k in REF_COLS.values()
                    if ours[k] != "keep"
                }
                ref = set(ref.split(";")) if ref else set()
            if mine == ref:
                agree += 1
            else:
                mism.append(row["id"])
        out[c] = {"compared": n, "agree": agree, "mismatch_ids": mism}
    return out if any(v["compared"] for v in out.values()) else None


def process_file(runner, path: Path, out_dir: Path, args):
    stem = path.name.removesuffix(".parquet")
    t0 = time.perf_counter()
    n = nchars = 0
    slow = []
    results = {}
    write = not args.sample
    if write:
        out_dir.mkdir(parents=True, exist_ok=True)
        final = out_dir / f"{stem}.jsonl.gz"
        tmp = out_dir / f"{stem}.jsonl.gz.partial"
        fh = gzip.open(tmp, "wt", encoding="utf-8", compresslevel=9)
        meta = {
            "meta": {
                "what": "datatrove filter decisions, each filter independently on the original text, plus the FineWeb chain",
                "file": path.name,
                "versions": versions(),
                "row": ROW,
                "filters": {
                    "gq": "GopherQualityFilter()",
                    "gr": "GopherRepetitionFilter()",
                    "c4": "C4QualityFilter()",
                    "c4nt": "C4QualityFilter(filter_no_terminal_punct=False)",
                    "fw": "FineWebQualityFilter()",
                },
                "chain": "gr -> gq -> c4nt -> fw on one Document (C4 rewrites doc.text); 'keep' or '<step>:<reason>'",
                "values": "'keep' | datatrove drop reason | '' (drop, no reason) | 'ERR:<type>' | 'TIMEOUT'",
                "hash": "sha1(utf-8 text).hexdigest()[:16] of the C4-rewritten / final text when kept, else null",
                "tokenizer": f"datatrove language={args.language!r}",
            }
        }
        fh.write(json.dumps(meta, ensure_ascii=False) + "\n")
    limit = args.sample or args.limit
    for doc_id, col, text in iter_docs(path, limit, LANG_OF.get(args.language)):
        td = time.perf_counter()
        if args.doc_timeout:
            signal.alarm(args.doc_timeout)
        try:
            r = runner.run(doc_id, text)
        except DocTimeout:
            r = {k: "TIMEOUT" for k in ("gq", "gr", "c4", "c4nt", "fw", "chain")}
            r.update(c4_hash=None, c4nt_hash=None, chain_hash=None)
        finally:
            if args.doc_timeout:
                signal.alarm(0)
        dt = time.perf_counter() - td
        slow.append((dt, doc_id, col, len(text)))
        if len(slow) > 50:
            slow.sort(reverse=True)
            del slow[5:]
        results[(doc_id, col)] = r
        if write:
            fh.write(json.dumps([doc_id, col] + [r[k] for k in ROW[2:]], ensure_ascii=False) + "\n")
        n += 1
        nchars += len(text)
        if n % args.progress == 0:
            el = time.perf_counter() - t0
            print(
                f"  {stem}: {n} docs, {nchars / 1e6:.2f} Mchars, {el:.0f}s ({n / el:.0f} docs/s)",
                file=sys.stderr,
                flush=True,
            )
    el = time.perf_counter() - t0
    slow.sort(reverse=True)
    print(
        f"{stem}: {n} docs, {nchars / 1e6:.2f} Mchars in {el:.1f}s ({n / max(el, 1e-9):.0f} docs/s, "
        f"{nchars / 1e6 / max(el, 1e-9):.3f} Mchars/s); slowest: "
        + ", ".join(f"{i}:{c} {s:.2f}s/{L}ch" for s, i, c, L in slow[:3]),
        file=sys.stderr,
        flush=True,
    )
    if args.sample:
        total_rows = pq.read_metadata(path).num_rows * len(TEXT_COLUMNS.get(path.name, ["text"]))
        print(
            f"  ESTIMATE {stem}: ~{el / n * total_rows / 60:.1f} min for {total_rows} docs",
            file=sys.stderr,
        )
        return
    fh.close()
    os.replace(tmp, final)
    print(f"  wrote {final} ({final.stat().st_size / 1e6:.2f} MB)", file=sys.stderr, flush=True)
    if args.limit or args.language != "eng":
        return
    rc = refcheck(path, results)
    if rc is not None:
        for c, v in rc.items():
            mm = v["mismatch_ids"]
            print(
                f"  refcheck {stem} {c}: {v['agree']}/{v['compared']} agree"
                + (f"; MISMATCH {len(mm)}: {mm[:50]}" if mm else ""),
                file=sys.stderr,
                flush=True,
            )
        summ = out_dir / "refcheck.json"
        allrc = json.loads(summ.read_text()) if summ.exists() else {}
        allrc[stem] = rc
        summ.write_text(json.dumps(allrc, indent=1, sort_keys=True) + "\n")


def main():
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--data", default=str(REPO.parent / "shared" / "eval_data"), help="eval_data directory"
    )
    ap.add_argument("--out-dir", default=str(REPO / "tests" / "golden" / "decisions"))
    ap.add_argument(
        "--files",
        default=",".join(DEFAULT_ORDER),
        help="comma-separated parquet names, run in this order",
    )
    ap.add_argument(
        "--limit", type=int, default=0, help="only the first N docs per file (output still written)"
    )
    ap.add_argument(
        "--sample",
        type=int,
        default=0,
        help="time the first N docs per file, estimate, write nothing",
    )
    ap.add_argument(
        "--doc-timeout",
        type=int,
        default=600,
        help="seconds per document before recording TIMEOUT (0=off)",
    )
    ap.add_argument("--progress", type=int, default=5000)
    ap.add_argument(
        "--language",
        default="eng",
        help="datatrove language= for every filter; not 'eng': only that language's rows "
        f"({', '.join(LANG_OF)}), output in tests/golden/decisions_<language>/",
    )
    args = ap.parse_args()
    files = [f.strip() for f in args.files.split(",") if f.strip()]
    if args.language != "eng":
        files = LANG_ROWS[LANG_OF[args.language]]
        if args.out_dir == ap.get_default("out_dir"):
            args.out_dir = str(REPO / "tests" / "golden" / f"decisions_{args.language}")
    signal.signal(signal.SIGALRM, _on_alarm)
    runner = Runner(args.language)
    t0 = time.perf_counter()
    for name in files:
        process_file(runner, Path(args.data) / name, Path(args.out_dir), args)
    print(f"ALL DONE in {time.perf_counter() - t0:.1f}s", file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
