"""Do two versions of marginsim give the same tables? A check for refactorings.

A change that should not alter behaviour (lint fixes, renames, moved code) must leave every
run's weekly table and summary identical, bit for bit, for the same scenario and seed.

    python scripts/same_tables.py save OUT [--rev REV] [--scenario FILE ...] [--seed N ...]
    python scripts/same_tables.py compare A B
    python scripts/same_tables.py check REV     # save REV and the working tree, then compare

``save`` runs each scenario with each seed (default: the three organisation scenarios, seeds
1 and 2) and writes ``<scenario>_<seed>.parquet`` (weekly table) and ``.json`` (summary).
With ``--rev`` it checks that git revision out into a temporary worktree and runs *its*
code (with this interpreter), so a revision before a change can be compared with one after.
``compare`` exits 1 and names the first differing table, column and row when anything
differs (values, NaN positions, dtypes, columns or the set of runs), 0 when all are equal.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ["scenarios/generalist.toml", "scenarios/specialist.toml", "scenarios/target_group_teams.toml"]
SEEDS = [1, 2]


def save(out: Path, scenarios: list[str], seeds: list[int], code_root: Path) -> None:
    """Run every (scenario, seed) with the code under ``code_root``; write the tables to ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    # a child process, so the code imported is the one under code_root and not this checkout's
    child = (
        "import json, sys, pathlib, simulation\n"
        "from simulation.runner import run\n"
        "from simulation.scenario import load_scenario\n"
        "root, out = pathlib.Path(sys.argv[1]).resolve(), pathlib.Path(sys.argv[2])\n"
        "assert pathlib.Path(simulation.__file__).resolve().is_relative_to(root), simulation.__file__\n"
        "for spec in sys.argv[3:]:\n"
        "    path, seed = spec.rsplit('@', 1)\n"
        "    result = run(load_scenario(root / path), int(seed))\n"
        "    stem = out / f'{pathlib.Path(path).stem}_{seed}'\n"
        "    result.timeseries.to_parquet(stem.with_suffix('.parquet'))\n"
        "    stem.with_suffix('.json').write_text(json.dumps(result.summary, indent=1, sort_keys=True))\n"
        "    print(stem.name, flush=True)\n"
    )
    specs = [f"{s}@{seed}" for s in scenarios for seed in seeds]
    env = {**os.environ, "PYTHONPATH": str(code_root)}
    subprocess.run([sys.executable, "-c", child, str(code_root), str(out.resolve()), *specs],
                   check=True, cwd=code_root, env=env)


def save_revision(out: Path, rev: str, scenarios: list[str], seeds: list[int]) -> None:
    """``save`` with the code of git revision ``rev``, checked out in a temporary worktree."""
    with tempfile.TemporaryDirectory(prefix="same_tables_") as tmp:
        tree = Path(tmp) / "tree"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "--quiet", str(tree), rev], check=True)
        try:
            save(out, scenarios, seeds, tree)
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=True)


def _same_number(a, b) -> bool:
    return a == b or (isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b))


def differences(a: Path, b: Path) -> list[str]:
    """Every difference between two saved folders, one line each (empty when identical)."""
    import pandas as pd

    found: list[str] = []
    names_a = {p.name for p in a.iterdir() if p.suffix in (".parquet", ".json")}
    names_b = {p.name for p in b.iterdir() if p.suffix in (".parquet", ".json")}
    if names_a != names_b:
        found.append(f"different runs: only in {a}: {sorted(names_a - names_b)}; "
                     f"only in {b}: {sorted(names_b - names_a)}")
    for name in sorted(names_a & names_b):
        if name.endswith(".json"):
            sa, sb = json.loads((a / name).read_text()), json.loads((b / name).read_text())
            if sa.keys() != sb.keys():
                found.append(f"{name}: different indicators {sorted(sa.keys() ^ sb.keys())}")
            found += [f"{name}: {k} {sa[k]!r} != {sb[k]!r}" for k in sorted(sa.keys() & sb.keys())
                      if not _same_number(sa[k], sb[k])]
            continue
        ta, tb = pd.read_parquet(a / name), pd.read_parquet(b / name)
        if list(ta.columns) != list(tb.columns) or ta.shape != tb.shape:
            found.append(f"{name}: columns or shape differ ({ta.shape} vs {tb.shape})")
            continue
        for col in ta.columns:
            ca, cb = ta[col], tb[col]
            if ca.dtype != cb.dtype:
                found.append(f"{name}: {col} dtype {ca.dtype} != {cb.dtype}")
                continue
            unequal = ~((ca == cb) | (ca.isna() & cb.isna()))
            if unequal.any():
                row = int(unequal.to_numpy().argmax())
                found.append(f"{name}: {col} differs in {int(unequal.sum())} rows, first row {row}: "
                             f"{ca.iloc[row]!r} != {cb.iloc[row]!r}")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_save = sub.add_parser("save", help="run the scenarios and save their tables")
    p_save.add_argument("out", type=Path)
    p_save.add_argument("--rev", help="git revision whose code to run (default: this working tree)")
    p_cmp = sub.add_parser("compare", help="compare two saved folders bit for bit")
    p_cmp.add_argument("a", type=Path)
    p_cmp.add_argument("b", type=Path)
    p_check = sub.add_parser("check", help="save REV and the working tree, then compare")
    p_check.add_argument("rev")
    for p in (p_save, p_check):
        p.add_argument("--scenario", action="append",
                       help="scenario file (repeatable; default: the three organisations)")
        p.add_argument("--seed", action="append", type=int, help="seed (repeatable; default: 1 and 2)")
    args = parser.parse_args(argv)

    if args.command in ("save", "check"):
        scenarios, seeds = args.scenario or SCENARIOS, args.seed or SEEDS
    if args.command == "save":
        if args.rev:
            save_revision(args.out, args.rev, scenarios, seeds)
        else:
            save(args.out, scenarios, seeds, ROOT)
        return 0
    if args.command == "check":
        with tempfile.TemporaryDirectory(prefix="same_tables_") as tmp:
            before, after = Path(tmp) / "before", Path(tmp) / "after"
            save_revision(before, args.rev, scenarios, seeds)
            save(after, scenarios, seeds, ROOT)
            return report(differences(before, after), f"{args.rev}", "the working tree")
    return report(differences(args.a, args.b), str(args.a), str(args.b))


def report(found: list[str], a: str, b: str) -> int:
    if found:
        print(f"{a} and {b} differ:", *found, sep="\n  ")
        return 1
    print(f"same tables: {a} and {b}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
