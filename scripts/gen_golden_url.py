"""Golden verdicts of datatrove 0.10.1's ``URLFilter`` for tests/test_url_parity.py.

The test run has no datatrove, so the block lists are a committed sample: every entry of
datatrove's integrated lists that a test URL could hit, plus a seeded random sample of the
rest (tests/golden/url/*.txt). datatrove then runs with ``use_integrated_lists=False`` and those
lists as extras, and ``tldextract`` is held to its bundled public-suffix snapshot (datatrove's
``TLDExtract()`` would try to fetch the live list). URLs: the ``url`` columns of eval_data plus
generated edge cases (schemes, user info, ports, IPs, IPv6, punycode, wildcard suffixes, case,
trailing and ideographic dots, banned, soft and sub-words).

The sampled lists come from datatrove's bundled blacklists (the UT1 lists of Universite
Toulouse Capitole, CC BY-SA 4.0, as datatrove ships them) and word lists (datatrove, Apache-2.0).

usage: python scripts/gen_golden_url.py [EVAL_DATA_DIR]
"""

from __future__ import annotations

import random
import sys
import tarfile
from functools import partial
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import tldextract
from datatrove.data import Document
from datatrove.pipeline.filters import url_filter
from datatrove.utils._import_utils import ASSETS_PATH

REPO = Path(__file__).resolve().parent.parent
EVAL = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO.parent / "shared" / "eval_data"
OUT = REPO / "tests" / "golden" / "url"


def main() -> None:
    rng = random.Random(20261123)
    with tarfile.open(Path(ASSETS_PATH) / "url_filterblacklistsv0_3_0.tar.gz", "r:gz") as tar:
        domains = [
            x.strip()
            for x in tar.extractfile("domains").read().decode().splitlines()
            if x[:1] != "#"
        ]
        urls = [
            x.strip() for x in tar.extractfile("urls").read().decode().splitlines() if x[:1] != "#"
        ]
    words = {
        n: (Path(ASSETS_PATH) / f"{n}.txt").read_text().splitlines(keepends=True)
        for n in ("banned_words", "banned_subwords", "soft_banned_words")
    }
    eval_urls: list[str] = []
    for stem in ("web_html_extracted", "web_cc_text_samples"):
        eval_urls += [
            u
            for u in pq.read_table(EVAL / f"{stem}.parquet", columns=["url"])
            .column("url")
            .to_pylist()
            if u
        ]
    dom_sample = rng.sample(domains, 3000)
    url_sample = rng.sample(urls, 300)
    clean = lambda w: "".join(c for c in w if c.isascii() and c.isalnum()).lower()  # noqa: E731
    banned = [clean(w) for w in words["banned_words"] if w[:1] != "#" and clean(w)]
    soft = [clean(w) for w in words["soft_banned_words"] if w[:1] != "#" and clean(w)]
    subs = [clean(w) for w in words["banned_subwords"] if w[:1] != "#" and clean(w)]
    hosts = (
        dom_sample[:400]
        + ["www." + d for d in dom_sample[400:700]]
        + [d.upper() for d in dom_sample[700:750]]
        + [
            "foo.co.uk",
            "bar.ck",
            "www.ck",
            "x.xn--55qx5d.cn",
            "a.b.c.ck",
            "co.uk",
            "localhost",
            "8.8.8.8",
            "[::1]",
            "[2001:db8::1]",
            "example.com.",
            "example\u3002com",
            "EXAMPLE.COM",
            "sub.example.org",
            "xn--bcher-kva.de",
            "a..b.com",
            ".com",
            "com",
            "",
            "例子.中国",
            "test.appspot.com",
        ]
    )
    schemes = [
        "http://",
        "https://",
        "",
        "//",
        "ftp://",
        "HTTP://",
        "a+b://",
        "1http://",
        "mailto:",
    ]
    gen: list[str] = []
    for _ in range(6000):
        h = rng.choice(hosts)
        path = "/".join(
            rng.choice(
                [
                    "",
                    "page",
                    rng.choice(banned),
                    rng.choice(soft),
                    rng.choice(soft),
                    "x" + rng.choice(subs) + "y",
                    "index.html",
                    "A-B_c",
                ]
            )
            for _ in range(rng.randint(0, 3))
        )
        gen.append(
            rng.choice(schemes)
            + rng.choice(["", "", "user:pw@", "@"])
            + h
            + rng.choice(["", "", ":8080", ":"])
            + ("/" + path if path or rng.random() < 0.5 else "")
            + rng.choice(["", "", "?q=1", "#frag", "/"])
        )
    gen += url_sample + [u + "/" for u in url_sample[:50]]
    # The committed lists: the sampled entries (so hits occur) and nothing else.
    lists = {
        "domains": sorted(set(dom_sample[:1500]) | {"sub.example.org", "example.com"}),
        "urls": sorted(set(url_sample)),
        "banned_words": banned,
        "banned_subwords": subs,
        "soft_banned_words": soft,
    }
    OUT.mkdir(parents=True, exist_ok=True)
    for name, items in lists.items():
        (OUT / f"{name}.txt").write_text("".join(x + "\n" for x in items), encoding="utf-8")
    # URLFilter imports TLDExtract when constructed: hold it to the bundled snapshot.
    tldextract.TLDExtract = partial(tldextract.TLDExtract, suffix_list_urls=())  # type: ignore[misc]
    f = url_filter.URLFilter(
        use_integrated_lists=False,
        extra_domains=[x + "\n" for x in lists["domains"]],
        extra_urls=[x + "\n" for x in lists["urls"]],
        banned_words=[x + "\n" for x in lists["banned_words"]],
        banned_subwords=[x + "\n" for x in lists["banned_subwords"]],
        soft_banned_words=[x + "\n" for x in lists["soft_banned_words"]],
    )
    all_urls = eval_urls + [u for u in gen if u]
    reasons = []
    for u in all_urls:
        r = f.filter(Document(text="", id="0", metadata={"url": u}))
        reasons.append(None if r is True else r[1])
    pq.write_table(
        pa.table({"url": all_urls, "reason": reasons}).replace_schema_metadata(
            {
                "generator": "scripts/gen_golden_url.py",
                "datatrove": "0.10.1",
                "tldextract": tldextract.__version__,
            }
        ),
        OUT / "verdicts.parquet",
        compression="zstd",
    )
    from collections import Counter

    print(len(all_urls), Counter(reasons))


if __name__ == "__main__":
    main()
