"""The README's quickstart runs as written."""

from __future__ import annotations

import re

from conftest import REPO


def test_readme_quickstart_runs(capsys) -> None:  # type: ignore[no-untyped-def]
    readme = (REPO / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.S)
    assert blocks, "README has no python quickstart"
    for code in blocks:
        exec(compile(code, "README.md", "exec"), {})
    out = capsys.readouterr().out.splitlines()
    # the good paragraph survives the FineWeb recipe, the spam does not
    assert out[0].startswith("1 [None, ")
    assert '["Do", "n\'t"' in out[4].replace("'", '"') or "n't" in out[4]
