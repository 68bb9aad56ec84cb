"""Decision parity with datatrove 0.10.1 over every document of eval_data (golden files made by
scripts/gen_golden_decisions.py): each filter alone, C4's rewritten text, and the FineWeb chain
as datatrove runs it (C4's rewritten text is what the next step sees). English on every file;
with ``language="zh"`` (datatrove's spaCy xx) and ``"cmn"`` (jieba) on the Chinese rows, ``"ja"``
(Sudachi) on the Japanese rows, ``"th"`` (PyThaiNLP newmm-safe + crfcut) and ``"vi"`` (spaCy vi
over pyvi's CRF) on the Thai and Vietnamese rows of the lingua test data."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from typing import Any

import pyarrow as pa
import pytest
from conftest import REPORT
from parity_data import (
    decision_files,
    decision_golden,
    pending_decision_languages,
    texts_by_id,
)

import qfast

THRESHOLD = 0.999
SKIP = ("ERR:", "TIMEOUT")


def _filters(language: str) -> dict[str, Any]:
    return {
        "gq": qfast.GopherQuality(language=language),
        "gr": qfast.GopherRepetition(language=language),
        "c4": qfast.C4Quality(language=language),
        "c4nt": qfast.C4Quality(filter_no_terminal_punct=False, language=language),
        "fw": qfast.FineWebQuality(language=language),
    }


COLS = {"gq": 2, "gr": 3, "c4": 4, "c4nt": 6, "fw": 8}
HASH_COLS = {"c4": 5, "c4nt": 7}
CHAIN_STEPS = ["gr", "gq", "c4nt", "fw"]
FILES = decision_files()
IDS = [f"{lang}-{p.name.split('.')[0]}" for lang, p in FILES]


def _h(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:16]


def _load(path):  # type: ignore[no-untyped-def]
    meta, rows = decision_golden(path)
    stem = meta["meta"]["file"].removesuffix(".parquet")
    texts = [texts_by_id(stem, r[1])[r[0]] for r in rows]
    return stem, rows, pa.array(texts, type=pa.large_string())


def _reason(keep: bool, reason: str | None) -> str:
    return "keep" if keep else (reason or "")


def test_golden_files_cover_the_main_eval_files() -> None:
    have = {(lang, p.name.split(".")[0]) for lang, p in FILES}
    for need in ("web_html_extracted", "web_dclm_human_quality", "web_cc_text_samples"):
        assert ("en", need) in have
    for lang in ("zh", "cmn"):
        assert (lang, "zh_reviews_chinesenlpcorpus") in have
        assert (lang, "web_html_extracted") in have
    assert ("ja", "ja_kwdlc_web_leads") in have
    assert ("th", "langid_lingua_testdata") in have  # no web page is Thai by LID-176
    assert ("vi", "langid_lingua_testdata") in have  # nor Vietnamese
    # Golden files of a language qfast does not tokenize natively yet would be listed here.
    REPORT.append(f"decision golden files not compared yet: {pending_decision_languages()}")
    assert set(pending_decision_languages()) <= {"ja"}


@pytest.mark.parametrize("language,path", FILES, ids=IDS)
def test_filters_agree_with_datatrove(language, path) -> None:  # type: ignore[no-untyped-def]
    stem, rows, texts = _load(path)
    stem = f"{language} {stem}"
    failures = []
    for key, filt in _filters(language).items():
        v = filt.verdict(texts)
        keep, reason = v.column("keep").to_pylist(), v.column("reason").to_pylist()
        new_text = v.column("text").to_pylist() if "text" in v.column_names else None
        n = agree = same_reason = drops_agree = hash_n = hash_ok = 0
        bad: list[str] = []
        for i, r in enumerate(rows):
            ref = r[COLS[key]]
            if ref.startswith(SKIP):
                continue
            ours = _reason(keep[i], reason[i])
            n += 1
            if (ours == "keep") == (ref == "keep"):
                agree += 1
                if ref != "keep":
                    drops_agree += 1
                    same_reason += ours == ref
                    if ours != ref:
                        bad.append(f"{r[0]}/{r[1]}: reason qfast {ours} vs datatrove {ref}")
                elif key in HASH_COLS and new_text is not None:
                    hash_n += 1
                    if _h(new_text[i]) == r[HASH_COLS[key]]:
                        hash_ok += 1
                    else:
                        bad.append(f"{r[0]}/{r[1]}: rewritten text differs")
            else:
                bad.append(f"{r[0]}/{r[1]}: qfast {ours} vs datatrove {ref}")
        rate = agree / n if n else 1.0
        line = f"{stem} {key}: keep/drop {agree}/{n} ({rate:.4%}); same reason {same_reason}/{drops_agree}"
        if key in HASH_COLS:
            line += f"; rewritten text {hash_ok}/{hash_n}"
        REPORT.append(line)
        REPORT.extend(f"  {stem} {key} {b}" for b in bad)
        if rate < THRESHOLD or same_reason != drops_agree:
            failures.append(line)
        if key in HASH_COLS and hash_n and hash_ok / hash_n < THRESHOLD:
            failures.append(line)
    assert not failures, failures


@pytest.mark.parametrize("language,path", FILES, ids=IDS)
def test_fineweb_chain_agrees_with_datatrove(language, path) -> None:  # type: ignore[no-untyped-def]
    stem, rows, texts = _load(path)
    stem = f"{language} {stem}"
    res = qfast.Pipeline.fineweb(language=language).run(texts)
    v = res.verdict
    keep, reason, step = (v.column(c).to_pylist() for c in ("keep", "reason", "step"))
    out_text = iter(res.data.to_pylist())
    n = agree = same = hash_ok = hash_n = 0
    bad = []
    by_reason: dict[str, int] = defaultdict(int)
    for i, r in enumerate(rows):
        ref, ref_hash = r[9], r[10]
        final = next(out_text) if keep[i] else None
        if ref.startswith(SKIP):
            continue
        n += 1
        ours = "keep" if keep[i] else f"{CHAIN_STEPS[step[i]]}:{reason[i]}"
        if (ours == "keep") == (ref == "keep"):
            agree += 1
            if ref == "keep":
                hash_n += 1
                hash_ok += _h(final) == ref_hash
            else:
                same += ours == ref
                by_reason[ref] += 1
            if ours != ref or (ref == "keep" and _h(final) != ref_hash):
                bad.append(f"{r[0]}/{r[1]}: qfast {ours} vs datatrove {ref}")
        else:
            bad.append(f"{r[0]}/{r[1]}: qfast {ours} vs datatrove {ref}")
    rate = agree / n if n else 1.0
    REPORT.append(
        f"{stem} fineweb chain: keep/drop {agree}/{n} ({rate:.4%}); same step+reason "
        f"{same}/{agree - hash_n}; final text {hash_ok}/{hash_n}"
    )
    REPORT.extend(f"  {stem} chain {b}" for b in bad)
    assert rate >= THRESHOLD
    assert same == agree - hash_n
    assert hash_n == 0 or hash_ok / hash_n >= THRESHOLD
