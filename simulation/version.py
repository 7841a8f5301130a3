"""What code is this? The package version and, in a git checkout, the commit.

A results folder or a bug report is only useful if it says which code produced it. The
version alone does not: between releases every commit carries the same ``X.Y.Z.devN``. So
``marginsim --version`` adds the short commit hash, with ``+dirty`` when tracked files differ
from that commit, and "commit unknown" when the code is not in a git checkout (an installed
wheel) or git is missing. Looking the commit up never raises.
"""

from __future__ import annotations

import argparse
import subprocess
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
GIT_TIMEOUT_S = 5


def package_version() -> str:
    """The installed distribution's version (pyproject.toml's ``version``)."""
    try:
        return version("marginsim")
    except PackageNotFoundError:  # imported from a source tree that was never installed
        return "0.0.0+source"


def _git(where: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-C", str(where), *args], capture_output=True, text=True,
                          timeout=GIT_TIMEOUT_S, check=False)


def commit(where: Path = PACKAGE_DIR) -> str | None:
    """Short hash of the commit checked out at ``where`` (``+dirty`` if tracked files changed).

    None when ``where`` holds no file tracked by git (e.g. an installed copy inside some other
    repository's ignored folder), when git is not installed, or when git fails.
    """
    try:
        if not _git(where, "ls-files", "--", ".").stdout.strip():
            return None
        head = _git(where, "rev-parse", "--short", "HEAD")
        if head.returncode != 0:
            return None
        dirty = _git(where, "diff", "--quiet", "HEAD", "--").returncode != 0
    except (OSError, subprocess.SubprocessError):  # no git on PATH, or it hung
        return None
    return head.stdout.strip() + ("+dirty" if dirty else "")


def version_line(where: Path = PACKAGE_DIR) -> str:
    """``marginsim 0.2.0.dev0 (commit 1a2b3c4+dirty)``, or ``(commit unknown)``."""
    found = commit(where)
    return f"marginsim {package_version()} (commit {found or 'unknown'})"


class VersionAction(argparse.Action):
    """``--version``: print :func:`version_line` and exit. Git is asked only when it is used."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS,
                 help="show the version and the git commit, then exit"):
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        print(version_line())
        parser.exit()
