"""The ``marginsim`` command line (also ``python -m simulation``).

Bad input (a scenario with an unknown key, a wrong type, a value out of range, a missing or
malformed file, a ``--set`` on a key that does not exist) ends with one line on stderr
naming the file, the key and what is allowed, and exit code 2: no traceback, and no results
folder left behind.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .scenario import ScenarioError
from .version import VersionAction

EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130

HEADLINE = [
    ("mean_position", "mean position on the axis", "{:.3f}"),
    ("share_2plus_lost", "share with 2+ arenas lost", "{:.2%}"),
    ("employment_rate", "employment rate, 20-66", "{:.1%}"),
    ("disability_share", "disability benefit, share of adults", "{:.1%}"),
    ("aap_share", "work assessment allowance (AAP), share of adults", "{:.1%}"),
    ("sa_recipient_share", "social-assistance recipients, share of adults", "{:.2%}"),
    ("sa_months_per_recipient", "months on social assistance per recipient-year", "{:.2f}"),
    ("unemployment_exit_6_months", "unemployment spells ended within 6 months", "{:.1%}"),
    ("time_share_follow_up", "caseworker time on follow-up", "{:.1%}"),
    ("time_share_idle", "caseworker time idle", "{:.1%}"),
    ("first_follow_up_wait_weeks", "weeks from intake to first follow-up", "{:.1f}"),
    ("handoffs_per_user", "hand-offs per user", "{:.2f}"),
    ("contact_points_per_user", "contact points per user", "{:.2f}"),
    ("creaming_index", "creaming index (+: hours go to the most included)", "{:+.2f}"),
]


BAR_DELAY_S = 0.5   # progress bars wait this long, so a command refused at once prints no empty bar


def _processes(jobs: int) -> str:
    return f"{jobs} process" if jobs == 1 else f"{jobs} processes"


class BadInput(Exception):
    """Command-line input that cannot be used; the message is printed as one line."""


class BadInputInterrupted(KeyboardInterrupt):
    """Ctrl-C with a message saying what was kept."""


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (``prog: error: message (see prog --help)``), exit code 2."""

    def error(self, message):
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _whole_number(minimum: int):
    """An argparse type: a whole number of at least ``minimum``."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {value}")
        return value
    return parse


_positive_int = _whole_number(1)
_seed = _whole_number(0)


def _batch_options(parser, default_out: str, what: str) -> None:
    """The options every batch command shares: processes, overrides, folder, resume, quiet."""
    parser.add_argument("--jobs", type=_positive_int, default=None, help="local worker processes (default: all cores)")
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY.PATH=VALUE",
                        help="override a scenario value in every run (repeatable)")
    parser.add_argument("--out", type=Path, help=f"results folder (default: {default_out})")
    parser.add_argument("--resume", action="store_true", help=f"complete an interrupted {what} in --out")
    parser.add_argument("--quiet", action="store_true", help="no progress bar and no summary")


def _port(text: str) -> int:
    value = _whole_number(1)(text)
    if value > 65535:
        raise argparse.ArgumentTypeError(f"must be at most 65535, got {value}")
    return value


def cmd_dashboard(args) -> int:
    from .app import main as serve   # imports solara and Mesa's visualisation only for this command
    return serve(host=args.host, port=args.port)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="marginsim",
        description="Agent-based simulation of marginalisation and welfare follow-up in NAV offices.")
    parser.add_argument("--version", action=VersionAction)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)

    run = sub.add_parser("run", help="simulate one scenario with one seed and write a results folder",
                         description="Simulate one scenario and write DIR/manifest.json, timeseries.parquet, "
                                     "summary.parquet and figures/*.png.")
    run.add_argument("scenario", help="scenario file (TOML), e.g. scenarios/specialist.toml")
    run.add_argument("--seed", type=_seed, default=1, help="random seed (default 1)")
    run.add_argument("--weeks", type=_positive_int, help="weeks to record after the warm-up (default: scenario's run.weeks)")
    run.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY.PATH=VALUE",
                     help="override a scenario value, e.g. --set office.handoff_loss=0.1 (repeatable)")
    run.add_argument("--out", type=Path, help="results folder (default: results/<time>-<scenario>-seed<N>)")
    run.add_argument("--quiet", action="store_true", help="no progress bar and no summary")
    run.set_defaults(func=cmd_run)

    cmp_ = sub.add_parser(
        "compare", help="compare scenarios over replications: intervals, paired differences, a report",
        description="Run every scenario N times with common random numbers (replication k of every scenario "
                    "uses the same seed) and write DIR/manifest.json, replications.parquet, summary.csv, "
                    "figures/*.png and report.md / report.html. The first scenario is the baseline.")
    cmp_.add_argument("scenarios", nargs="+", help="scenario files (TOML); the first is the baseline")
    cmp_.add_argument("--replications", type=_whole_number(2), default=None,
                      help="runs per scenario (default 20)")
    cmp_.add_argument("--weeks", type=_positive_int, help="weeks to record, for every scenario")
    cmp_.add_argument("--seed", type=_seed, default=None, help="root seed the replication seeds derive from")
    _batch_options(cmp_, "results/<time>-compare", "comparison")
    cmp_.set_defaults(func=cmd_compare)

    swp = sub.add_parser(
        "sweep", help="run a parameter sweep (grid, Latin hypercube, Morris, Sobol) locally or on Dask",
        description="Run the design of a sweep file; results stream to DIR/runs/ as they finish, failures are "
                    "recorded in DIR/failures/, Morris and Sobol sweeps end with DIR/sensitivity/.")
    swp.add_argument("sweep", help="sweep file (TOML), e.g. scenarios/sweeps/handoffs_and_duties.toml")
    swp.add_argument("--scheduler", metavar="ADDRESS", help="run on a Dask cluster, e.g. tcp://10.0.0.5:8786")
    _batch_options(swp, "results/<time>-sweep-<name>", "sweep")
    swp.set_defaults(func=cmd_sweep)

    val = sub.add_parser("validate", help="check the default scenarios against the calibration targets and patterns",
                         description="Run the default scenarios and the pattern experiments with replications and "
                                     "write DIR/validation.md and DIR/validation.csv; misses are shown, not hidden.")
    val.add_argument("--replications", type=_whole_number(2), default=5, help="runs per variant (default 5)")
    val.add_argument("--jobs", type=_positive_int, default=None, help="worker processes (default: all cores)")
    val.add_argument("--seed", type=_seed, default=20261122, help="root seed")
    val.add_argument("--scenarios", type=Path, default=Path("scenarios"), help="folder with the default scenarios")
    val.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY.PATH=VALUE",
                     help="override a value in every scenario (e.g. to see a target fail)")
    val.add_argument("--out", type=Path, help="results folder (default: results/<time>-validation)")
    val.add_argument("--quiet", action="store_true", help="no progress bar and no summary")
    val.set_defaults(func=cmd_validate)

    dash = sub.add_parser(
        "dashboard", help="serve the classroom dashboard in a browser (Mesa SolaraViz; works offline)",
        description="Serve the classroom dashboard (simulation/app.py) and print its address. Each browser "
                    "tab gets its own model. Stop with Ctrl-C. See docs/dashboard.md.")
    dash.add_argument("--host", default="127.0.0.1",
                      help="address to listen on (default 127.0.0.1: this machine only; "
                           "0.0.0.0: every network interface, for a classroom)")
    dash.add_argument("--port", type=_port, default=8765, help="port (default 8765)")
    dash.set_defaults(func=cmd_dashboard)

    sens = sub.add_parser("sensitivity", help="(re)compute Morris or Sobol indices of a finished sweep",
                          description="Read a finished Morris or Sobol sweep folder and write DIR/sensitivity/.")
    sens.add_argument("folder", type=Path, help="sweep results folder")
    sens.set_defaults(func=cmd_sensitivity)
    return parser


def cmd_sweep(args) -> int:
    import os
    from datetime import datetime

    from . import sweep as sw

    spec = sw.load_sweep(args.sweep, args.overrides)
    if args.resume and args.out is None:
        raise BadInput("--resume needs --out DIR (the folder to complete)")
    folder = args.out or Path("results") / f"{datetime.now():%Y%m%d-%H%M%S}-sweep-{spec.name}"
    jobs = args.jobs or os.cpu_count() or 1
    total = len(spec.points()) * spec.replications
    bar = None
    if not args.quiet:
        from tqdm import tqdm
        bar = tqdm(total=total, desc=f"sweep {spec.name}", unit="run", delay=BAR_DELAY_S, file=sys.stderr)
    try:
        results = sw.run_sweep(spec, folder, jobs=jobs, scheduler=args.scheduler, resume=args.resume,
                               progress=bar.update if bar else None, argv=["marginsim", *sys.argv[1:]])
    except KeyboardInterrupt:
        done = len(sw.finished(Path(folder)))
        raise BadInputInterrupted(f"interrupted: {done} of {total} runs are on disk in {folder}; "
                                  f"rerun the same command with --resume --out {folder} to complete it") from None
    except OSError as exc:
        raise BadInput(f"cannot reach the Dask scheduler {args.scheduler}: {exc}") from None
    finally:
        if bar:
            bar.close()
    failed = len(sw.load_failures(folder))
    if not args.quiet:
        where = f"Dask scheduler {args.scheduler}" if args.scheduler else _processes(jobs)
        print(f"sweep {spec.name}: {len(results)} of {total} runs finished, {failed} failed ({where})")
        if failed:
            print(f"  failures (parameters, seed, error): {folder / 'failures'}; rerun with --resume to retry them")
        if (Path(folder) / "sensitivity" / "sensitivity.md").is_file():
            print(f"  sensitivity: {Path(folder) / 'sensitivity' / 'sensitivity.md'}")
        print(f"results: {Path(folder) / 'results.parquet'}")
    return 0 if failed == 0 else 1


def cmd_validate(args) -> int:
    import os
    from datetime import datetime

    from . import validation
    from .results import ResultsError, staging

    for name in validation.SCENARIOS:
        if not (args.scenarios / f"{name}.toml").is_file():
            raise BadInput(f"{args.scenarios}: no {name}.toml here; point --scenarios at the scenarios folder")
    folder = args.out or Path("results") / f"{datetime.now():%Y%m%d-%H%M%S}-validation"
    if folder.exists() and any(folder.iterdir()):
        raise ResultsError(f"{folder}: output folder already exists and is not empty; choose another --out")
    jobs = args.jobs or os.cpu_count() or 1
    bar = None
    if not args.quiet:
        from tqdm import tqdm
        bar = tqdm(total=len(validation.VARIANTS) * args.replications, desc="validation", unit="run", delay=BAR_DELAY_S, file=sys.stderr)
    try:
        reps = validation.run_all(args.scenarios, args.replications, jobs=jobs, seed=args.seed,
                                  overrides=args.overrides, progress=bar.update if bar else None)
    finally:
        if bar:
            bar.close()
    targets, patterns = validation.check_targets(reps), validation.check_patterns(reps)
    with staging(folder) as tmp:
        validation.write(tmp, targets, patterns, args.replications, args.seed, reps=reps)
        reps.to_parquet(tmp / "replications.parquet", index=False)
    if not args.quiet:
        measured = targets[targets.holds.isin(["yes", "no"])]
        print(f"targets: {(measured.holds == 'yes').sum()} of {len(measured)} hold; "
              f"patterns: {(patterns.holds == 'yes').sum()} of {len(patterns)} shown")
        for r in measured[measured.holds == "no"].itertuples():
            print(f"  miss: {r.label}: {r.simulated:.4g} (target {r.target})")
        print(f"report: {folder / 'validation.md'}")
    return 0


def cmd_sensitivity(args) -> int:
    from . import sensitivity
    from . import sweep as sw
    from .results import ResultsError

    if not (args.folder / "manifest.json").is_file():
        raise ResultsError(f"{args.folder}: not a marginsim sweep folder (no manifest.json)")
    spec = sw.sweep_from_manifest(args.folder)
    if spec.design not in ("morris", "sobol"):
        raise BadInput(f"{args.folder}: a {spec.design} sweep has no sensitivity indices; use a morris or sobol design")
    results = sw.load_sweep_results(args.folder)
    try:
        sensitivity.write_analysis(spec, results, args.folder / "sensitivity")
    except ValueError as exc:
        raise BadInput(f"{args.folder}: {exc}") from None
    print(f"sensitivity: {args.folder / 'sensitivity' / 'sensitivity.md'}")
    return 0


def cmd_compare(args) -> int:
    import os
    from datetime import datetime

    from . import compare

    plan = compare.plan_comparison(
        args.scenarios, replications=args.replications or compare.DEFAULT_REPLICATIONS, weeks=args.weeks,
        overrides=args.overrides, root_seed=compare.DEFAULT_ROOT_SEED if args.seed is None else args.seed)
    if args.resume and args.out is None:
        raise BadInput("--resume needs --out DIR (the folder to complete)")
    folder = args.out or Path("results") / f"{datetime.now():%Y%m%d-%H%M%S}-compare"
    jobs = args.jobs or os.cpu_count() or 1
    total = len(plan.scenarios) * plan.replications
    bar = None
    if not args.quiet:
        from tqdm import tqdm
        bar = tqdm(total=total, desc="replications", unit="run", delay=BAR_DELAY_S, file=sys.stderr)
    try:
        compare.run_comparison(plan, folder, jobs=jobs, resume=args.resume, progress=bar.update if bar else None,
                               argv=["marginsim", *sys.argv[1:]])
    except KeyboardInterrupt:
        done = len(compare.finished(Path(folder), plan))
        raise BadInputInterrupted(f"interrupted: {done} of {total} replications are on disk in {folder}; "
                                  f"rerun the same command with --resume --out {folder} to complete it") from None
    finally:
        if bar:
            bar.close()
    if not args.quiet:
        loaded = compare.load_comparison(folder)
        s = loaded.summary
        print(f"compared {', '.join(plan.names)}: {plan.replications} replications each, {_processes(jobs)}")
        for metric in ("share_2plus_lost", "handoffs_per_user", "first_follow_up_wait_weeks", "creaming_index"):
            from .report import fmt
            cells = [f"{n} {fmt(metric, s[(s.scenario == n) & (s.metric == metric)]['mean'].iloc[0])}" for n in plan.names]
            print(f"  {metric:<28} " + " | ".join(cells))
        print(f"report: {folder / 'report.md'} (and report.html)")
    return 0


def cmd_run(args) -> int:
    from .metrics import steady_state
    from . import results
    from .runner import run
    from .scenario import load_scenario

    overrides = list(args.overrides)
    if args.weeks is not None:
        overrides.append(f"run.weeks={args.weeks}")
    scenario = load_scenario(args.scenario, overrides)
    folder = args.out or results.default_run_dir(Path("results"), scenario.name, args.seed)
    started = results.now_iso()
    total = scenario.run.weeks + scenario.run.warmup_weeks
    bar = _progress(total, f"{scenario.name} seed {args.seed}", args.quiet)
    try:
        result = run(scenario, seed=args.seed, progress=bar.update if bar else None)
    finally:
        if bar:
            bar.close()
    results.write_run(result, folder, argv=["marginsim", *sys.argv[1:]], scenario_files=[Path(args.scenario)],
                      started=started)
    if not args.quiet:
        print(f"{scenario.name}: {scenario.run.weeks} weeks, seed {args.seed}, "
              f"{int(result.summary['citizens_start']):,} citizens, {scenario.total_staff} caseworkers "
              f"({result.timings['simulate_s']:.1f} s)")
        check = steady_state(result.summary, scenario.run.warmup_weeks)
        print(f"  every indicator covers {check['window']} ({scenario.run.weeks} weeks after a "
              f"{scenario.run.warmup_weeks}-week spin-up); steady state: {check['verdict']}")
        for key, label, fmt in HEADLINE:
            value = result.summary[key]
            # e.g. months per recipient-year need a whole recorded year, 6-month exits 26 weeks
            shown = fmt.format(value) if value == value else "n/a (too few recorded weeks)"
            print(f"  {label:<52} {shown}")
        print(f"results: {folder}")
    return 0


def _progress(total: int, desc: str, quiet: bool):
    if quiet:
        return None
    from tqdm import tqdm
    return tqdm(total=total, desc=desc, unit="week", delay=1.0, leave=False, file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    from .results import ResultsError

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except (ScenarioError, ResultsError, BadInput) as exc:
        print(f"marginsim: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BadInputInterrupted as exc:
        print(f"marginsim: {exc}", file=sys.stderr)
        return EXIT_INTERRUPTED
    except KeyboardInterrupt:
        print("marginsim: interrupted; nothing unfinished was kept", file=sys.stderr)
        return EXIT_INTERRUPTED


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
