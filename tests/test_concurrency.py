"""Steps shared between Python threads, processes forked after qfast has run, and DataLoader
workers: the same answers as a single-threaded run, and no deadlock. Every wait has a timeout,
so a deadlock fails the test instead of hanging the suite."""

from __future__ import annotations

import multiprocessing as mp
import os
import threading
from collections.abc import Callable
from typing import Any

import pyarrow as pa
import pytest

import qfast

TIMEOUT = 120
BATCHES = [
    pa.array(
        [
            f"Batch {b}, document {i}. Mail me at user{i}@example.com or call now! "
            f"The quick brown fox jumps over the lazy dog {i % 5} times.\n" * (i % 6 + 1)
            for i in range(200)
        ],
        pa.large_string(),
    )
    for b in range(8)
]

FINEWEB = qfast.Pipeline.fineweb()
PII = qfast.PIIFormatter(remove_phones=True)
QUALITY = qfast.GopherQuality()


def _work(b: pa.Array) -> tuple[Any, ...]:
    """Every shared step once over batch ``b``: comparable results."""
    return (
        FINEWEB.verdict(b),
        PII.redact(b),
        QUALITY.signals(b),
        qfast.words(b),
        qfast.sentences(b),
    )


def _run_with_timeout(fn: Callable[[], None]) -> None:
    errors: list[BaseException] = []

    def target() -> None:
        try:
            fn()
        except BaseException as e:  # noqa: BLE001 - re-raised in the test's thread
            errors.append(e)

    t = threading.Thread(target=target, daemon=True)
    t.start()
    t.join(TIMEOUT)
    assert not t.is_alive(), f"no result after {TIMEOUT} s: deadlock"
    if errors:
        raise errors[0]


def test_steps_shared_across_python_threads() -> None:
    expected = [_work(b) for b in BATCHES]
    got: dict[int, tuple[Any, ...]] = {}
    FINEWEB.reset_stats()

    def all_threads() -> None:
        # 8 threads x 3 rounds over the same step objects, each batch's answer checked.
        def worker(k: int) -> None:
            for _ in range(3):
                got[k] = _work(BATCHES[k])

        threads = [threading.Thread(target=worker, args=(k,)) for k in range(len(BATCHES))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(TIMEOUT)
            assert not t.is_alive()

    _run_with_timeout(all_threads)
    assert sorted(got) == list(range(len(BATCHES)))
    for k, exp in enumerate(expected):
        for a, b in zip(got[k], exp):
            assert a.equals(b), f"batch {k}: a thread got a different answer"
    # The shared pipeline's running totals lost no update: 8 batches x 3 rounds x 200 rows.
    assert FINEWEB.stats[0]["rows_in"] == 8 * 3 * 200


def _child_words(k: int) -> list[Any]:
    return qfast.words(BATCHES[k]).to_pylist()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_processes_forked_after_use() -> None:
    qfast.set_num_threads(2)
    parent = [_child_words(k) for k in range(4)]  # the pool's threads exist before the fork
    ctx = mp.get_context("fork")
    with ctx.Pool(2) as pool:
        async_result = pool.map_async(_child_words, range(4))
        children = async_result.get(timeout=TIMEOUT)
    assert children == parent
    # And the parent still works after its children ran.
    assert _child_words(0) == parent[0]


class _TextDataset:
    """A map-style dataset whose items are filtered with a step built in the parent."""

    def __len__(self) -> int:
        return len(BATCHES)

    def __getitem__(self, k: int) -> list[bool]:
        return FINEWEB.verdict(BATCHES[k])["keep"].to_pylist()


def test_dataloader_workers_after_the_parent_used_qfast() -> None:
    torch_data = pytest.importorskip("torch.utils.data")
    expected = [FINEWEB.verdict(b)["keep"].to_pylist() for b in BATCHES]
    loader = torch_data.DataLoader(
        _TextDataset(),  # type: ignore[arg-type]
        batch_size=None,
        num_workers=2,
        timeout=TIMEOUT,
        multiprocessing_context="fork",
    )
    assert list(loader) == expected
