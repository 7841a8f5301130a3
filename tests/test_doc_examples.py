"""Every ```python block of README.md and docs/*.md runs as a standalone script.

Each block is written to a file in a fresh temporary folder holding a copy of `scenarios/` (as a
user working from a clone would have) and run with the repository on PYTHONPATH. Blocks that are
only illustrations are fenced ```python no-run (README.md, "Code examples in the documentation").
Examples must stay small; if one is too slow, make the documented example smaller.
"""

import os
import re
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT

FENCE = re.compile(r"^```python[ \t]*\n(.*?)^```[ \t]*$", re.M | re.S)
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def python_blocks():
    for path in DOCUMENTS:
        text = path.read_text(encoding="utf-8")
        for match in FENCE.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            yield pytest.param(match.group(1), id=f"{path.relative_to(ROOT)}:{line}")


BLOCKS = list(python_blocks())


def test_the_documentation_has_runnable_examples():
    ids = [b.id for b in BLOCKS]
    assert any(i.startswith("README.md") for i in ids) and any(i.startswith("docs/sweeps.md") for i in ids)


def test_the_no_run_fence_is_not_picked_up():
    assert not FENCE.search("```python no-run\nraise SystemExit(1)\n```\n")
    assert FENCE.search("```python\nprint(1)\n```\n")


@pytest.mark.parametrize("code", BLOCKS)
def test_example_runs_as_a_script(code, tmp_path):
    shutil.copytree(ROOT / "scenarios", tmp_path / "scenarios")
    script = tmp_path / "example.py"
    script.write_text(code, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT), MPLBACKEND="Agg")
    proc = subprocess.run([sys.executable, str(script)], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]


def test_make_demo_writes_a_new_folder_and_deletes_nothing():
    """The README promises an existing results folder is never overwritten; `make demo` keeps that."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\ndemo:", 1)[1].split("\n\n", 1)[0]
    assert "rm " not in recipe and "results/demo-$$(date" in recipe
