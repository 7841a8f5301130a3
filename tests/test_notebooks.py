"""Notebooks are kept without outputs and use only the public API (`make test` also executes them)."""

import json

import pytest

from conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_the_three_notebooks_exist():
    assert [p.stem for p in NOTEBOOKS] == ["01_one_citizen_and_the_axis", "02_generalist_vs_specialist",
                                           "03_sweeps_and_sensitivity"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_stripped_and_parameterised(path):
    book = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in book["cells"] if c["cell_type"] == "code"]
    assert all(not c["outputs"] and c["execution_count"] is None for c in code), "strip outputs before committing"
    assert "parameters" in code[0]["metadata"].get("tags", []) and "SCALE" in "".join(code[0]["source"])
    source = "\n".join("".join(c["source"]) for c in code)
    assert "import simulation" in source or "from simulation import" in source
    assert "model.recorder" not in source and "._" not in source.replace("__", ""), "public API only"
