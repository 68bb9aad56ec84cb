"""Small pure-Python references of each filter signal (datatrove 0.10.1 semantics, written
from the spec in ../shared/reference/datatrove-spec.md), used by the property tests. Word lists
are an input here, so these check the signal arithmetic independently of tokenization."""

from __future__ import annotations

import math
import re
from collections import Counter

# datatrove utils/text.py character classes (facts from the spec: 129 + 159 code points).
PUNCTUATION = "!/—”:％１〈&(、━\\【#%「」，】；+^]~“《„';’{|∶´[=-`*．（–？！：$～«〉,><》)?）。…@_.\"}►»\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\r\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x7f\x80\x81\x82\x83\x84\x85\x86\x87\x88\x89\x8a\x8b\x8c\x8d\x8e\x8f\x90\x91\x92\x93\x94\x95\x96\x97\x98\x99\x9a\x9b\x9c\x9d\x9e\x9f"
TERMINAL_PUNCTUATION = frozenset(
    chr(int(h, 16))
    for h in """21 2E 3F 589 61D 61E 61F 6D4 700 701 702 7F9 837 839 83D 83E 964 965 104A 104B 1362 1367 1368 166E 1735 1736 17D4 17D5 17D6 17D9 17DA 1803 1809 1944 1945 1AA8 1AA9 1AAA 1AAB 1B5A 1B5B 1B5E 1B5F 1B7D 1B7E 1C3B 1C3C 1C7E 1C7F 203C 203D 2047 2048 2049 2E2E 2E3C 2E53 2E54 3002 A4FF A60E A60F A6F3 A6F7 A876 A877 A8CE A8CF A92F A9C8 A9C9 AA5D AA5E AA5F AAF0 AAF1 ABEB FE52 FE56 FE57 FF01 FF0E FF1F FF61 10A56 10A57 10F55 10F56 10F57 10F58 10F59 10F86 10F87 10F88 10F89 11047 11048 110BE 110BF 110C0 110C1 11141 11142 11143 111C5 111C6 111CD 111DE 111DF 11238 11239 1123B 1123C 112A9 1144B 1144C 115C2 115C3 115C9 115CA 115CB 115CC 115CD 115CE 115CF 115D0 115D1 115D2 115D3 115D4 115D5 115D6 115D7 11641 11642 1173C 1173D 1173E 11944 11946 11A42 11A43 11A9B 11A9C 11C41 11C42 11EF7 11EF8 11F43 11F44 16A6E 16A6F 16AF5 16B37 16B38 16B44 16E98 1BC9F 1DA88""".split()
)
PUNCTUATION_SET = frozenset(PUNCTUATION) | TERMINAL_PUNCTUATION
STOP_WORDS = ("the", "be", "to", "of", "and", "that", "have", "with")


def _ratio(a: float, b: float) -> float:
    if b == 0:
        return math.nan if a == 0 else math.inf
    return a / b


def gopher_quality(text: str, words: list[str]) -> dict[str, float]:
    n = len(words)
    nsw = [w for w in words if any(ch not in PUNCTUATION_SET for ch in w)]
    lines = text.splitlines()
    return {
        "n_words": n,
        "n_non_symbol_words": len(nsw),
        "avg_word_length": (sum(len(w) for w in nsw) / len(nsw)) if nsw else math.nan,
        "hash_ratio": _ratio(text.count("#"), n),
        "ellipsis_ratio": _ratio(text.count("...") + text.count("…"), n),
        "bullet_lines_ratio": _ratio(
            sum(1 for ln in lines if ln.lstrip().startswith(("•", "-"))), len(lines)
        ),
        "end_ellipsis_lines_ratio": _ratio(
            sum(1 for ln in lines if ln.rstrip().endswith(("...", "…"))), len(lines)
        ),
        "alpha_words_ratio": _ratio(sum(any(c.isalpha() for c in w) for w in words), n),
        "stop_words": len(set(STOP_WORDS) & set(words)),
    }


def _find_duplicates(xs: list[str]) -> tuple[int, int]:
    seen: set[str] = set()
    dup_elems = dup_chars = 0
    for x in xs:
        if x in seen:
            dup_elems += 1
            dup_chars += len(x)
        else:
            seen.add(x)
    return dup_elems, dup_chars


def gopher_repetition(text: str, words: list[str]) -> dict[str, float]:
    n_chars = len(text)
    paras = re.split(r"\n{2,}", text.strip())
    pd, pc = _find_duplicates(paras)
    lines = re.split(r"\n+", text)
    ld, lc = _find_duplicates(lines)
    out: dict[str, float] = {
        "dup_para_frac": _ratio(pd, len(paras)),
        "dup_para_char_frac": _ratio(pc, n_chars),
        "dup_line_frac": _ratio(ld, len(lines)),
        "dup_line_char_frac": _ratio(lc, n_chars),
    }
    for n in (2, 3, 4):
        grams = [" ".join(words[i : i + n]) for i in range(len(words) - n + 1)]
        if grams:
            g, c = Counter(grams).most_common(1)[0]
            out[f"top_{n}_gram_char_frac"] = _ratio(len(g) * c, n_chars)
        else:
            out[f"top_{n}_gram_char_frac"] = _ratio(0, n_chars)
    for n in range(5, 11):
        seen: set[str] = set()
        rep = idx = 0
        while idx < len(words) - n + 1:
            g = "".join(words[idx : idx + n])
            if g in seen:
                rep += len(g)
                idx += n
            else:
                seen.add(g)
                idx += 1
        out[f"duplicated_{n}_n_grams_char_frac"] = _ratio(rep, n_chars)
    return out


def fineweb_quality(text: str, words: list[str]) -> dict[str, float]:
    lines = [ln for ln in text.split("\n") if ln.strip() != ""]
    stop = tuple(TERMINAL_PUNCTUATION)
    nl = len(lines)
    _, dup_chars = _find_duplicates(lines)
    return {
        "n_lines": nl,
        "line_punct_ratio": _ratio(sum(1 for ln in lines if ln.endswith(stop)), nl),
        "short_line_ratio": _ratio(sum(1 for ln in lines if len(ln) <= 30), nl),
        "char_dup_ratio": _ratio(dup_chars, len(text.replace("\n", ""))),
        "list_ratio": _ratio(text.count("\n"), len(words)),
    }


CITATION = re.compile(r"\[\d*]|\[edit]|\[citation needed]")
POLICY = (
    "terms of use",
    "privacy policy",
    "cookie policy",
    "uses cookies",
    "use of cookies",
    "use cookies",
)


def c4_quality(text: str, sentence_count) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """C4QualityFilter with ``filter_no_terminal_punct=False`` and otherwise default settings;
    ``sentence_count(line)`` stands in for datatrove's spaCy sentence splitter."""
    stats = dict.fromkeys(
        (
            "line_total",
            "line_filter_too_long_word",
            "line_filter_too_few_words",
            "line_filter_javascript",
            "line_filter_policy",
            "line_kept",
        ),
        0,
    )
    kept: list[str] = []
    num_sentences = 0
    for unit in text.splitlines():
        stats["line_total"] += 1
        line = unit.strip()
        words = line.split()
        if any(len(w) > 1000 for w in words):
            stats["line_filter_too_long_word"] += 1
            continue
        line = CITATION.sub("", line)
        if len(words) < 3:
            stats["line_filter_too_few_words"] += 1
            continue
        low = line.lower()
        if "lorem ipsum" in low:
            return {**stats, "reason": "lorem_ipsum"}
        if "javascript" in low:
            stats["line_filter_javascript"] += 1
            continue
        if "{" in line:
            return {**stats, "reason": "curly_bracket"}
        if any(p in low for p in POLICY):
            stats["line_filter_policy"] += 1
            continue
        num_sentences += sentence_count(line)
        kept.append(line)
        stats["line_kept"] += 1
    if num_sentences < 5:
        return {**stats, "num_sentences": num_sentences, "reason": "too_few_sentences"}
    return {
        **stats,
        "num_sentences": num_sentences,
        "reason": None,
        "text": "\n".join(kept).strip(),
    }
