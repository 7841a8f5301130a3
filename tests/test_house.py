"""House rules a fresh clone can check: no machine paths in tracked files.

A path that exists only on a developer's machine (a home folder, the project's shared folder
beside the clone) cannot be followed from a fresh clone; sources are cited as ``seed:line``
against docs/references.md instead.
"""

import subprocess

from conftest import ROOT

# Spelled in pieces so that this file does not match itself.
MACHINE_PATHS = ("/" + "work/", ".." + "/shared", "/" + "home/", "/" + "root/")


def tracked_files() -> list[str]:
    """The files git tracks (the test runs in a clone, so git is there)."""
    out = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z"], capture_output=True, check=True)
    return [name for name in out.stdout.decode().split("\0") if name]


def text_of(name: str) -> str | None:
    """The file's text, or None for a binary file."""
    data = (ROOT / name).read_bytes()
    if b"\0" in data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def machine_paths_in(text: str) -> list[tuple[int, str]]:
    return [(number, line.strip()) for number, line in enumerate(text.splitlines(), 1)
            if any(p in line for p in MACHINE_PATHS)]


def test_no_tracked_file_names_a_machine_path():
    found = []
    for name in tracked_files():
        text = text_of(name) if (ROOT / name).is_file() else None
        found += [f"{name}:{number}: {line[:120]}" for number, line in machine_paths_in(text or "")]
    assert not found, "machine paths in tracked files (cite `seed:line`, see docs/references.md):\n" + "\n".join(found)


def test_the_check_finds_a_machine_path():
    """The patterns catch what the rule forbids, and leave a seed citation alone."""
    planted = "see " + "/" + "work/shared/seeds/002.txt\nas in `002:8150`\n"
    assert machine_paths_in(planted) == [(1, planted.splitlines()[0])]
    assert machine_paths_in("cite `002:8148-8150` (docs/references.md)") == []


def test_the_in_process_cli_fixture_matches_a_fresh_process(marginsim, marginsim_process, tiny_scenario_file,
                                                            tiny_scenario, tmp_path):
    """The fast in-process ``marginsim`` fixture is a faithful stand-in for the real command."""
    import pandas as pd

    here = marginsim("run", tiny_scenario_file, "--seed", 3, "--quiet", "--out", tmp_path / "here")
    fresh = marginsim_process("run", tiny_scenario_file, "--seed", 3, "--quiet", "--out", tmp_path / "fresh")
    assert here.returncode == fresh.returncode == 0, (here.stderr, fresh.stderr)
    tables = [pd.read_parquet(tmp_path / folder / "timeseries.parquet") for folder in ("here", "fresh")]
    assert len(tables[0]) == tiny_scenario.run.weeks
    pd.testing.assert_frame_equal(*tables, check_exact=True)

    bad = marginsim("run", tiny_scenario_file, "--set", "office.handof_loss=0.1")
    assert bad.returncode == 2 and "did you mean 'handoff_loss'" in bad.stderr and "Traceback" not in bad.stderr
    assert marginsim("run").returncode == 2, "a usage error is an exit code, not an exception"
