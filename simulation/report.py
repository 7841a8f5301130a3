"""The comparison report: "In brief" first, then what was compared, the headline table, the
figures and every difference with its verdict. Written as Markdown and as one self-contained
HTML file (figures embedded) from the same blocks, and only from the tables on disk (never from
a live model). Labels, units, windows and the smallest differences that matter come from the
indicator catalogue (:mod:`simulation.indicators`).
"""

from __future__ import annotations

import base64
import html
import re
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd

from . import indicators
from .analysis import size_against_threshold
from .indicators import format_interval, format_value

fmt = format_value          # the CLI's `compare` prints values with it
IN_BRIEF_MAX = 5
STAFF_TOLERANCE = 0.02      # staff per 1,000 adults within 2 % count as equal (rounding whole people)


def staff_per_1000(scenario) -> float:
    return 1000 * scenario.total_staff / scenario.population.citizens


def staffing_note(scenarios) -> list[str]:
    """Lines for the CLI: each scenario's staff per 1,000 adults, and one warning line if they differ."""
    lines = [f"  {s.name}: {s.total_staff} caseworkers for {s.population.citizens:,} adults = "
             f"{staff_per_1000(s):.2f} per 1,000 adults" for s in scenarios]
    values = [staff_per_1000(s) for s in scenarios]
    if max(values) > min(values) * (1 + STAFF_TOLERANCE):
        lines.append(f"warning: staff per 1,000 adults differ ({min(values):.2f} to {max(values):.2f}); differences "
                     "between offices are then partly differences in staffing")
    return lines


def _described(scenario, file: Path | None) -> str:
    """The scenario's own description; a description inherited through ``extends`` is not its own."""
    try:
        own = tomllib.loads(Path(file).read_text(encoding="utf-8")).get("description") if file else scenario.description
    except (OSError, tomllib.TOMLDecodeError):
        own = scenario.description
    return own or "(no description)"


def brief(summary: pd.DataFrame, baseline: str) -> list[str]:
    """At most five findings, largest against their smallest difference that matters first; one
    sentence each, with the paired difference and its interval. Differences whose interval
    includes zero or that are smaller than the threshold are never findings here."""
    rows = summary[(summary["scenario"] != baseline) & summary["verdict"].isin(["higher", "lower"])].copy()
    rows = rows[[indicators.get(m).better is not None for m in rows["metric"]]]
    base = summary[summary["scenario"] == baseline].set_index("metric")
    # (a difference from a baseline of zero has no size to rank by: such findings go last)
    rows["size"] = [size_against_threshold(r, base.loc[r["metric"], "mean"]) for _, r in rows.iterrows()]
    rows = rows.sort_values("size", ascending=False, na_position="last")
    out = []
    for _, r in rows.head(IN_BRIEF_MAX).iterrows():
        e = indicators.get(r["metric"])
        judged = "better" if r["verdict"] == e.better else "worse"
        size = (f"{r['size']:.1f} times the smallest difference that matters, {e.threshold_text()}"
                if not np.isnan(r["size"]) else f"{baseline} has none: a difference from zero")
        out.append(f"**{r['scenario']}** is {judged} than {baseline} on {e.label}: "
                   f"{format_value(r['metric'], r['mean'])} against "
                   f"{format_value(r['metric'], base.loc[r['metric'], 'mean'])}, a difference of "
                   f"{format_interval(r['metric'], r['diff'], r['diff_low'], r['diff_high'])} ({size}).")
    return out


def _window_short(metric: str, weeks: int) -> str:
    w = indicators.get(metric).window
    if w == indicators.LAST_YEAR:
        return "last year"
    return f"{weeks / 52:.0f} years" if weeks % 52 == 0 else f"{weeks} weeks"


def _diff_cell(r) -> str:
    """A paired difference with its interval and what it allows us to say."""
    v, better = r["verdict"], indicators.get(r["metric"]).better
    text = format_interval(r["metric"], r["diff"], r["diff_low"], r["diff_high"])
    if v == "no practical difference":
        return text + " (too small to matter)"
    if v in ("higher", "lower"):
        return text + (" (clear)" if better is None else " better" if v == better else " worse")
    return text


def blocks(plan, summary: pd.DataFrame, figures, folder: Path) -> list[tuple]:
    s0 = plan.scenarios[0]
    n, weeks, base = plan.replications, s0.run.weeks, plan.names[0]
    out: list[tuple] = [("h1", "marginsim comparison: " + " vs ".join(plan.names))]
    out.append(("h2", "In brief"))
    found = brief(summary, base)
    if found:
        out.append(("list", found))
    else:
        out.append(("p", f"No scenario differs from {base} by more than the smallest difference that matters on any "
                         "indicator with a better direction."))
    others = summary[(summary["scenario"] != base) & (summary["verdict"] == "no practical difference")]
    out.append(("p", f"Each finding compares a scenario with **{base}** (the baseline) over {n} paired replications; "
                     "the interval is the 95 % interval of the paired difference. A difference counts only when its "
                     "interval excludes zero *and* it is at least the smallest difference that matters in practice "
                     f"(the indicator catalogue, docs/indicators.md, gives each threshold and why). "
                     f"{len(others)} further differences are clear but smaller than that: no practical difference."))
    out.append(("h2", "What was compared"))
    out.append(("p", f"{len(plan.scenarios)} office organisations, each simulated {n} times over {weeks} "
                     "recorded weeks "
                     f"({weeks / 52:.0f} years, after a {s0.run.warmup_weeks}-week warm-up) for a district of "
                     f"{s0.population.citizens:,} working-age adults. Replication k of every scenario used the same "
                     f"seed (common random numbers, root seed {plan.root_seed}), so differences are paired. Intervals "
                     "are 95 % Student-t intervals over replications; they describe the model's randomness, not the "
                     "uncertainty in its assumptions (see docs/calibration.md)."))
    files = getattr(plan, "files", None) or [None] * len(plan.scenarios)
    rows = [[s.name, _described(s, f), str(s.total_staff), f"{staff_per_1000(s):.2f}",
             ", ".join(f"{u.name} ({u.staff})" for u in s.office.units)]
            for s, f in zip(plan.scenarios, files, strict=True)]
    out.append(("table", ["scenario", "description", "caseworkers", "per 1,000 adults", "units (staff)"], rows))
    warning = [line for line in staffing_note(plan.scenarios) if line.startswith("warning")]
    if warning:
        out.append(("p", "**Staffing differs:** " + warning[0].removeprefix("warning: ") + "."))
    out += _assumptions_blocks(plan, folder)
    out.append(("h2", "Headline table"))
    out.append(("p", f"Means with 95 % intervals; the window says which weeks each value covers (last year = weeks "
                     f"{max(0, weeks - 52)}-{weeks - 1}; {weeks / 52:.0f} years = all recorded weeks 0-{weeks - 1}). "
                     "Differences are paired, against the baseline; shares differ in percentage points (pp). "
                     "*better* / *worse* / *clear* (an indicator with no better direction, such as idle time): the "
                     "interval excludes zero and the difference is at least the smallest that matters."))
    out.append(("table", *_table(summary, plan.names, [m for m in indicators.headline()], weeks)))
    for caption, path in figures:
        out.append(("img", Path(path), caption))
    out.append(("h2", "Every difference"))
    out.append(("p", "Every indicator with a better direction, against the smallest difference that matters. "
                     "*better* / *worse*: the interval excludes zero and the difference is at least the threshold; "
                     "*too small to matter*: the interval excludes zero but the difference is below the threshold; "
                     "no mark: the interval includes zero (the replications cannot tell the offices apart)."))
    for topic, title in indicators.TOPICS.items():
        metrics = [m for m, e in indicators.CATALOGUE.items() if e.topic == topic and e.better is not None
                   and m in set(summary["metric"])]
        if metrics:
            out.append(("h3", title))
            out.append(("table", *_detail_table(summary, plan.names, metrics, weeks)))
    out.append(("h2", "Reading this report"))
    out.append(("p", "The model compares mechanisms described in the sources (docs/ODD.md); most effect sizes are "
                     "assumptions (docs/calibration.md). A clear difference here means the organisations differ "
                     "*in the model* beyond its randomness, not that the same difference would be seen in an office. "
                     "Per-replication numbers are in replications.parquet, the summary (with each threshold and "
                     "verdict) in summary.csv."))
    return out


def _assumptions_blocks(plan, folder: Path) -> list[tuple]:
    """'What this comparison assumes' (always) and 'Robustness' (after ``compare --robustness``)."""
    from . import robustness
    names = plan.names
    assumed = robustness.assumptions(plan.scenarios)
    out: list[tuple] = [("h2", "What this comparison assumes"),
                        ("p", "First the parameters set differently in the compared scenarios (the organisation "
                              "itself, and anything else), then assumptions that are the same in every scenario, "
                              "that no source gives a size for, and that can decide an organisation comparison. "
                              "`marginsim compare --robustness` reruns the comparison across their ranges.")]
    rows = [[f"`{r['parameter']}`", r["kind"], *[str(r[n]) for n in names],
             r["range"] if isinstance(r.get("range"), str) else "", r["source"]] for r in assumed.to_dict("records")]
    out.append(("table", ["parameter", "kind", *names, "plausible range", "source"], rows))
    path = Path(folder) / "robustness.csv"
    if path.is_file():
        table = pd.read_csv(path)
        table[["sign_holds", "flipped_by"]] = table[["sign_holds", "flipped_by"]].fillna("")

        def num(x) -> str:
            return "n/a" if pd.isna(x) else f"{float(x):+.4g}"

        out.append(("h2", "Robustness"))
        out.append(("p", "Each assumption above was set to the low and the high end of its plausible range, one at "
                         "a time, with the same seeds as the comparison; a finding's sign holds when the paired "
                         "difference keeps its sign in every variant (robustness.csv has every value)."))
        out.append(("table", ["comparison", "indicator", "difference at the defaults (95 % interval)",
                              "range over the variants", "sign holds", "flipped by"],
                    [[f"{r['scenario']} vs {r['baseline']}", indicators.label(r["metric"]),
                      f"{num(r['difference'])} ({num(r['ci_low'])} to {num(r['ci_high'])})",
                      f"{num(r['smallest'])} to {num(r['largest'])}", r["sign_holds"], r["flipped_by"]]
                     for r in table.to_dict("records")]))
        out.append(("list", robustness.sentences(table)))
    return out


def _table(summary, names, metrics, weeks):
    header = ["indicator", "window"] + names + [f"{name} − {names[0]}" for name in names[1:]]
    rows = []
    for metric in metrics:
        g = summary[summary["metric"] == metric].set_index("scenario")
        if g.empty:
            continue
        cells = [indicators.label(metric), _window_short(metric, weeks)]
        cells += [f"{format_value(metric, g.loc[n, 'mean'])} ({format_value(metric, g.loc[n, 'ci_low'])} to "
                  f"{format_value(metric, g.loc[n, 'ci_high'])})" for n in names]
        cells += [_diff_cell(g.loc[n].to_dict() | {"metric": metric}) for n in names[1:]]
        rows.append(cells)
    return header, rows


def _detail_table(summary, names, metrics, weeks):
    header = ["indicator", "window", "smallest difference that matters"] + [f"{n} − {names[0]}" for n in names[1:]]
    rows = []
    for metric in metrics:
        g = summary[summary["metric"] == metric].set_index("scenario")
        e = indicators.get(metric)
        rows.append([e.label, _window_short(metric, weeks), e.threshold_text()]
                    + [_diff_cell(g.loc[n].to_dict() | {"metric": metric}) for n in names[1:]])
    return header, rows


# --------------------------------------------------------------------------------------------
# Markdown and self-contained HTML from the same blocks
# --------------------------------------------------------------------------------------------


def to_markdown(blocks_: list[tuple], folder: Path) -> str:
    lines = []
    for block in blocks_:
        kind = block[0]
        if kind in ("h1", "h2", "h3"):
            lines += ["#" * int(kind[1]) + " " + block[1], ""]
        elif kind == "p":
            lines += [block[1], ""]
        elif kind == "list":
            lines += [f"{i}. {item}" for i, item in enumerate(block[1], start=1)] + [""]
        elif kind == "table":
            _, header, rows = block
            lines.append("| " + " | ".join(header) + " |")
            lines.append("|" + "---|" * len(header))
            lines += ["| " + " | ".join(str(c).replace("|", "/") for c in r) + " |" for r in rows]
            lines.append("")
        elif kind == "img":
            rel = Path(block[1]).relative_to(folder).as_posix()
            lines += [f"![{block[2]}]({rel})", "", f"*{block[2]}*", ""]
    return "\n".join(lines)


def _inline(text: str) -> str:
    """Escape, then render **bold** and *italic* as in the Markdown."""
    t = html.escape(text)
    t = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", t)
    return re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"<em>\1</em>", t)


def _embedded(path: Path) -> str:
    """A figure as a data URI, so report.html can be forwarded as one file."""
    return "data:image/png;base64," + base64.b64encode(Path(path).read_bytes()).decode("ascii")


def to_html(blocks_: list[tuple], title: str) -> str:
    body = []
    for block in blocks_:
        kind = block[0]
        if kind in ("h1", "h2", "h3"):
            body.append(f"<{kind}>{html.escape(block[1])}</{kind}>")
        elif kind == "p":
            body.append(f"<p>{_inline(block[1])}</p>")
        elif kind == "list":
            body.append("<ol>" + "".join(f"<li>{_inline(item)}</li>" for item in block[1]) + "</ol>")
        elif kind == "table":
            _, header, rows = block
            head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
            trs = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in r) + "</tr>" for r in rows)
            body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{trs}</tbody></table>")
        elif kind == "img":
            body.append(f'<figure><img src="{_embedded(block[1])}" alt="{html.escape(block[2])}">'
                        f"<figcaption>{html.escape(block[2])}</figcaption></figure>")
    style = ("body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;line-height:1.45}"
             "table{border-collapse:collapse;margin:1em 0;font-size:.9em}td,th{border:1px solid #ccc;padding:.3em .5em}"
             "th{background:#f3f3f3}img{max-width:100%}figcaption{font-style:italic;color:#444}")
    return (f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title>"
            f"<style>{style}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n")


def write_comparison_report(plan, summary, reps, figures, folder: Path) -> None:
    folder = Path(folder)
    b = blocks(plan, summary, figures, folder)
    (folder / "report.md").write_text(to_markdown(b, folder), encoding="utf-8")
    (folder / "report.html").write_text(to_html(b, b[0][1]), encoding="utf-8")
