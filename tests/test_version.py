"""``marginsim --version``: the package version and the commit, and never a traceback."""

import re
import shutil
import subprocess
import sys

import pytest

import simulation
from simulation import version

from conftest import ROOT

GIT = shutil.which("git")
needs_git = pytest.mark.skipif(GIT is None, reason="git is not installed")


def git(where, *args):
    return subprocess.run(["git", "-C", str(where), "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
                          capture_output=True, text=True, check=True).stdout.strip()


def test_version_is_the_distributions():
    assert simulation.__version__ == version.package_version()
    assert re.fullmatch(r"\d+\.\d+\.\d+(\.dev\d+)?", simulation.__version__), simulation.__version__


@needs_git
def test_version_names_the_checked_out_commit(marginsim):
    code, out, err = marginsim("--version")
    assert code == 0 and err == ""
    head = git(ROOT, "rev-parse", "--short", "HEAD")
    dirty = subprocess.run(["git", "-C", str(ROOT), "diff", "--quiet", "HEAD", "--"]).returncode != 0
    assert out == f"marginsim {simulation.__version__} (commit {head}{'+dirty' if dirty else ''})\n"


@needs_git
def test_a_changed_tracked_file_makes_the_commit_dirty(tmp_path):
    git(tmp_path, "init", "-q")
    (tmp_path / "model.py").write_text("x = 1\n")
    git(tmp_path, "add", "model.py")
    git(tmp_path, "commit", "-q", "-m", "first")
    clean = version.commit(tmp_path)
    assert clean == git(tmp_path, "rev-parse", "--short", "HEAD")
    (tmp_path / "notes.txt").write_text("untracked files do not count\n")
    assert version.commit(tmp_path) == clean
    (tmp_path / "model.py").write_text("x = 2\n")
    assert version.commit(tmp_path) == clean + "+dirty"


def test_outside_a_checkout_the_commit_is_unknown(tmp_path):
    assert version.commit(tmp_path) is None
    assert version.version_line(tmp_path) == f"marginsim {simulation.__version__} (commit unknown)"


def test_without_git_the_command_still_answers(tmp_path):
    """No git on PATH: the version and "commit unknown", exit 0, no traceback."""
    proc = subprocess.run([sys.executable, "-m", "simulation", "--version"], capture_output=True, text=True,
                          cwd=tmp_path, env={"PATH": str(tmp_path)}, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == f"marginsim {simulation.__version__} (commit unknown)\n"
    assert "Traceback" not in proc.stderr
