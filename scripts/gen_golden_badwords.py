"""Golden verdicts of datatrove 0.10.1's ``C4BadWordsFilter`` for tests/test_badwords_parity.py.

The real LDNOOBW lists are downloaded by datatrove at run time (not reachable here, and not
needed for parity of the matching rules), so the filter's download is pointed at the test
lists in tests/golden/badwords/lists/ (written by this script: common words, so that many rows
hit; multi-word entries, regex metacharacters, an allowlisted word, CJK substrings). Every text
row of eval_data goes through ONE filter instance in a fixed order, with its `lang` as
`metadata["language"]`, `fail_on_missing_language=False`, `keep_fraction=0.3`, `seed=7` (so
the sampling draws are checked too). Stored: position and verdict code for rows not kept
plainly (1 drop, 2 kept by sampling, 3 no list for the language).

usage: python scripts/gen_golden_badwords.py [EVAL_DATA_DIR]
"""

from __future__ import annotations

import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from datatrove.data import Document
from datatrove.pipeline.filters import c4_filters

REPO = Path(__file__).resolve().parent.parent
EVAL = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO.parent / "shared" / "eval_data"
OUT = REPO / "tests" / "golden" / "badwords"
ORDER = [
    ("web_html_extracted", "text"),
    ("web_dclm_human_quality", "text"),
    ("web_cc_text_samples", "text"),
    ("ja_kwdlc_web_leads", "text"),
    ("zh_reviews_chinesenlpcorpus", "text"),
    ("langid_lingua_testdata", "text"),
]
LISTS = {
    "en": [
        "sex",
        "porn",
        "click here",
        "cookies",
        "c++",
        "u.s.",
        "e-mail",
        "free shipping",
        "sm",
        "Upper",
    ],
    "de": ["und", "nicht", "straße"],
    "fr": ["merci", "très", "aujourd'hui"],
    "ja": ["ない", "グロ", "女の子", "東京"],
    "zh": ["不错", "性", "酒店"],
}


# datatrove's other languages get a list with one word that never occurs (it would download
# theirs); languages outside its set have no list at all.
KNOWN = "ar cs da de en eo es fa fi fil fr fr-CA-u-sd-caqc hi hu it ja kab ko nl no pl pt ru sv th tlh tr zh".split()


def main() -> None:
    (OUT / "lists").mkdir(parents=True, exist_ok=True)
    for lang in KNOWN:
        (OUT / "lists" / lang).write_text("zzqqxxnever\n", encoding="utf-8")
    for lang, words in LISTS.items():
        (OUT / "lists" / lang).write_text("".join(w + "\n" for w in words), encoding="utf-8")
    c4_filters.cached_asset_path_or_download = lambda url, **_: str(
        OUT / "lists" / url.rsplit("/", 1)[1]
    )
    f = c4_filters.C4BadWordsFilter(keep_fraction=0.3, fail_on_missing_language=False, seed=7)
    pos, code = [], []
    i = 0
    for stem, column in ORDER:
        t = pq.read_table(EVAL / f"{stem}.parquet", columns=[column, "lang"])
        for text, lang in zip(t.column(column).to_pylist(), t.column("lang").to_pylist()):
            if text is not None:
                meta = {} if lang is None else {"language": lang}
                doc = Document(text=text, id=str(i), metadata=meta)
                lang_ = meta.get("language", "en")

                def snap() -> dict[str, float]:
                    return {k: getattr(v, "total", v) for k, v in f.stats.stats.items()}

                before = snap()
                keep = f.filter(doc)
                after = snap()
                if after.get(f"missing_badwords_lang_{lang_}") != before.get(
                    f"missing_badwords_lang_{lang_}"
                ):
                    c = 3
                elif keep is not True:
                    c = 1
                elif after.get(f"document_kept_with_badwords_{lang_}") != before.get(
                    f"document_kept_with_badwords_{lang_}"
                ):
                    c = 2
                else:
                    c = 0
                if c:
                    pos.append(i)
                    code.append(c)
            i += 1
    pq.write_table(
        pa.table(
            {"pos": pa.array(pos, pa.int32()), "code": pa.array(code, pa.int8())}
        ).replace_schema_metadata(
            {"generator": "scripts/gen_golden_badwords.py", "datatrove": "0.10.1", "rows": str(i)}
        ),
        OUT / "verdicts.parquet",
        compression="zstd",
    )
    print(
        f"{i} rows: {sum(c == 1 for c in code)} dropped, {sum(c == 2 for c in code)} kept by sampling, "
        f"{sum(c == 3 for c in code)} without a list"
    )
    edge_cases()


def edge_cases() -> None:
    """Generated texts around the list words: every separator class Python's \\W sees
    differently (underscore, digits, accented and CJK letters, combining marks, joiners,
    punctuation), case changes, text ends. One fresh filter without sampling."""
    import random

    rng = random.Random(11)
    words = [w for ws in LISTS.values() for w in ws] + ["zzqqxxnever"]
    seps = [
        " ",
        "",
        "_",
        "1",
        "é",
        "字",
        "\u0301",
        "\u200c",
        "-",
        ".",
        "'",
        "\n",
        "\t",
        "²",
        "Ⅳ",
        "’",
        "ß",
    ]
    f = c4_filters.C4BadWordsFilter(fail_on_missing_language=False)
    texts, langs, codes = [], [], []
    for _ in range(6000):
        parts = []
        for _ in range(rng.randint(1, 4)):
            w = rng.choice(words)
            w = w.upper() if rng.random() < 0.2 else (w.title() if rng.random() < 0.1 else w)
            parts += [rng.choice(seps), w, rng.choice(seps)]
        t = "".join(parts)
        lang = rng.choice(["en", "de", "fr", "ja", "zh", "xx"])
        keep = f.filter(Document(text=t, id="0", metadata={"language": lang}))
        texts.append(t)
        langs.append(lang)
        codes.append(3 if lang == "xx" else (0 if keep is True else 1))
    pq.write_table(
        pa.table({"text": texts, "language": langs, "code": pa.array(codes, pa.int8())}),
        OUT / "edge_cases.parquet",
        compression="zstd",
    )
    print(f"edge cases: {len(texts)}, {sum(c == 1 for c in codes)} dropped")


if __name__ == "__main__":
    main()
