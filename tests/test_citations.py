"""Every number has a source a reader can follow (docs/references.md).

A scenario parameter's ``source`` (the ``source=`` of ``param()`` in simulation/scenario.py)
must give at least one of:

* a seed citation ``NNN:L`` or ``NNN:L-M``: line L (to M) of source document NNN;
* a key of docs/references.md, e.g. ``Andreev 2016`` or ``SSB 2017`` (a named statistic,
  study or law);
* ``assumption: <reason>``: an explicit assumption and why it was made (at least a few words).

Notes may be added around these, e.g. ``"004:2442-2456; rate: assumption"`` (the seed gives
the direction, the size is assumed). A bare ``"assumption"`` is not enough.

Every seed citation, in a source or anywhere in the tracked text files, must name a document
of docs/references.md and lie inside it: the line counts are vendored there (``lines: N``), so
the check needs no copy of the documents.
"""

import dataclasses
import re
import subprocess
import typing
from numbers import Number

import pytest

from simulation import scenario as sc

from conftest import ROOT

REFERENCES = ROOT / "docs" / "references.md"
CITATION = re.compile(r"(?<![\w.:/-])(\d{3}):(\d+)(?:[-–](\d+))?(?![\w:])")
ASSUMPTION = re.compile(r"assumption:\s*(\S.{9,})")


def reference_keys() -> dict[str, int | None]:
    """Keys of docs/references.md (``### `key` ...`` headings) and, for documents, their line counts."""
    keys: dict[str, int | None] = {}
    key = None
    for line in REFERENCES.read_text(encoding="utf-8").splitlines():
        if m := re.match(r"### `([^`]+)`", line):
            key = m.group(1)
            keys[key] = None
        elif key and (m := re.match(r"- lines: (\d+)$", line)):
            keys[key] = int(m.group(1))
    return keys


KEYS = reference_keys()
DOCUMENTS = {k: n for k, n in KEYS.items() if n is not None}


def bad_citations(text: str) -> list[str]:
    """Seed citations in ``text`` that name no document or fall outside it."""
    bad = []
    for m in CITATION.finditer(text):
        doc, first, last = m.group(1), int(m.group(2)), int(m.group(3) or m.group(2))
        if doc not in DOCUMENTS:
            if doc.startswith("00"):  # looks like a seed citation, but no such document
                bad.append(f"{m.group(0)}: no document {doc} in docs/references.md")
        elif not 1 <= first <= last <= DOCUMENTS[doc]:
            bad.append(f"{m.group(0)}: outside {doc} (lines 1-{DOCUMENTS[doc]})")
    return bad


def source_problem(source: str) -> str | None:
    """Why ``source`` is not an acceptable source, or None."""
    if bad := bad_citations(source):
        return "; ".join(bad)
    if any(m.group(1) in DOCUMENTS for m in CITATION.finditer(source)):
        return None
    if any(key in source for key in KEYS if key not in DOCUMENTS):
        return None
    if ASSUMPTION.search(source):
        return None
    return "no seed citation, no key of docs/references.md, no 'assumption: <reason>'"


def parameters(cls=sc.Scenario, prefix=""):
    """(dotted name, default, source) of every parameter declared with ``param()``, walking the schema."""
    hints = typing.get_type_hints(cls)
    for f in dataclasses.fields(cls):
        kind = hints[f.name]
        inner = typing.get_args(kind)[0] if typing.get_origin(kind) is tuple else kind
        if dataclasses.is_dataclass(inner):
            yield from parameters(inner, f"{prefix}{f.name}.")
        elif "source" in f.metadata:
            default = f.default if f.default is not dataclasses.MISSING else f.default_factory()
            yield f"{prefix}{f.name}", default, f.metadata["source"]


def is_number(value) -> bool:
    if isinstance(value, tuple):
        return bool(value) and all(is_number(v) for v in value)
    return isinstance(value, Number) and not isinstance(value, bool)


NUMBERS = [(name, source) for name, default, source in parameters() if is_number(default)]


def test_the_references_list_the_five_documents_with_their_lengths():
    assert sorted(DOCUMENTS) == ["000", "001", "002", "003", "004"]
    assert all(n > 100 for n in DOCUMENTS.values())


def test_the_rules_accept_and_refuse_what_they_say():
    assert source_problem("002:8148-8150") is None
    assert source_problem("004:2442-2456; rate: assumption") is None
    assert source_problem("fitted to Andreev 2016 (docs/calibration.md)") is None
    assert source_problem("assumption: keeps building fast and memory flat") is None
    assert source_problem("assumption") is not None
    assert source_problem("size: assumption") is not None
    assert "outside 002" in source_problem(f"002:{DOCUMENTS['002'] + 1}")
    # spelled in pieces so that this file's own text holds no bad citation
    assert "outside 003" in source_problem("003:" + "20-10")
    assert "no document 009" in source_problem("009" + ":12")


def test_every_number_in_the_schema_has_a_source():
    assert NUMBERS, "the schema walk found no parameters"
    gaps = [f"{name}: {source!r}: {problem}" for name, source in NUMBERS
            if (problem := source_problem(source))]
    assert not gaps, f"{len(gaps)} of {len(NUMBERS)} numeric parameters lack a usable source:\n" + "\n".join(gaps)


def test_every_seed_citation_in_the_repository_is_inside_its_document():
    out = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z"], capture_output=True, check=True).stdout
    bad = []
    for name in filter(None, out.decode().split("\0")):
        path = ROOT / name
        if not path.is_file() or name.startswith("benchmarks/results/"):
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for number, line in enumerate(text.splitlines(), 1):
            bad += [f"{name}:{number}: {problem}" for problem in bad_citations(line)]
    assert not bad, "citations outside their documents:\n" + "\n".join(bad)
