"""The comparison report: what was compared, the headline table, figures, and one plain-language
paragraph per finding that states its uncertainty. Written as Markdown and as HTML from the same
blocks, and only from the tables on disk (never from a live model).
"""

from __future__ import annotations

import html
import math
from pathlib import Path

import pandas as pd

from .analysis import HEADLINE, verdict

SECTIONS = {
    "People on the margin": ["mean_position", "share_2plus_lost", "share_3plus_lost", "sa_recipient_share",
                             "sa_months_per_recipient", "sa_share_6plus_months", "user_exits_to_work_per_year",
                             "unemployment_exit_6_months", "to_disability_per_1000_per_year"],
    "How the office works": ["first_follow_up_wait_weeks", "decision_wait_weeks", "handoffs_per_user",
                             "contact_points_per_user", "lost_in_handoff_per_year", "time_share_follow_up",
                             "time_share_decisions", "creaming_index"],
    "Cost": ["cost_nok_per_exit_to_work"],
}


def fmt(metric: str, value: float) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return HEADLINE[metric][1].format(value)


def fmt_diff(metric: str, value: float) -> str:
    """A difference in the metric's own format, with an explicit sign; shares differ in percentage points."""
    if math.isnan(value):
        return "n/a"
    spec = HEADLINE[metric][1]
    size, unit = (abs(value) * 100, " pp") if "%" in spec else (abs(value), "")
    text = (f"{size:.{int(spec.split('.')[1][0])}f}" if "%" in spec else fmt(metric, size).lstrip("+-"))
    if value != 0 and not any(ch in "123456789" for ch in text):
        text = f"{size:.2g}"      # too small for the metric's usual format: two significant digits
    return ("+" if value >= 0 else "−") + text + unit


def finding(row: pd.Series, base_row: pd.Series, n: int) -> str:
    """One paragraph: the two values, the paired difference and what the interval allows us to say."""
    metric, label = row["metric"], HEADLINE[row["metric"]][0]
    head = (f"**{label.capitalize()}.** {row['scenario']}: {fmt(metric, row['mean'])} "
            f"(95 % interval {fmt(metric, row['ci_low'])} to {fmt(metric, row['ci_high'])}); "
            f"{row['baseline']}: {fmt(metric, base_row['mean'])}. ")
    diff = (f"Paired difference {fmt_diff(metric, row['diff'])} "
            f"(95 % interval {fmt_diff(metric, row['diff_low'])} to {fmt_diff(metric, row['diff_high'])}, "
            f"{n} paired replications). ")
    v = verdict(row)
    if v == "no clear difference":
        tail = "The interval includes zero: these replications cannot tell the two offices apart on this measure."
    else:
        better = HEADLINE[metric][2]
        judged = ""
        if better:
            good = (v == better)
            judged = " — better" if good else " — worse"
        lo, hi = sorted((abs(row["diff_low"]), abs(row["diff_high"])))
        tail = (f"The interval excludes zero: {row['scenario']} is {v} than {row['baseline']}{judged}, "
                f"by between {fmt_diff(metric, lo)[1:]} and {fmt_diff(metric, hi)[1:]}, "
                "within this model and its assumptions.")
    return head + diff + tail


def blocks(plan, summary: pd.DataFrame, reps: pd.DataFrame, figures, folder: Path) -> list[tuple]:
    s0 = plan.scenarios[0]
    n = plan.replications
    out: list[tuple] = [("h1", "marginsim comparison: " + " vs ".join(plan.names))]
    out.append(("p", f"What was compared: {len(plan.scenarios)} office organisations, each simulated {n} times "
                     f"over {s0.run.weeks} weeks ({s0.run.weeks / 52:.0f} years, after a {s0.run.warmup_weeks}-week "
                     f"warm-up) for a district of {s0.population.citizens:,} working-age adults. Replication k of every "
                     f"scenario used the same seed (common random numbers, root seed {plan.root_seed}), so "
                     f"differences are paired. Intervals are 95 % Student-t intervals over replications; they "
                     f"describe the model's randomness, not the uncertainty in its assumptions (see docs/calibration.md)."))
    rows = []
    for s in plan.scenarios:
        rows.append([s.name, s.description, str(s.total_staff),
                     ", ".join(f"{u.name} ({u.staff})" for u in s.office.units)])
    out.append(("table", ["scenario", "description", "caseworkers", "units (staff)"], rows))
    out.append(("h2", "Headline table"))
    header = ["indicator"] + plan.names + [f"{name} − {plan.names[0]}" for name in plan.names[1:]]
    table = []
    for metric in [m for sec in SECTIONS.values() for m in sec]:
        g = summary[summary["metric"] == metric].set_index("scenario")
        if g.empty:
            continue
        cells = [HEADLINE[metric][0]]
        cells += [f"{fmt(metric, g.loc[name, 'mean'])} ({fmt(metric, g.loc[name, 'ci_low'])} to {fmt(metric, g.loc[name, 'ci_high'])})"
                  for name in plan.names]
        for name in plan.names[1:]:
            r = g.loc[name]
            mark = "" if verdict(r) == "no clear difference" else " *"
            cells.append(f"{fmt_diff(metric, r['diff'])} ({fmt_diff(metric, r['diff_low'])} to {fmt_diff(metric, r['diff_high'])}){mark}")
        table.append(cells)
    out.append(("table", header, table))
    out.append(("p", "Values are means with 95 % intervals. A * marks a paired difference whose interval excludes zero."))
    for caption, path in figures:
        out.append(("img", str(Path(path).relative_to(folder)), caption))
    out.append(("h2", "Findings"))
    for section, metrics in SECTIONS.items():
        out.append(("h3", section))
        for metric in metrics:
            g = summary[summary["metric"] == metric].set_index("scenario")
            if g.empty:
                continue
            for name in plan.names[1:]:
                out.append(("p", finding(_row(g, name), g.loc[plan.names[0]], n)))
    out.append(("h2", "Reading this report"))
    out.append(("p", "The model compares mechanisms described in the sources (docs/ODD.md); most effect sizes are "
                     "assumptions (docs/calibration.md). A clear difference here means the organisations differ "
                     "*in the model* beyond its randomness, not that the same difference would be seen in an office. "
                     "Per-replication numbers are in replications.parquet, the summary in summary.csv."))
    return out


def _row(g: pd.DataFrame, name: str) -> pd.Series:
    row = g.loc[name].copy()
    row["scenario"] = name
    return row


def to_markdown(blocks_: list[tuple]) -> str:
    lines = []
    for block in blocks_:
        kind = block[0]
        if kind in ("h1", "h2", "h3"):
            lines += ["#" * int(kind[1]) + " " + block[1], ""]
        elif kind == "p":
            lines += [block[1], ""]
        elif kind == "table":
            _, header, rows = block
            lines.append("| " + " | ".join(header) + " |")
            lines.append("|" + "---|" * len(header))
            lines += ["| " + " | ".join(str(c).replace("|", "/") for c in r) + " |" for r in rows]
            lines.append("")
        elif kind == "img":
            lines += [f"![{block[2]}]({block[1]})", "", f"*{block[2]}*", ""]
    return "\n".join(lines)


def _inline(text: str) -> str:
    """Escape, then render **bold** and *italic* as in the Markdown."""
    import re
    t = html.escape(text)
    t = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", t)
    return re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"<em>\1</em>", t)


def to_html(blocks_: list[tuple], title: str) -> str:
    body = []
    for block in blocks_:
        kind = block[0]
        if kind in ("h1", "h2", "h3"):
            body.append(f"<{kind}>{html.escape(block[1])}</{kind}>")
        elif kind == "p":
            body.append(f"<p>{_inline(block[1])}</p>")
        elif kind == "table":
            _, header, rows = block
            head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
            trs = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in r) + "</tr>" for r in rows)
            body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{trs}</tbody></table>")
        elif kind == "img":
            body.append(f'<figure><img src="{html.escape(block[1])}" alt="{html.escape(block[2])}">'
                        f"<figcaption>{html.escape(block[2])}</figcaption></figure>")
    style = ("body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;line-height:1.45}"
             "table{border-collapse:collapse;margin:1em 0;font-size:.9em}td,th{border:1px solid #ccc;padding:.3em .5em}"
             "th{background:#f3f3f3}img{max-width:100%}figcaption{font-style:italic;color:#444}")
    return (f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title>"
            f"<style>{style}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n")


def write_comparison_report(plan, summary, reps, figures, folder: Path) -> None:
    b = blocks(plan, summary, reps, figures, folder)
    (folder / "report.md").write_text(to_markdown(b), encoding="utf-8")
    (folder / "report.html").write_text(to_html(b, b[0][1]), encoding="utf-8")
