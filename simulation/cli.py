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

from . import indicators
from .scenario import ScenarioError
from .version import VersionAction
from .vocabulary import DEFAULT_ROOT_SEED

EXIT_FAILED = 1          # runs failed, or the file system refused a write: what finished is kept
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130

HEADLINE = indicators.cli_headline()     # (key, label, format) from the indicator catalogue


BAR_DELAY_S = 0.5   # progress bars wait this long, so a command refused at once prints no empty bar


def _processes(jobs: int) -> str:
    return f"{jobs} process" if jobs == 1 else f"{jobs} processes"


class BadInput(Exception):
    """Command-line input that cannot be used; the message is printed as one line."""


class BadInputInterrupted(KeyboardInterrupt):
    """Ctrl-C with a message saying what was kept."""


class BatchFailed(Exception):
    """A batch that stopped on a fault (disk full, no workers left); the message says what was kept."""


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (``prog: error: message (see prog --help)``), exit code 2."""

    def error(self, message):
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {_one_line(message)} (see {self.prog} --help)\n")


def _whole_number(minimum: int, maximum: int | None = None):
    """An argparse type: a whole number from ``minimum`` to ``maximum``."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text[:40]!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {value}")
        if maximum is not None and value > maximum:
            raise argparse.ArgumentTypeError(f"must be at most {maximum:,}, got {text[:40]}")
        return value
    return parse


def _schema_limit(section, name: str) -> int:
    import dataclasses
    return next(f.metadata["hi"] for f in dataclasses.fields(section) if f.name == name)


def _weeks():
    from .scenario import Run
    return _whole_number(1, _schema_limit(Run, "weeks"))


_positive_int = _whole_number(1, 100_000)
_seed = _whole_number(0, 2**63 - 1)      # stored as a 64-bit integer in the Parquet tables


def _panel(text: str):
    """An argparse type: the person-week panel's sample (a share in (0, 1] or ``all``)."""
    from .panel import PanelSpec
    try:
        return PanelSpec.of(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _batch_options(parser, default_out: str, what: str) -> None:
    """The options every batch command shares: processes, overrides, folder, resume, quiet."""
    parser.add_argument("--jobs", type=_positive_int, default=None, help="local worker processes (default: all cores)")
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY.PATH=VALUE",
                        help="override a scenario value in every run (repeatable)")
    parser.add_argument("--out", type=Path, help=f"results folder (default: {default_out})")
    parser.add_argument("--resume", action="store_true", help=f"complete an interrupted {what} in --out")
    parser.add_argument("--quiet", action="store_true", help="no progress bar and no summary")


_port = _whole_number(1, 65535)


def _check_port_free(host: str, port: int) -> None:
    """Refuse a busy port or an unusable host before the server starts (and prints its address)."""
    import socket
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise BadInput(f"--host {host}: not an address of this machine ({exc})") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            raise BadInput(f"--port {port}: cannot listen on {host}:{port} ({exc.strerror or exc}); "
                           "another program (or dashboard) uses it; choose another with --port") from None


def cmd_dashboard(args) -> int:
    _check_port_free(args.host, args.port)
    from .app import main as serve  # imports solara and Mesa's visualisation only for this command
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
    run.add_argument("--weeks", type=_weeks(), help="weeks to record after the warm-up (default: scenario's run.weeks)")
    run.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY.PATH=VALUE",
                     help="override a scenario value, e.g. --set office.handoff_loss=0.1 (repeatable)")
    run.add_argument("--out", type=Path, help="results folder (default: results/<time>-<scenario>-seed<N>)")
    run.add_argument("--quiet", action="store_true", help="no progress bar and no summary")
    run.add_argument("--panel", nargs="?", const="0.05", default=None, type=_panel, metavar="SHARE|all",
                     help="also write panel.parquet: one row per person and week for a share of persons "
                          "(default 0.05) or all of them; put it after the scenario (docs/panel.md)")
    run.set_defaults(func=cmd_run)

    cmp_ = sub.add_parser(
        "compare", help="compare scenarios over replications: intervals, paired differences, a report",
        description="Run every scenario N times with common random numbers (replication k of every scenario "
                    "uses the same seed) and write DIR/manifest.json, replications.parquet, summary.csv, "
                    "figures/*.png and report.md / report.html. The first scenario is the baseline.")
    cmp_.add_argument("scenarios", nargs="+", help="scenario files (TOML); the first is the baseline")
    cmp_.add_argument("--replications", type=_whole_number(2, 10_000), default=None,
                      help="runs per scenario (default 20)")
    cmp_.add_argument("--weeks", type=_weeks(), help="weeks to record, for every scenario")
    cmp_.add_argument("--seed", type=_seed, default=None, help="root seed the replication seeds derive from")
    cmp_.add_argument("--robustness", action="store_true",
                      help="afterwards, rerun the comparison with each assumption that can decide it at the low and "
                           "high end of its plausible range (common random numbers) and report whether each "
                           "finding's sign holds (robustness.csv, and a section of the report; docs/organisation.md)")
    cmp_.add_argument("--robustness-replications", type=_whole_number(2, 1000), default=5,
                      help="replications per variant for --robustness (default 5, at most --replications)")
    _batch_options(cmp_, "results/<time>-compare", "comparison")
    cmp_.set_defaults(func=cmd_compare)

    swp = sub.add_parser(
        "sweep", help="run a parameter sweep (grid, Latin hypercube, Morris, Sobol) locally or on Dask",
        description="Run the design of a sweep file; results stream to DIR/runs/ as they finish, failures are "
                    "recorded in DIR/failures/, Morris and Sobol sweeps end with DIR/sensitivity/.")
    swp.add_argument("sweep", help="sweep file (TOML), e.g. scenarios/sweeps/handoffs_and_duties.toml")
    swp.add_argument("--scheduler", metavar="ADDRESS", help="run on a Dask cluster, e.g. tcp://10.0.0.5:8786")
    swp.add_argument("--wait-for-workers", type=_whole_number(1, 7 * 24 * 3600), default=None, metavar="SECONDS",
                     help="on Dask: stop (resumably) when no worker has been connected this long (default 600)")
    _batch_options(swp, "results/<time>-sweep-<name>", "sweep")
    swp.set_defaults(func=cmd_sweep)

    val = sub.add_parser("validate", help="check the default scenarios against the calibration targets and patterns",
                         description="Run the default scenarios and the pattern experiments with replications and "
                                     "write DIR/validation.md and DIR/validation.csv; misses are shown, not hidden.")
    val.add_argument("--replications", type=_whole_number(2, 10_000), default=5, help="runs per variant (default 5)")
    val.add_argument("--jobs", type=_positive_int, default=None, help="worker processes (default: all cores)")
    val.add_argument("--seed", type=_seed, default=DEFAULT_ROOT_SEED, help="root seed")
    val.add_argument("--offices", action="store_true",
                     help="also run the seven AFI case offices (scenarios/offices/) and set their caseloads, staff "
                          "sick leave and turnover beside what 002 reports (docs/offices.md; adds about 14 default "
                          "runs' worth of time)")
    val.add_argument("--scenarios", type=Path, default=Path("scenarios"), help="folder with the default scenarios")
    val.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY.PATH=VALUE",
                     help="override a value in every scenario (e.g. to see a target fail)")
    val.add_argument("--out", type=Path, help="results folder (default: results/<time>-validation)")
    val.add_argument("--quiet", action="store_true", help="no progress bar and no summary")
    val.set_defaults(func=cmd_validate)

    dash = sub.add_parser(
        "dashboard", help="serve the classroom dashboard in a browser (Solara over the Mesa model; works offline)",
        description="Serve the classroom dashboard (simulation/dashboard/) and print its address. Each browser "
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


def _batch_folder(args, default: Path) -> Path:
    if args.resume and args.out is None:
        raise BadInput("--resume needs --out DIR (the folder to complete)")
    return args.out or default


def _run_batch(run, folder: Path, total: int, on_disk, what: str, progress_desc: str, quiet: bool):
    """Run a batch with a progress bar; turn interruptions and faults into one line saying what was kept."""
    from .runner import BatchStalled

    bar = None
    if not quiet:
        from tqdm import tqdm
        bar = tqdm(total=total, desc=progress_desc, unit="run", delay=BAR_DELAY_S, file=sys.stderr)
    resume = f"rerun the same command with --resume --out {folder} to complete it"
    try:
        return run(bar.update if bar else None)
    except KeyboardInterrupt:
        raise BadInputInterrupted(f"interrupted: {on_disk()} of {total} {what} are on disk in {folder}; "
                                  f"{resume}") from None
    except BatchStalled as exc:
        raise BatchFailed(f"stopped: {exc}; {on_disk()} of {total} {what} are on disk in {folder}; "
                          f"start workers and {resume}") from None
    except OSError as exc:
        if not folder.is_dir():
            raise
        raise BatchFailed(f"stopped: cannot write {exc.filename or folder} ({exc.strerror or exc}); {on_disk()} of "
                          f"{total} {what} are on disk in {folder}; {resume}") from None
    finally:
        if bar:
            bar.close()


def cmd_sweep(args) -> int:
    import os
    from datetime import datetime

    from . import sweep as sw

    spec = sw.load_sweep(args.sweep, args.overrides)
    folder = _batch_folder(args, Path("results") / f"{datetime.now():%Y%m%d-%H%M%S}-sweep-{spec.name}")
    jobs = args.jobs or os.cpu_count() or 1
    total = len(spec.points()) * spec.replications
    results = _run_batch(
        lambda progress: sw.run_sweep(spec, folder, jobs=jobs, scheduler=args.scheduler, resume=args.resume,
                                      progress=progress, argv=["marginsim", *sys.argv[1:]],
                                      **({"stall_timeout": args.wait_for_workers} if args.wait_for_workers else {})),
        folder, total, lambda: len(sw.finished(folder)), "runs", f"sweep {spec.name}", args.quiet)
    failed = len(sw.load_failures(folder))
    if not args.quiet:
        where = f"Dask scheduler {args.scheduler}" if args.scheduler else _processes(jobs)
        print(f"sweep {spec.name}: {len(results)} of {total} runs finished, {failed} failed ({where})")
        if failed:
            print(f"  failures (parameters, seed, error): {folder / 'failures'}; rerun with --resume to retry them")
        if (folder / "sensitivity" / "sensitivity.md").is_file():
            print(f"  sensitivity: {folder / 'sensitivity' / 'sensitivity.md'}")
        print(f"results: {folder / 'results.parquet'}")
    return 0 if failed == 0 else EXIT_FAILED


def cmd_validate(args) -> int:
    import os
    from datetime import datetime

    from . import validation
    from .results import check_output_folder, staging

    for name in validation.SCENARIOS:
        if not (args.scenarios / f"{name}.toml").is_file():
            raise BadInput(f"{args.scenarios}: no {name}.toml here; point --scenarios at the scenarios folder")
    folder = args.out or Path("results") / f"{datetime.now():%Y%m%d-%H%M%S}-validation"
    check_output_folder(folder)
    jobs = args.jobs or os.cpu_count() or 1
    bar = None
    if not args.quiet:
        from tqdm import tqdm
        bar = tqdm(total=len(validation.VARIANTS) * args.replications, desc="validation", unit="run",
                   delay=BAR_DELAY_S, file=sys.stderr)
    try:
        reps = validation.run_all(args.scenarios, args.replications, jobs=jobs, seed=args.seed,
                                  overrides=args.overrides, progress=bar.update if bar else None)
    finally:
        if bar:
            bar.close()
    targets, patterns = validation.check_targets(reps), validation.check_patterns(reps)
    offices = None
    if args.offices:              # the seven AFI offices' caseloads and staff figures against 002
        from . import afi
        offices = afi.compare_offices(args.scenarios / "offices", replications=1, seed=args.seed, jobs=jobs,
                                      overrides=args.overrides)
    with staging(folder) as tmp:
        validation.write(tmp, targets, patterns, args.replications, args.seed, reps=reps)
        reps.to_parquet(tmp / "replications.parquet", index=False)
        if offices is not None:
            from . import afi
            offices.to_csv(tmp / "offices.csv", index=False)
            with (tmp / "validation.md").open("a", encoding="utf-8") as fh:
                fh.write("\n## The seven AFI offices against 002 (one replication each)\n\n" + afi.markdown(offices))
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
    spec = sw.sweep_from_manifest(args.folder)      # refuses run and comparison folders
    if spec.design not in ("morris", "sobol"):
        raise BadInput(f"{args.folder}: a {spec.design} sweep has no sensitivity indices; use a morris or sobol design")
    results = sw.load_sweep_results(args.folder)
    try:
        table = sensitivity.write_analysis(spec, results, args.folder / "sensitivity")
    except ValueError as exc:
        raise BadInput(f"{args.folder}: {exc}") from None
    for warning in table.attrs["warnings"]:     # designs too small to separate signal from noise
        print(f"marginsim: warning: {warning}", file=sys.stderr)
    print(f"sensitivity: {args.folder / 'sensitivity' / 'sensitivity.md'}")
    return 0


def cmd_compare(args) -> int:
    import os
    from datetime import datetime

    from . import compare

    plan = compare.plan_comparison(
        args.scenarios, replications=args.replications or compare.DEFAULT_REPLICATIONS, weeks=args.weeks,
        overrides=args.overrides, root_seed=compare.DEFAULT_ROOT_SEED if args.seed is None else args.seed)
    folder = _batch_folder(args, Path("results") / f"{datetime.now():%Y%m%d-%H%M%S}-compare")
    jobs = args.jobs or os.cpu_count() or 1
    total = len(plan.scenarios) * plan.replications
    _run_batch(
        lambda progress: compare.run_comparison(plan, folder, jobs=jobs, resume=args.resume, progress=progress,
                                                argv=["marginsim", *sys.argv[1:]]),
        folder, total, lambda: len(compare.finished(folder, plan)), "replications", "replications", args.quiet)
    failed = len(list((folder / "failures").glob("*.json")))
    if failed:
        print(f"marginsim: {failed} of {total} replications failed (see {folder / 'failures'}); no report was "
              f"written; rerun with --resume --out {folder} to retry them", file=sys.stderr)
        return EXIT_FAILED
    if args.robustness:
        _robustness(plan, folder, jobs, min(args.robustness_replications, plan.replications), args.quiet)
    if not args.quiet:
        loaded = compare.load_comparison(folder)
        s = loaded.summary
        assert s is not None          # (a complete comparison has its summary)
        print(f"compared {', '.join(plan.names)}: {plan.replications} replications each, {_processes(jobs)}")
        from .report import fmt, staffing_note
        print("\n".join(staffing_note(plan.scenarios)))     # staff per 1,000 adults, and a warning if they differ
        for metric in ("share_2plus_lost", "handoffs_per_user", "first_follow_up_wait_weeks", "creaming_index"):
            cells = [f"{n} {fmt(metric, s[(s.scenario == n) & (s.metric == metric)]['mean'].iloc[0])}"
                     for n in plan.names]
            print(f"  {indicators.label(metric):<44} " + " | ".join(cells))
        print(f"report: {folder / 'report.md'} (and report.html)")
    return 0


def _robustness(plan, folder: Path, jobs: int, replications: int, quiet: bool) -> None:
    """Rerun a finished comparison across the assumptions' ranges; write robustness.csv and
    robustness.md and add the section to the report."""
    from . import compare, robustness
    from .results import write_text_atomic

    variants = robustness.plan_robustness()
    seeds = plan.seeds[:replications]
    bar = _progress(len(variants) * len(plan.scenarios) * len(seeds), "robustness", quiet)
    try:
        reps = robustness.run_robustness(plan.scenarios, seeds, variants, jobs=jobs,
                                         progress=bar.update if bar else None)
    finally:
        if bar:
            bar.close()
    table = robustness.robustness_table(reps, plan.names[0])
    write_text_atomic(folder / "robustness.csv", table.to_csv(index=False))
    write_text_atomic(folder / "robustness.md", robustness.markdown(robustness.assumptions(plan.scenarios), table))
    compare.write_outputs(plan, folder)       # the report gains its robustness section
    if not quiet:
        print("\n".join(robustness.sentences(table)))


def cmd_run(args) -> int:
    from . import results
    from .metrics import steady_state
    from .runner import run
    from .scenario import load_scenario

    overrides = list(args.overrides)
    if args.weeks is not None:
        overrides.append(f"run.weeks={args.weeks}")
    scenario = load_scenario(args.scenario, overrides)
    folder = args.out or results.default_run_dir(Path("results"), scenario.name, args.seed)
    results.check_output_folder(folder)     # before the simulation, not after it
    started = results.now_iso()
    total = scenario.run.weeks + scenario.run.warmup_weeks
    bar = _progress(total, f"{scenario.name} seed {args.seed}", args.quiet)
    try:
        result = run(scenario, seed=args.seed, progress=bar.update if bar else None, panel=args.panel)
    finally:
        if bar:
            bar.close()
    results.write_run(result, folder, argv=["marginsim", *sys.argv[1:]], scenario_files=[Path(args.scenario)],
                      started=started)
    if not args.quiet:
        print(f"{scenario.name}: {scenario.run.weeks} weeks, seed {args.seed}, "
              f"{int(result.summary['citizens_start']):,} citizens when recording began, "
              f"{scenario.total_staff} caseworkers "
              f"({result.timings['simulate_s']:.1f} s)")
        check = steady_state(result.summary, scenario.run.warmup_weeks)
        print(f"  every indicator covers {check['window']} ({scenario.run.weeks} weeks after a "
              f"{scenario.run.warmup_weeks}-week spin-up); steady state: {check['verdict']}")
        measured = {stock: d for stock, d in check["drift"].items() if d == d}   # (nan: too short to tell)
        if measured:
            print("  drift from the first to the last recorded year, against the mean: "
                  + ", ".join(f"{stock} {d:+.1%}" for stock, d in measured.items()))
        for key, label, fmt in HEADLINE:
            value = result.summary[key]
            # e.g. months per recipient-year need a whole recorded year, 6-month exits 26 weeks
            shown = fmt.format(value) if value == value else "n/a (too few recorded weeks)"
            print(f"  {label:<52} {shown}")
        if result.panel is not None:
            who = "all persons" if args.panel.share == "all" else f"a share {args.panel.share:g} of persons"
            print(f"panel: {len(result.panel):,} person-weeks ({who}) in {folder / results.PANEL}")
        print(f"results: {folder}")
    return 0


def _progress(total: int, desc: str, quiet: bool):
    if quiet:
        return None
    from tqdm import tqdm
    return tqdm(total=total, desc=desc, unit="week", delay=1.0, leave=False, file=sys.stderr)


def _one_line(text) -> str:
    """An error as one printable line: newlines or control characters quoted from input are escaped."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(text))


def _terminate_as_interrupt(signum, frame):
    """SIGTERM (a cluster's time limit, ``kill``) ends a command like Ctrl-C: what finished is kept."""
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    import signal

    from .results import ResultsError

    parser = build_parser()
    args = parser.parse_args(argv)
    import threading
    main_thread = threading.current_thread() is threading.main_thread()   # only it may set handlers
    previous = signal.signal(signal.SIGTERM, _terminate_as_interrupt) if main_thread else None
    try:
        return args.func(args)
    except (ScenarioError, ResultsError, BadInput) as exc:
        print(f"marginsim: error: {_one_line(exc)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BatchFailed as exc:
        print(f"marginsim: {_one_line(exc)}", file=sys.stderr)
        return EXIT_FAILED
    except OSError as exc:     # the file system refused something: say what, not a traceback
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"marginsim: error: {_one_line(f'{where}{exc.strerror or exc}')}", file=sys.stderr)
        return EXIT_FAILED
    except BadInputInterrupted as exc:
        print(f"marginsim: {_one_line(exc)}", file=sys.stderr)
        return EXIT_INTERRUPTED
    except KeyboardInterrupt:
        print("marginsim: interrupted; nothing unfinished was kept", file=sys.stderr)
        return EXIT_INTERRUPTED
    finally:
        if main_thread:
            signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
