"""Synthetic near-duplicate corpus for the MinHash benches, and its exact-Jaccard ground truth.

Recipe (as `shared/reference/minhash.md` §3.1, rebuilt from the text on this machine):

* **Sources.** English documents of `shared/eval_data` (DCLM's Common Crawl pages, the English
  pages of `web_html_extracted` as whole page `text` and as main content `text_main`, the English
  `web_cc_text_samples`), then the plain text the machine has: Debian package docs
  (README/txt/md/rst/NEWS) and licence texts, vim help files, CPython stdlib docstrings and
  comments. Exact duplicate texts are dropped before and after chunking.
* **Chunks.** Paragraphs grouped to a random target of 1,000-5,000 characters; a chunk needs at
  least 50 words.
* **Composition.** `N_ORIG` originals sampled from the chunks; `N_DUP` (10% of the corpus)
  near-duplicates, each a copy of a random original with a fraction p ~ U(0.3%, 6%) of its
  words edited (50% substituted by a word of the same document, 30% deleted, 20% followed by an
  inserted word). Rows are shuffled; `id` is the row position, `dup_of` the id of the original
  a near-duplicate was made from.
* **Ground truth.** Exact Jaccard of the unique word 5-shingle sets of `text.lower().split()`
  (the shingles every peer and `qfast.MinHash.fast()` use) for every pair of documents that
  share a shingle, computed as a sparse X·Xᵀ. Pairs with J >= `KEEP_J` are stored; any other pair
  has a lower Jaccard.

Everything is drawn from seeded RNGs over sorted inputs, so a machine with the same files builds
the same corpus. Both tables are cached as Parquet under `benches/.data/` (gitignored).

Run `python benches/minhash_corpus.py` to build (or rebuild with `--force`) and print a summary.
"""

from __future__ import annotations

import ast
import glob
import gzip
import hashlib
import io
import os
import random
import re
import sys
import tokenize
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

REPO = Path(__file__).resolve().parent.parent
EVAL_DATA = Path(os.environ.get("QFAST_EVAL_DATA", REPO.parent / "shared" / "eval_data"))
CACHE = Path(os.environ.get("QFAST_BENCH_DATA", REPO / "benches" / ".data"))

VERSION = 1  # bump when the recipe changes: the cache file names carry it
SEED = 7
N_ORIG = 18_000
N_DUP = 2_000
N_GRAMS = 5
KEEP_J = 0.5  # truth pairs stored at and above this Jaccard
MIN_WORDS = 50
CHUNK_LO, CHUNK_HI = 1_000, 5_000

CORPUS_PATH = CACHE / f"minhash_corpus_v{VERSION}.parquet"
TRUTH_PATH = CACHE / f"minhash_truth_v{VERSION}.parquet"


# ---------------------------------------------------------------------------------------------
# Shingles and exact Jaccard


def word_shingles(text: str, n: int = N_GRAMS) -> list[str]:
    """Word n-grams of `text.lower().split()`, joined by one space (the peers' shingles)."""
    w = text.lower().split()
    return [" ".join(w[i : i + n]) for i in range(len(w) - n + 1)]


def _hash_set(shingles: Iterable[str]) -> np.ndarray:
    import xxhash

    return np.unique(np.fromiter((xxhash.xxh3_64_intdigest(s) for s in shingles), dtype=np.uint64))


def exact_pairs(shingle_sets: Sequence[Iterable[str]], min_j: float = KEEP_J) -> pa.Table:
    """Exact Jaccard of every pair of documents sharing a shingle, kept at `min_j` and above:
    `id_a < id_b` (positions in `shingle_sets`), `jaccard`, `inter`, `size_a`, `size_b`.
    Shingles are compared by their 64-bit XXH3 (a collision is vanishingly unlikely at this
    size). Empty sets never pair."""
    import scipy.sparse as sp

    hs = [_hash_set(s) for s in shingle_sets]
    n = len(hs)
    sizes = np.array([len(h) for h in hs], dtype=np.int64)
    indptr = np.concatenate([[0], np.cumsum(sizes)])
    flat = np.concatenate(hs) if n else np.zeros(0, np.uint64)
    _, col = np.unique(flat, return_inverse=True)
    x = sp.csr_matrix(
        (np.ones(len(col), np.int32), col.astype(np.int64), indptr),
        shape=(n, int(col.max()) + 1 if len(col) else 0),
    )
    xt = x.T.tocsr()
    ia, ib, jj, ii = [], [], [], []
    step = 1000
    for lo in range(0, n, step):
        c = sp.triu(x[lo : lo + step] @ xt, k=lo + 1).tocoo()
        a = c.row.astype(np.int64) + lo
        b = c.col.astype(np.int64)
        inter = c.data.astype(np.int64)
        j = inter / (sizes[a] + sizes[b] - inter)
        keep = j >= min_j
        ia.append(a[keep])
        ib.append(b[keep])
        jj.append(j[keep])
        ii.append(inter[keep])
    a = np.concatenate(ia) if ia else np.zeros(0, np.int64)
    b = np.concatenate(ib) if ib else np.zeros(0, np.int64)
    order = np.lexsort((b, a))
    a, b = a[order], b[order]
    return pa.table(
        {
            "id_a": a,
            "id_b": b,
            "jaccard": (np.concatenate(jj) if jj else np.zeros(0))[order],
            "inter": (np.concatenate(ii) if ii else np.zeros(0, np.int64))[order],
            "size_a": sizes[a],
            "size_b": sizes[b],
        }
    )


# ---------------------------------------------------------------------------------------------
# Sources


def _norm(text: str) -> str:
    """Blank runs collapsed inside each line; line and paragraph breaks kept."""
    return "\n".join(re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in text.splitlines())


def eval_texts() -> Iterator[tuple[str, str]]:
    """(source, text) of the English documents of shared/eval_data, exact duplicates removed."""
    seen: set[str] = set()

    def emit(src: str, texts: Iterable[str | None]) -> Iterator[tuple[str, str]]:
        for t in texts:
            if t and t.strip() and t not in seen:
                seen.add(t)
                yield src, t

    dclm = pq.read_table(EVAL_DATA / "web_dclm_human_quality.parquet", columns=["id", "text"])
    dclm = dclm.sort_by("id")
    yield from emit("dclm", dclm.column("text").to_pylist())
    web = pq.read_table(
        EVAL_DATA / "web_html_extracted.parquet",
        columns=["id", "text", "text_main", "ref_lang_langid", "ref_lang_fasttext176"],
    ).sort_by("id")
    en = pc.and_(
        pc.equal(web.column("ref_lang_langid"), "en"),
        pc.equal(web.column("ref_lang_fasttext176"), "en"),
    )
    web = web.filter(pc.fill_null(en, False))
    yield from emit("web_html", web.column("text").to_pylist())
    yield from emit("web_html_main", web.column("text_main").to_pylist())
    cc = pq.read_table(
        EVAL_DATA / "web_cc_text_samples.parquet", columns=["id", "text", "ref_lang_langid"]
    ).sort_by("id")
    cc = cc.filter(pc.fill_null(pc.equal(cc.column("ref_lang_langid"), "en"), False))
    yield from emit("web_cc", cc.column("text").to_pylist())


def _read(path: str) -> str:
    try:
        raw = gzip.open(path).read() if path.endswith(".gz") else open(path, "rb").read()
    except (OSError, EOFError):
        return ""
    if b"\x00" in raw[:4096]:
        return ""  # binary
    return raw.decode("utf-8", "replace")


def doc_texts() -> Iterator[tuple[str, str]]:
    """Debian package docs and licence texts."""
    pats = ("README*", "*.txt", "*.txt.gz", "*.md", "*.md.gz", "*.rst", "NEWS*")
    files = {
        f
        for p in pats
        for f in glob.glob(f"/usr/share/doc/**/{p}", recursive=True)
        if os.path.isfile(f)
    }
    for f in sorted(files) + sorted(glob.glob("/usr/share/common-licenses/*")):
        if os.path.isfile(f):
            yield "doc", _read(f)


def vim_texts() -> Iterator[tuple[str, str]]:
    for f in sorted(glob.glob("/usr/share/vim/vim*/doc/*.txt")):
        yield "vim", _read(f)


def python_texts() -> Iterator[tuple[str, str]]:
    """Docstrings and longer comments of the CPython standard library (not tests, not
    site-packages)."""
    root = Path(sys.base_prefix) / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}"
    for f in sorted(root.rglob("*.py")):
        rel = str(f.relative_to(root))
        if "site-packages" in rel or "test" in rel.split(os.sep)[0]:
            continue
        try:
            src = f.read_text(encoding="utf-8")
            tree = ast.parse(src)
        except (SyntaxError, UnicodeDecodeError, ValueError, OSError):
            continue
        docs = [
            ast.get_docstring(node)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        ]
        try:
            comments = [
                tok.string.lstrip("#").strip()
                for tok in tokenize.generate_tokens(io.StringIO(src).readline)
                if tok.type == tokenize.COMMENT
            ]
        except (tokenize.TokenError, SyntaxError):
            comments = []
        yield (
            "py",
            "\n\n".join(d for d in docs if d)
            + "\n\n"
            + "\n".join(c for c in comments if len(c) > 20),
        )


def chunks(text: str, rng: random.Random) -> Iterator[str]:
    """Paragraphs grouped into pieces of a random target length in [CHUNK_LO, CHUNK_HI]
    characters; over-long paragraphs are cut at a line break (or hard at CHUNK_HI). The last
    piece is kept whatever its length (the word minimum applies later)."""
    cur, target = "", rng.randint(CHUNK_LO, CHUNK_HI)
    for para in re.split(r"\n\s*\n", text):
        para = para.strip("\n")
        if not para:
            continue
        while len(para) > CHUNK_HI:
            cut = para.rfind("\n", 0, CHUNK_HI)
            cut = cut if cut > 0 else para.rfind(" ", 0, CHUNK_HI)
            cut = cut if cut > 0 else CHUNK_HI
            head, para = para[:cut], para[cut:].lstrip()
            cur = f"{cur}\n\n{head}" if cur else head
            if len(cur) >= target:
                yield cur[:CHUNK_HI]
                cur, target = "", rng.randint(CHUNK_LO, CHUNK_HI)
        cur = f"{cur}\n\n{para}" if cur else para
        if len(cur) >= target:
            yield cur[:CHUNK_HI]
            cur, target = "", rng.randint(CHUNK_LO, CHUNK_HI)
    if cur:
        yield cur[:CHUNK_HI]


def edit_words(text: str, rng: random.Random) -> tuple[str, float]:
    """A near-duplicate of `text`: a fraction p ~ U(0.3%, 6%) of its words (at least one) is
    substituted (50%), deleted (30%) or followed by an inserted word (20%). Replacement words
    come from the same document. Whitespace between the other words is kept."""
    parts = re.split(r"(\s+)", text)
    words = [i for i in range(0, len(parts), 2) if parts[i]]
    vocab = [parts[i] for i in words]
    p = rng.uniform(0.003, 0.06)
    for i in rng.sample(words, max(1, round(p * len(words)))):
        op = rng.random()
        if op < 0.5:
            parts[i] = rng.choice(vocab)
        elif op < 0.8:
            parts[i] = ""
        else:
            parts[i] = f"{parts[i]} {rng.choice(vocab)}"
    return re.sub(r" {2,}", " ", "".join(parts)).strip(), p


# ---------------------------------------------------------------------------------------------
# Build and cache


def _all_chunks() -> tuple[list[str], list[str], dict[str, int]]:
    seen: set[bytes] = set()
    texts: list[str] = []
    sources: list[str] = []
    counts: dict[str, int] = {}
    rng = random.Random(SEED + 1)
    for gen in (eval_texts(), doc_texts(), vim_texts(), python_texts()):
        for src, raw in gen:
            for piece in chunks(_norm(raw).strip(), rng):
                if len(piece.split()) < MIN_WORDS:
                    continue
                key = hashlib.blake2b(piece.encode(), digest_size=16).digest()
                if key in seen:
                    continue
                seen.add(key)
                texts.append(piece)
                sources.append(src)
                counts[src] = counts.get(src, 0) + 1
    return texts, sources, counts


def build() -> tuple[pa.Table, pa.Table]:
    texts, sources, counts = _all_chunks()
    rng = random.Random(SEED)
    n_orig = min(N_ORIG, len(texts))
    n_dup = round(n_orig * N_DUP / N_ORIG)
    pick = rng.sample(range(len(texts)), n_orig)
    rows: list[tuple[str, str, int | None, float | None]] = [
        (texts[i], sources[i], None, None) for i in pick
    ]
    for _ in range(n_dup):
        j = rng.randrange(n_orig)
        text, p = edit_words(rows[j][0], rng)
        rows.append((text, rows[j][1], j, p))
    perm = list(range(len(rows)))
    rng.shuffle(perm)
    new_id = {old: new for new, old in enumerate(perm)}
    table = pa.table(
        {
            "id": pa.array(range(len(rows)), pa.int64()),
            "text": pa.array([rows[o][0] for o in perm], pa.string()),
            "source": pa.array([rows[o][1] for o in perm], pa.string()),
            "dup_of": pa.array(
                [None if (src := rows[o][2]) is None else new_id[src] for o in perm], pa.int64()
            ),
            "edit_frac": pa.array([rows[o][3] for o in perm], pa.float64()),
        }
    )
    meta = {f"chunks_{k}": str(v) for k, v in counts.items()}
    meta.update(version=str(VERSION), seed=str(SEED), n_orig=str(n_orig), n_dup=str(n_dup))
    table = table.replace_schema_metadata(meta)
    truth = exact_pairs([word_shingles(t) for t in table.column("text").to_pylist()])
    return table, truth


def load(force: bool = False) -> tuple[pa.Table, pa.Table]:
    """(corpus, truth pairs), built once and then read from the cache."""
    if force or not (CORPUS_PATH.exists() and TRUTH_PATH.exists()):
        table, truth = build()
        CACHE.mkdir(parents=True, exist_ok=True)
        pq.write_table(table, CORPUS_PATH, compression="zstd")
        pq.write_table(truth, TRUTH_PATH, compression="zstd")
    return pq.read_table(CORPUS_PATH), pq.read_table(TRUTH_PATH)


def summary(table: pa.Table, truth: pa.Table) -> str:
    texts = table.column("text").to_pylist()
    nbytes = np.array([len(t.encode()) for t in texts])
    dup_of = table.column("dup_of").to_pylist()
    j = truth.column("jaccard").to_numpy()
    a, b = truth.column("id_a").to_numpy(), truth.column("id_b").to_numpy()
    injected = np.array(
        [dup_of[x] == y or dup_of[y] == x for x, y in zip(a.tolist(), b.tolist())], dtype=bool
    )
    hi = j >= 0.8
    docs_hi = len(set(a[hi].tolist()) | set(b[hi].tolist()))
    meta = {k.decode(): v.decode() for k, v in (table.schema.metadata or {}).items()}
    return (
        f"{len(texts)} docs, {nbytes.sum() / 1e6:.1f} MB, median {int(np.median(nbytes))} B "
        f"(p5 {int(np.percentile(nbytes, 5))}, p95 {int(np.percentile(nbytes, 95))}); "
        f"chunks per source {meta}\n"
        f"truth: {int(hi.sum())} pairs J>=0.8 over {docs_hi} docs "
        f"({int((hi & injected).sum())} injected, {int((hi & ~injected).sum())} natural); "
        f"injected pairs in [0.5,0.8): {int((~hi & injected).sum())}; "
        f"all pairs J>={KEEP_J}: {len(j)}"
    )


if __name__ == "__main__":
    corpus, truth = load(force="--force" in sys.argv)
    print(summary(corpus, truth))
