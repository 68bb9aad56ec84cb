"""The core pool: sized by QFAST_NUM_THREADS / set_num_threads, same results at any size,
and usable in a forked child."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import warnings

import pyarrow as pa
import pytest

import qfast

TEXTS = pa.array(
    [f"Sentence number {i}. It has words, and more words!" * (i % 7 + 1) for i in range(500)]
)


def test_results_do_not_depend_on_thread_count() -> None:
    qfast.set_num_threads(1)
    one = qfast.Pipeline.fineweb().verdict(TEXTS)
    qfast.set_num_threads(2)
    assert qfast.get_num_threads() == 2
    two = qfast.Pipeline.fineweb().verdict(TEXTS)
    assert one.equals(two)


def test_env_var_sets_the_pool_size() -> None:
    code = "import qfast; print(qfast.get_num_threads())"
    env = {**os.environ, "QFAST_NUM_THREADS": "3"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.stdout.strip() == "3", out.stderr


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_kernel_runs_in_a_forked_child() -> None:
    qfast.set_num_threads(2)
    qfast.words(TEXTS)  # build the pool in the parent first
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: the inherited pool has no threads; core must rebuild it
        try:
            n = len(qfast.words(TEXTS))
            os.write(w, str(n).encode())
        finally:
            os._exit(0)
    os.close(w)
    _, status = os.waitpid(pid, 0)
    got = os.read(r, 100).decode()
    assert status == 0 and got == str(len(TEXTS))


def test_forks_while_the_pool_is_busy_never_hang() -> None:
    """Fork again and again while another thread keeps the pool's workers going to sleep and
    waking up (many tiny calls), so that some forks land while a worker holds one of rayon's
    sleep locks, or another thread is inside the pool lookup; each child must still finish its
    own kernel call. Before children started from a fresh pool slot, about 1 fork in 150 hung
    here (so this catches a regression in most runs)."""
    qfast.set_num_threads(2)
    expected = len(qfast.words(TEXTS))
    tiny = pa.array(["a b. c d"] * 256)
    stop = threading.Event()

    def keep_busy() -> None:
        while not stop.is_set():
            qfast.words(tiny)

    busy = threading.Thread(target=keep_busy)
    busy.start()
    forks, hung, wrong = 300, 0, 0
    try:
        for _ in range(forks):
            time.sleep(0.001)
            r, w = os.pipe()
            with warnings.catch_warnings():
                # Python >= 3.12 warns about fork() in a multi-threaded process: that is the
                # situation under test.
                warnings.simplefilter("ignore", DeprecationWarning)
                pid = os.fork()
            if pid == 0:
                try:
                    os.write(w, str(len(qfast.words(TEXTS))).encode())
                finally:
                    os._exit(0)
            os.close(w)
            deadline = time.monotonic() + 10
            while os.waitpid(pid, os.WNOHANG) == (0, 0):
                if time.monotonic() > deadline:
                    os.kill(pid, 9)
                    os.waitpid(pid, 0)
                    hung += 1
                    break
                time.sleep(0.002)
            got = os.read(r, 100).decode()
            os.close(r)
            wrong += got != str(expected)
    finally:
        stop.set()
        busy.join()
    assert hung == 0, f"{hung} of {forks} forked children hung"
    assert wrong == 0, f"{wrong} of {forks} forked children gave a wrong result"
