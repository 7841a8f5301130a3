"""Notebooks are kept without outputs, use only the public API (`make test` also executes them),
quote no model numbers in their prose, and every sentence their code prints matches the data."""

import json
import re

import nbformat
import pytest

from conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
# prose may cite sources ("source 004, lines 2283–2298") and name units ("per 1,000 adults", "95 % interval");
# any other decimal or percentage is a model number
SOURCE_REF = re.compile(r"source \d{3}, lines [\d–\-, and]+|per 1,000|95 % interval")
MODEL_NUMBER = re.compile(r"\d[.,]\d|\d\s?%")


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


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_prose_quotes_no_model_numbers(path):
    """Model numbers change with the model: the text leaves them to sentences printed by code cells."""
    book = nbformat.read(path, as_version=4)
    for cell in book.cells:
        if cell.cell_type == "markdown":
            text = SOURCE_REF.sub("", cell.source)
            assert not MODEL_NUMBER.search(text), f"a number in the prose: {MODEL_NUMBER.search(text).group()!r}"


def _execute(path, check_code: str) -> tuple[str, dict]:
    """Run a notebook at its default SCALE, then ``check_code`` in the same kernel (it prints JSON);
    returns everything the notebook printed and the JSON."""
    from nbclient import NotebookClient
    book = nbformat.read(path, as_version=4)
    book.cells.append(nbformat.v4.new_code_cell(check_code))
    NotebookClient(book, timeout=900, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    printed = ["".join(o.get("text", "")) for c in book.cells[:-1] if c.cell_type == "code" for o in c.outputs
               if o.get("name") == "stdout"]
    facts = json.loads("".join(o["text"] for o in book.cells[-1].outputs if o.get("name") == "stdout"))
    return "".join(printed), facts


CHECK_01 = """
import json
print(json.dumps({
    "citizens": scenario.population.citizens, "staff": scenario.total_staff, "threshold": threshold,
    "record": record.drop(columns=["units", "work_caseworker_hours"]).to_dict(orient="records"),
    "full_staff": generalist.total_staff, "thin_staff": half.total_staff,
    "full": {k: indicators.format_value(k, full.summary[k]) for k in keys},
    "thin": {k: indicators.format_value(k, thin.summary[k]) for k in keys},
    "raw": {k: [full.summary[k], thin.summary[k]] for k in keys},
    "labels": {indicators.label(k): k for k in keys},
}, default=float))
"""


def test_notebook_01_says_what_its_output_shows():
    text, facts = _execute(ROOT / "notebooks" / "01_one_citizen_and_the_axis.ipynb", CHECK_01)
    record = {r["week"]: r for r in facts["record"]}
    assert f"The district has {facts['citizens']:,} adults. The office has {facts['staff']} caseworkers" in text
    first, second = map(int, re.search(r"lose a first arena in week (\d+) and a second in week (\d+)", text).groups())
    assert record[first]["arenas_lost"] >= 1 and all(record[w]["arenas_lost"] == 0 for w in record if w < first)
    assert record[second]["arenas_lost"] >= 2 and second > first
    lines = re.findall(r"^Week (\d+): (.+)$", text, flags=re.M)
    losses = handoffs = 0
    for week, what in lines:
        now, before = record[int(week)], record.get(int(week) - 1)
        if m := re.match(r"lost the (\w+) arena", what):
            losses += 1
            assert now[m.group(1)] < facts["threshold"] <= before[m.group(1)]
        elif m := re.match(r"handed off \(hand-off number (\d+)\)", what):
            handoffs += 1
            assert now["handoffs"] == int(m.group(1)) > before["handoffs"]
        elif what.startswith("found a job"):
            assert now["employed"] and not before["employed"]
        elif m := re.match(r"benefit changed from (.+) to (.+)\.", what):
            assert (before["benefit"], now["benefit"]) == tuple(s.replace(" ", "_") for s in m.groups())
    assert losses >= 2 and handoffs >= 1, "the story shows arenas lost one after another and a hand-off"
    changes = re.findall(r"With (\d+) instead of (\d+) caseworkers, (.+) (rose|fell|stayed the same): "
                         r"from (\S+) to (\S+)\.", text)
    assert len(changes) == len(facts["labels"])
    for thin, full, label, word, a, b in changes:
        key = facts["labels"][label]
        assert (int(full), int(thin)) == (facts["full_staff"], facts["thin_staff"]) and int(thin) < int(full)
        assert (a, b) == (facts["full"][key], facts["thin"][key])
        x, y = facts["raw"][key]
        assert word == ("rose" if y > x else "fell" if y < x else "stayed the same")


CHECK_02 = """
import json
print(json.dumps({"verdicts": compared.verdict.value_counts().to_dict(), "n": len(compared),
                  "per_1000": [round(report.staff_per_1000(s), 2) for s in plan.scenarios],
                  "brief": report.brief(result.summary, plan.names[0])}))
"""


def test_notebook_02_says_what_its_output_shows():
    text, facts = _execute(ROOT / "notebooks" / "02_generalist_vs_specialist.ipynb", CHECK_02)
    per_1000 = [float(x) for x in re.findall(r"= (\d+\.\d+) per 1,000 adults", text)]
    assert per_1000 == facts["per_1000"] and len(set(per_1000)) == 1, "offices compared at equal staffing"
    v = facts["verdicts"]
    n, matter, small, unclear = map(int, re.search(
        r"Of (\d+) differences .*?, (\d+) are clear and large enough to matter, (\d+) are clear but too small to "
        r"matter, and (\d+) cannot be told apart", text).groups())
    assert n == facts["n"] and matter == v.get("higher", 0) + v.get("lower", 0)
    assert small == v.get("no practical difference", 0) and unclear == v.get("no clear difference", 0)
