#!/usr/bin/env python
"""Golden MinHash data from datatrove 0.10.1's MinHash deduplication over eval_data.

Documents: exactly the enumeration of ``gen_golden_decisions.py`` (its ``DEFAULT_ORDER``,
``TEXT_COLUMNS`` and ``iter_docs`` are imported from it, and this script asserts that its own
row-numbered enumeration yields the same (id, column, text) sequence):

  web_cc_text_samples, web_dclm_human_quality, ja_kwdlc_web_leads, web_html_extracted,
  zh_reviews_chinesenlpcorpus, langid_lingua_testdata

rows in file order; for web_html_extracted each row gives ``text`` then ``text_main`` (interleaved
per row, as gen_golden_decisions does). Null texts are skipped by the dedup stream and get 0 in the
per-document arrays (listed under ``columns.*.null_rows`` in meta.json; eval_data has none as of
writing).

Reference: datatrove defaults, ``MinhashConfig()`` = 5-grams, 14 buckets x 8 hashes, seed 1,
``TextNormConfig()`` defaults, xxhash 64-bit; ``MinhashDedupSignature``'s default tokenizer
(``language="eng"``: spaCy blank "en" + sentencizer).

Per document (one array per eval file and column, in row order, including null rows):
  simplified = datatrove.utils.text.simplify_text(text, config.norm_config)
  shingles   = MinhashDedupSignature.get_shingles(text)        (uint64; none for < 5 tokens)
  signature  = MinhashDedupSignature.get_signature(shingles)   (14 x 8 uint64, only with shingles)

Outputs in ``tests/golden/minhash/`` (all ``*.u32.gz``: raw little-endian uint32 array, one value
per row, gzip -9 with mtime 0; read with
``np.frombuffer(gzip.open(p).read(), "<u4")``). ``u32(x)`` below means
``int.from_bytes(hashlib.sha1(x).digest()[:4], "little")``:

  <stem>.<column>.simplify.u32.gz    u32(simplified.encode("utf-8")); 0 for a null text
  <stem>.<column>.nshingles.u32.gz   number of shingles (duplicates kept); 0 for none or null
  <stem>.<column>.shingles.u32.gz    u32(shingle uint64 values packed "<Q" in order); 0 when none
  <stem>.<column>.signature.u32.gz   u32(the 112 signature values packed "<Q", bucket-major:
                                     bucket 0's 8 values first); 0 when no signature
  meta.json      versions, config, row counts per (file, column), a[0:3]/b[0:3] of
                 ``MinhashDedupSignature.parameters``, the digest definitions, 5 worked examples
                 (text, simplified, tokens, shingles, full signature) from web_dclm_human_quality,
                 and any exception datatrove raised on a document (``errors``).
  removed.json   the full 4-stage dedup over ONE stream of all non-null documents in enumeration
                 order (one rank, world_size 1): MinhashDedupSignature.run -> MinhashDedupBuckets.run
                 once per bucket (rank=b, world_size=14) -> MinhashDedupCluster.run (world_size 1,
                 save_cluster_id/size) -> MinhashDedupFilter.run (load_cluster_ids/sizes), in local
                 temp folders. Keys:
                   n_docs          stream length
                   removed         sorted stream indices in the .remove file (= dropped by stage 4)
                   removed_ids     matching [stem, column, row]
                   removed_root    per removed doc, the stream index of its cluster's kept doc (root)
                   removed_cluster_size / removed_cluster_id   from the .sizes / .clusters files
                 A stream index maps to (stem, column, row) by walking the enumeration above, skipping
                 null texts (and documents listed in meta.json ``errors``, if any).

Checks (asserts): a/b parameters for seed 1; spec 3.1 test vector (simplified text and bucket 0);
stage-1 bucket files == the per-document signatures; .remove file == docs dropped by stage 4; the
.clusters/.sizes files agree with stage 4 metadata and hold one kept doc per cluster; an independent
re-implementation of stages 2+3 (spec 3.1: chained equal-sig pairs, union by size) gives the same
removed docs and roots.

usage: python scripts/gen_golden_minhash.py [--data DIR] [--out-dir DIR] [--limit N] [--keep-tmp]
       (run from anywhere; the script imports gen_golden_decisions from its own directory.
        --limit N: first N non-null docs per file, for trying it out; use another --out-dir)
"""

import argparse
import dataclasses
import gzip
import hashlib
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
from gen_golden_decisions import DEFAULT_ORDER, TEXT_COLUMNS, iter_docs

REPO = Path(__file__).resolve().parent.parent

SEED1_A = [775169054918279404, 1758426461858698313, 2109959069025162]
SEED1_B = [1062448801025099917, 1324811268927594100, 1217488311597731462]
SPEC_TEXT = "The quick brown fox jumps over the lazy dog. It's 3.14 o'clock, Café Déjà-vu!"
SPEC_SIMPLIFIED = "the quick brown fox jumps over the lazy dog it s 0 o clock cafe deja vu"
SPEC_BUCKET0 = [
    85330943174081874,
    663359892825767826,
    302227827184868053,
    34440879854629237,
    58618517753054747,
    117899488208280896,
    90937651562094116,
    38134188909626994,
]
KINDS = ("simplify", "nshingles", "shingles", "signature")
DIGESTS = {
    "u32(x)": 'int.from_bytes(hashlib.sha1(x).digest()[:4], "little")',
    "simplify": 'u32(simplify_text(text, cfg.norm_config).encode("utf-8")); 0 for a null text',
    "nshingles": "len(get_shingles(text)) (duplicates kept); 0 for none or null",
    "shingles": 'u32(get_shingles(text).astype("<u8").tobytes()) i.e. values packed "<Q" in order; 0 when none',
    "signature": 'u32(np.array(get_signature(shingles), "<u8").tobytes()) i.e. 112 values "<Q", bucket-major (bucket 0 first); 0 when no signature',
    "file_format": "raw little-endian uint32 array, one value per row in file order, gzip -9 (mtime 0)",
}
N_EXAMPLES = 5
EXAMPLE_FILE = "web_dclm_human_quality.parquet"


def u32(b: bytes) -> int:
    return int.from_bytes(hashlib.sha1(b).digest()[:4], "little")


def log(msg: str):
    print(msg, file=sys.stderr, flush=True)


def versions():
    import importlib.metadata as md

    return {p: md.version(p) for p in ("datatrove", "spacy", "xxhash", "numpy", "pyarrow")} | {
        "python": sys.version.split()[0]
    }


def iter_rows(path: Path, limit=None):
    """(row, id, column, text-or-None) in gen_golden_decisions.iter_docs order, nulls included."""
    cols = TEXT_COLUMNS.get(path.name, ["text"])
    tbl = pq.read_table(path, columns=["id"] + cols)
    ids = tbl.column("id").to_pylist()
    colvals = {c: tbl.column(c).to_pylist() for c in cols}
    n = 0
    for i, doc_id in enumerate(ids):
        for c in cols:
            t = colvals[c][i]
            yield i, doc_id, c, t
            if t is not None:
                n += 1
                if limit and n >= limit:
                    return


def write_u32_gz(path: Path, values):
    data = np.asarray(values, dtype="<u4").tobytes()
    with (
        open(path, "wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as gz,
    ):
        gz.write(data)


def self_checks(sig_step):
    from datatrove.utils.text import simplify_text

    a, b = sig_step.parameters
    assert a[0, :3].tolist() == SEED1_A, a[0, :3]
    assert b[0, :3].tolist() == SEED1_B, b[0, :3]
    assert simplify_text(SPEC_TEXT, sig_step.config.norm_config) == SPEC_SIMPLIFIED
    assert sig_step.get_signature(sig_step.get_shingles(SPEC_TEXT))[0] == SPEC_BUCKET0
    log("checks OK: seed-1 a/b parameters, spec 3.1 test vector")


def per_doc_pass(sig_step, files, data_dir: Path, limit):
    """Per-document digests. -> (arrays, columns_meta, stream, sigs, errors, examples)."""
    from datatrove.utils.text import simplify_text

    cfg = sig_step.config
    tok = sig_step.word_tokenizer
    arrays = {}  # (stem, col) -> {kind: list}
    colmeta = {}
    stream = []  # (stem, col, row, text) of every non-null, non-error doc
    sigs = {}  # stream index -> (112,) uint64
    errors = []
    examples = []
    for name in files:
        path = data_dir / name
        stem = name.removesuffix(".parquet")
        t0 = time.perf_counter()
        rows = list(iter_rows(path, limit))
        ref = list(iter_docs(path, limit))
        assert [(i, c, t) for _, i, c, t in rows if t is not None] == ref, (
            f"{name}: enumeration differs from gen_golden_decisions.iter_docs"
        )
        for col in TEXT_COLUMNS.get(name, ["text"]):
            arrays[stem, col] = {k: [] for k in KINDS}
            colmeta[f"{stem}.{col}"] = {
                "rows": 0,
                "null_rows": [],
                "with_signature": 0,
                "errors": 0,
            }
        nchars = 0
        for n, (row, doc_id, col, text) in enumerate(rows, 1):
            arr, cm = arrays[stem, col], colmeta[f"{stem}.{col}"]
            assert len(arr["simplify"]) == row
            cm["rows"] += 1
            if text is None:
                cm["null_rows"].append(row)
                for k in KINDS:
                    arr[k].append(0)
                continue
            nchars += len(text)
            try:
                simplified = simplify_text(text, cfg.norm_config)
                shingles = sig_step.get_shingles(text)
                sig = sig_step.get_signature(shingles) if shingles.size else None
            except Exception as e:  # noqa: BLE001 - record, don't die
                errors.append(
                    {"file": stem, "column": col, "row": row, "id": doc_id, "error": repr(e)[:300]}
                )
                cm["errors"] += 1
                log(f"  ERROR {stem}.{col} row {row}: {e!r}"[:300])
                for k in KINDS:
                    arr[k].append(0)
                continue
            arr["simplify"].append(u32(simplified.encode("utf-8")))
            arr["nshingles"].append(int(shingles.size))
            arr["shingles"].append(u32(shingles.astype("<u8").tobytes()) if shingles.size else 0)
            if sig is not None:
                sig_arr = np.array(sig, dtype="<u8")
                assert sig_arr.shape == (cfg.num_buckets, cfg.hashes_per_bucket)
                arr["signature"].append(u32(sig_arr.tobytes()))
                sigs[len(stream)] = sig_arr.reshape(-1)
                cm["with_signature"] += 1
            else:
                arr["signature"].append(0)
            if name == EXAMPLE_FILE and sig is not None and len(examples) < N_EXAMPLES:
                if len(text) <= 1500:
                    examples.append(
                        {
                            "file": stem,
                            "column": col,
                            "row": row,
                            "id": doc_id,
                            "stream_index": len(stream),
                            "text": text,
                            "simplified": simplified,
                            "tokens": tok.word_tokenize(simplified),
                            "n_shingles": int(shingles.size),
                            "shingles": [int(x) for x in shingles.reshape(-1)],
                            "signature": [[int(x) for x in bk] for bk in sig],
                            "digests": {k: arr[k][-1] for k in KINDS},
                        }
                    )
            stream.append((stem, col, row, text))
            if n % 20000 == 0:
                el = time.perf_counter() - t0
                log(f"  {stem}: {n} rows, {nchars / 1e6:.2f} Mchars, {el:.0f}s")
        el = time.perf_counter() - t0
        log(
            f"{stem}: {len(rows)} rows, {nchars / 1e6:.2f} Mchars in {el:.1f}s "
            f"({nchars / 1e6 / max(el, 1e-9):.3f} Mchars/s)"
        )
    return arrays, colmeta, stream, sigs, errors, examples


def spec_stages_2_3(sigs, n_buckets, per_bucket):
    """Independent stages 2+3 per spec 3.1 (one rank). -> {removed idx: root idx}."""
    idx = np.array(sorted(sigs), dtype=np.int64)
    mat = np.stack([sigs[i] for i in idx]) if len(idx) else np.zeros((0, n_buckets * per_bucket))
    parent, size = {}, {}

    def find(x):
        root = x
        while parent.setdefault(root, root) != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    def union(x, y):
        ra, rb = find(x), find(y)
        if ra == rb:
            return
        sa, sb = size.get(ra, 1), size.get(rb, 1)
        if sa < sb:
            ra, rb = rb, ra
        parent[rb] = ra
        size[ra] = sa + sb
        size.pop(rb, None)

    for bk in range(n_buckets):
        cols = mat[:, bk * per_bucket : (bk + 1) * per_bucket]
        order = np.lexsort(tuple(cols[:, j] for j in range(per_bucket - 1, -1, -1)))
        # within equal sigs the record sort is by doc index, which lexsort's stability keeps
        for p, q in zip(order[:-1], order[1:]):
            if np.array_equal(cols[p], cols[q]):
                union(int(idx[p]), int(idx[q]))
    return {x: find(x) for x in sorted(parent) if find(x) != x}


def read_u32_pairs(path: Path):
    a = np.frombuffer(path.read_bytes(), dtype="<u4") if path.exists() else np.zeros(0, "<u4")
    return a.reshape(-1, 2)


def four_stage(stream, sigs, cfg, tmp: Path):
    from datatrove.data import Document
    from datatrove.pipeline.dedup.minhash import (
        MinhashDedupBuckets,
        MinhashDedupCluster,
        MinhashDedupFilter,
        MinhashDedupSignature,
    )

    sig_dir, buckets_dir, remove_dir = tmp / "signatures", tmp / "buckets", tmp / "remove_ids"
    timings = {}

    def docs():
        for i, (_, _, _, text) in enumerate(stream):
            yield Document(text=text, id=str(i))

    t = time.perf_counter()
    s1 = MinhashDedupSignature(output_folder=str(sig_dir), config=cfg)
    s1.run(docs(), rank=0, world_size=1)
    timings["stage1_signature"] = time.perf_counter() - t
    log(f"stage 1 (MinhashDedupSignature.run): {timings['stage1_signature']:.1f}s")

    # stage-1 files == per-document signatures (records <8Q I sorted by the full record)
    hpb = cfg.hashes_per_bucket
    dtype = np.dtype([(f"f{i}", "<u8") for i in range(hpb)] + [("doc", "<u4")])
    idx = np.array(sorted(sigs), dtype=np.uint32)
    mat = np.stack([sigs[i] for i in idx]) if len(idx) else np.zeros((0, 112), "<u8")
    for bk in range(cfg.num_buckets):
        exp = np.zeros(len(idx), dtype=dtype)
        for j in range(hpb):
            exp[f"f{j}"] = mat[:, bk * hpb + j]
        exp["doc"] = idx
        exp.sort(order=dtype.names)
        got = (sig_dir / f"bucket_{bk:03d}" / "00000.minhash.sig").read_bytes()
        assert got == exp.tobytes(), f"stage-1 bucket {bk} differs from per-document signatures"
    log(f"check OK: stage-1 files hold exactly the {len(idx)} per-document signatures")

    t = time.perf_counter()
    s2 = MinhashDedupBuckets(input_folder=str(sig_dir), output_folder=str(buckets_dir), config=cfg)
    for bk in range(cfg.num_buckets):
        s2.run(None, rank=bk, world_size=cfg.num_buckets)
    timings["stage2_buckets"] = time.perf_counter() - t
    pairs_per_bucket = [
        (buckets_dir / f"{bk:05d}_00.dups").stat().st_size // 16 for bk in range(cfg.num_buckets)
    ]
    log(f"stage 2 (MinhashDedupBuckets.run x{cfg.num_buckets}): {timings['stage2_buckets']:.1f}s")

    t = time.perf_counter()
    s3 = MinhashDedupCluster(
        input_folder=str(buckets_dir),
        output_folder=str(remove_dir),
        config=cfg,
        save_cluster_id=True,
        save_cluster_size=True,
    )
    s3.run(None, 0, world_size=1)
    timings["stage3_cluster"] = time.perf_counter() - t
    log(f"stage 3 (MinhashDedupCluster.run): {timings['stage3_cluster']:.1f}s")

    t = time.perf_counter()
    s4 = MinhashDedupFilter(
        input_folder=str(remove_dir), load_cluster_ids=True, load_cluster_sizes=True
    )
    kept = {int(d.id): d.metadata for d in s4.run(docs(), rank=0, world_size=1)}
    timings["stage4_filter"] = time.perf_counter() - t
    log(f"stage 4 (MinhashDedupFilter.run): {timings['stage4_filter']:.1f}s")

    rm_path = remove_dir / "000000.remove"
    remove_file = np.frombuffer(rm_path.read_bytes(), "<u4").tolist() if rm_path.exists() else []
    dropped = sorted(set(range(len(stream))) - set(kept))
    assert remove_file == sorted(remove_file) and len(set(remove_file)) == len(remove_file)
    assert remove_file == dropped, "stage 4 dropped docs differ from the .remove file"

    clusters = {int(d): int(c) for d, c in read_u32_pairs(remove_dir / "000000.clusters")}
    sizes = {int(d): int(s) for d, s in read_u32_pairs(remove_dir / "000000.sizes")}
    assert clusters.keys() == sizes.keys()
    removed = set(remove_file)
    root_of_cluster = {}
    for d, c in clusters.items():
        if d not in removed:
            assert c not in root_of_cluster, f"cluster {c} has two kept docs"
            root_of_cluster[c] = d
            assert kept[d].get("minhash_cluster_id") == c
            assert kept[d].get("minhash_cluster_size") == sizes[d]
    for i, md in kept.items():
        if i not in clusters:
            assert md.get("minhash_cluster_id") == -1 and md.get("minhash_cluster_size") == 1
    for c in set(clusters.values()):
        members = [d for d, cc in clusters.items() if cc == c]
        assert c in root_of_cluster and all(sizes[d] == len(members) for d in members)
    roots = {d: root_of_cluster[clusters[d]] for d in remove_file}
    log(
        f"check OK: .remove == stage-4 drops ({len(remove_file)}); "
        f"{len(root_of_cluster)} clusters, one kept doc each; stage-4 metadata agrees"
    )

    t = time.perf_counter()
    spec = spec_stages_2_3(sigs, cfg.num_buckets, hpb)
    assert spec == roots, "independent spec stages 2+3 disagree with datatrove"
    timings["spec_check"] = time.perf_counter() - t
    log("check OK: independent spec-3.1 stages 2+3 give the same removed docs and roots")

    return {
        "removed": remove_file,
        "roots": roots,
        "clusters": clusters,
        "sizes": sizes,
        "n_clusters": len(root_of_cluster),
        "pairs_per_bucket": pairs_per_bucket,
        "timings": timings,
    }


def main():
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--data", default=str(REPO.parent / "shared" / "eval_data"), help="eval_data directory"
    )
    ap.add_argument("--out-dir", default=str(REPO / "tests" / "golden" / "minhash"))
    ap.add_argument(
        "--limit", type=int, default=0, help="only the first N non-null docs per file (testing)"
    )
    ap.add_argument(
        "--keep-tmp", action="store_true", help="keep the stage folders (path is printed)"
    )
    args = ap.parse_args()

    from datatrove.pipeline.dedup.minhash import MinhashConfig, MinhashDedupSignature

    t_all = time.perf_counter()
    cfg = MinhashConfig()
    tmp = Path(tempfile.mkdtemp(prefix="golden_minhash_"))
    # default language (Languages.english == "eng"), exactly as MinhashDedupSignature uses it
    sig_step = MinhashDedupSignature(output_folder=str(tmp / "unused"), config=cfg)
    self_checks(sig_step)

    t = time.perf_counter()
    arrays, colmeta, stream, sigs, errors, examples = per_doc_pass(
        sig_step, DEFAULT_ORDER, Path(args.data), args.limit
    )
    t_perdoc = time.perf_counter() - t
    log(f"per-document pass: {t_perdoc:.1f}s, {len(stream)} docs, {len(sigs)} with signatures")

    res = four_stage(stream, sigs, cfg, tmp)

    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files = {}
    for (stem, col), arr in arrays.items():
        for k in KINDS:
            p = out / f"{stem}.{col}.{k}.u32.gz"
            write_u32_gz(p, arr[k])
            files[p.name] = p.stat().st_size

    removed = res["removed"]
    removed_json = {
        "what": "datatrove 0.10.1 MinHash 4-stage dedup (MinhashConfig() defaults) of all non-null "
        "eval_data docs as one stream, one rank; stream index = position in the enumeration "
        "(see meta.json stream_order)",
        "n_docs": len(stream),
        "n_with_signature": len(sigs),
        "n_removed": len(removed),
        "n_clusters": res["n_clusters"],
        "dup_pairs_per_bucket": res["pairs_per_bucket"],
        "removed": removed,
        "removed_ids": [list(stream[i][:3]) for i in removed],
        "removed_root": [res["roots"][i] for i in removed],
        "removed_cluster_id": [res["clusters"][i] for i in removed],
        "removed_cluster_size": [res["sizes"][i] for i in removed],
    }
    (out / "removed.json").write_text(json.dumps(removed_json, ensure_ascii=False) + "\n")

    a, b = sig_step.parameters
    meta = {
        "what": "datatrove 0.10.1 MinHash golden digests, one u32 per row per (file, column)",
        "versions": versions(),
        "config": {
            "MinhashConfig": dataclasses.asdict(cfg),
            "str": str(cfg),
            "language": sig_step.language,
            "tokenizer": "load_word_tokenizer('eng') (spaCy blank 'en' + sentencizer)",
            "permutations": cfg.num_buckets * cfg.hashes_per_bucket,
        },
        "parameters": {"a[0:3]": a[0, :3].tolist(), "b[0:3]": b[0, :3].tolist()},
        "digests": DIGESTS,
        "files_order": [n.removesuffix(".parquet") for n in DEFAULT_ORDER],
        "stream_order": "for each file in files_order, for each row in file order, for each column "
        "(web_html_extracted: text then text_main): the non-null texts (minus any listed in errors); "
        "same as gen_golden_decisions.iter_docs",
        "limit": args.limit or None,
        "columns": colmeta,
        "n_stream_docs": len(stream),
        "n_with_signature": len(sigs),
        "errors": errors,
        "examples": examples,
        "timings_s": {"per_document": round(t_perdoc, 1)}
        | {k: round(v, 2) for k, v in res["timings"].items()},
    }
    (out / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n")
    for name in ("removed.json", "meta.json"):
        files[name] = (out / name).stat().st_size

    if args.keep_tmp:
        log(f"stage folders kept in {tmp}")
    else:
        shutil.rmtree(tmp)
    total = sum(files.values())
    for name, size in sorted(files.items()):
        log(f"  {name}: {size / 1e3:.1f} kB")
    log(
        f"wrote {len(files)} files to {out} ({total / 1e6:.2f} MB); {len(stream)} docs, "
        f"{len(sigs)} with signatures, {len(removed)} removed, {len(errors)} errors; "
        f"ALL DONE in {time.perf_counter() - t_all:.1f}s"
    )


if __name__ == "__main__":
    main()
