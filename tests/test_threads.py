"""The core pool: sized by QFAST_NUM_THREADS / set_num_threads, same results at any size,
and usable in a forked child."""

from __future__ import annotations

import os
import subprocess
import sys

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
