"""The dashboard's charts: plain functions of the model, drawn with matplotlib as PNG images.

Sized for a projector: every figure is :data:`WIDTH_PX` pixels wide (it fits a 1024-pixel
window at full size) and no text is smaller than :data:`SMALLEST_PT` points at :data:`DPI`,
i.e. at least 15 pixels high (tested). Figures have fixed margins (no layout engine: it
would draw every figure twice), so a click on the axis chart maps back to a citizen
(:func:`citizen_at`).
"""

from __future__ import annotations

import io

import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from simulation.population import ARENAS, BENEFIT_NAMES

from . import adapter as A

DPI = 100
WIDTH_PX = 940
SMALLEST_PT = 11          # 15.3 px at DPI 100
FONT = 12                 # titles and axis labels (16.7 px)
HEIGHT_PX = 440

_PALETTE = {"none": "#c7c7c7", "unemployment_benefit": "#1f77b4", "sick_pay": "#17becf",
            "work_assessment_allowance": "#2ca02c", "social_assistance": "#d62728",
            "qualification_programme": "#ff7f0e", "disability_benefit": "#9467bd", "early_pension": "#8c564b"}
_SPARE_COLOURS = ["#e377c2", "#bcbd22", "#7f7f7f", "#aec7e8"]
#: one colour per benefit code (a benefit the model adds later gets a spare colour)
BENEFIT_COLOURS = [_PALETTE.get(name, _SPARE_COLOURS[i % len(_SPARE_COLOURS)]) for i, name in enumerate(BENEFIT_NAMES)]
ARENA_COLOURS = dict(zip(ARENAS, ["#1f77b4", "#2ca02c", "#8c564b", "#d62728"], strict=True))
AXIS_BOX = dict(left=0.08, right=0.98, bottom=0.15, top=0.90)     # the axis chart's plot area
AXIS_XLIM, AXIS_YLIM = (0.0, 1.0), (4.6, -0.6)
MAX_LINE_POINTS = 1200    # longer histories are drawn as block means (a redraw stays fast after years)


def figure(height_px: int = HEIGHT_PX, margins: dict[str, float] | None = None) -> Figure:
    """A projector-sized figure with fixed margins (fractions of the figure)."""
    fig = Figure(figsize=(WIDTH_PX / DPI, height_px / DPI), dpi=DPI)
    fig.subplots_adjust(**{"left": 0.09, "right": 0.98, "bottom": 0.15, "top": 0.90, **(margins or {})})
    return fig


def _style(ax, title: str, xlabel: str, ylabel: str) -> None:
    ax.set_title(title, fontsize=FONT)
    ax.set_xlabel(xlabel, fontsize=FONT)
    ax.set_ylabel(ylabel, fontsize=FONT)
    ax.tick_params(labelsize=SMALLEST_PT)


def png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, pil_kwargs={"compress_level": 1})
    return buf.getvalue()


# --------------------------------------------------------------------------------------------
# The axis: one dot per drawn citizen
# --------------------------------------------------------------------------------------------


def _jitter(slots: np.ndarray) -> np.ndarray:
    """A fixed vertical offset per population slot, so a citizen's mark does not jump about."""
    return (A._slot_hash(slots, salt=1) - 0.5) * 0.7


def axis_points(model: A.DashboardModel) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Slots drawn on the axis chart and their x (position) and y (arenas lost, jittered)."""
    slots = model.drawn()
    arenas = model.citizens.arenas[:, slots]
    return slots, arenas.mean(axis=0), model.lost_count(slots) + _jitter(slots)


def axis_figure(model: A.DashboardModel, followed: int | None = None) -> Figure:
    """Citizens on the inclusion-exclusion axis: x = position (mean arena score), y = arenas lost
    (spread a little), colour = benefit; office users large and ringed; ``followed`` a star."""
    slots, x, y = axis_points(model)
    ben = model.citizens.benefit[slots]
    user = A.office_users(model, slots)
    fig = figure(margins=AXIS_BOX)
    ax = fig.subplots()
    # one Line2D per benefit and office contact: Agg stamps markers fast (a scatter with
    # per-point colours costs several times more)
    for k in range(len(BENEFIT_NAMES)):
        mine = ben == k
        ax.plot(x[mine & ~user], y[mine & ~user], "o", ms=3.2, mew=0, color=BENEFIT_COLOURS[k])
        ax.plot(x[mine & user], y[mine & user], "o", ms=5.5, mew=0.8, mec="black", color=BENEFIT_COLOURS[k])
    if followed is not None and model.citizens.alive[followed]:
        fx = model.citizens.arenas[:, followed].mean()
        fy = model.lost_count([followed])[0] + _jitter(np.array([followed]))[0]
        ax.plot([fx], [fy], "*", ms=22, color="gold", mec="black", mew=1.2, zorder=5)
    ax.set_xlim(*AXIS_XLIM)
    ax.set_ylim(*AXIS_YLIM)
    ax.set_yticks(range(5))
    n = int(model.citizens.alive.sum())
    shown = f"{len(slots):,} of {n:,} citizens" if len(slots) < n else f"all {n:,} citizens"
    _style(ax, f"Citizens on the inclusion-exclusion axis, week {model.shown_week} ({shown})",
           "position: 0 = excluded from every arena, 1 = included in all four", "arenas lost")
    return fig


def citizen_at(model: A.DashboardModel, fx: float, fy: float, radius: float = 0.04) -> int | None:
    """The drawn citizen nearest a click at (fx, fy), given as fractions of the image's width and
    height from its top-left corner; None if no dot is within ``radius`` (a fraction of the plot)."""
    b = AXIS_BOX
    u = (fx - b["left"]) / (b["right"] - b["left"])          # 0..1 across the plot area
    v = ((1 - fy) - b["bottom"]) / (b["top"] - b["bottom"])   # 0..1 up the plot area
    if not (-0.02 <= u <= 1.02 and -0.02 <= v <= 1.02):
        return None
    slots, x, y = axis_points(model)
    if not len(slots):
        return None
    pu = (x - AXIS_XLIM[0]) / (AXIS_XLIM[1] - AXIS_XLIM[0])
    pv = (y - AXIS_YLIM[0]) / (AXIS_YLIM[1] - AXIS_YLIM[0])
    aspect = (b["top"] - b["bottom"]) * HEIGHT_PX / ((b["right"] - b["left"]) * WIDTH_PX)
    d = np.hypot(pu - u, (pv - v) * aspect)
    i = int(np.argmin(d))
    return int(slots[i]) if d[i] <= radius else None


def arenas_figure(model: A.DashboardModel) -> Figure:
    """The four arenas at a glance: the share of citizens who have lost each arena, and the share
    who have lost 1, 2, 3 or all 4 (bars: now; dashed outlines: week 0)."""
    fig = figure()
    ax = fig.subplots()
    now = 100 * np.concatenate([model.excluded_shares(), model.lost_shares()[1:]])
    start = 100 * np.concatenate([model.excluded_at_start, model.lost_at_start[1:]])
    x = np.array([0, 1, 2, 3, 5, 6, 7, 8])
    colours = [ARENA_COLOURS[a] for a in ARENAS] + ["#fdd49e", "#fc8d59", "#d7301f", "#7f0000"]
    ax.bar(x, now, color=colours)
    ax.bar(x, start, fill=False, edgecolor="black", linestyle="--", linewidth=1.2)
    top = max(5.0, 1.35 * max(now.max(), start.max()))
    for i, v in zip(x, now, strict=True):
        ax.text(i, v + top * 0.01, f"{v:.1f}", ha="center", va="bottom", fontsize=SMALLEST_PT)
    ax.axvline(4, color="grey", linewidth=0.8)
    ax.text(1.5, top * 0.97, "lost this arena", ha="center", va="top", fontsize=FONT)
    ax.text(6.5, top * 0.97, f"lost this many arenas (none: {100 * model.lost_shares()[0]:.1f} %)",
            ha="center", va="top", fontsize=FONT)
    ax.set_xticks(x, list(ARENAS) + ["1", "2", "3", "all 4"])
    ax.set_ylim(0, top)
    _style(ax, f"The four arenas, week {model.shown_week} (dashed outline: week 0)", "", "% of citizens")
    return fig


# --------------------------------------------------------------------------------------------
# Over time
# --------------------------------------------------------------------------------------------


def thin(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Weeks and values to draw: every week, or block means when there are many (a block with
    no value stays a gap)."""
    x = np.arange(len(y), dtype=float)
    if len(y) <= MAX_LINE_POINTS:
        return x, y
    k = -(-len(y) // MAX_LINE_POINTS)
    n = len(y) // k * k
    blocks = y[:n].reshape(-1, k)
    seen = ~np.isnan(blocks)
    with np.errstate(invalid="ignore"):
        return x[:n].reshape(-1, k).mean(axis=1), np.where(seen, blocks, 0.0).sum(axis=1) / seen.sum(axis=1)


def _top(values) -> float:
    finite = [float(np.nanmax(v)) for v in values if np.isfinite(v).any()]
    top = max(finite, default=0.0)
    return top * 1.1 if top > 0 else 1.0


def series_figure(model: A.DashboardModel, measures: dict[str, str], title: str, ylabel: str) -> Figure:
    """Weekly values of some :data:`adapter.REPORTERS`, one line each, legend outside the lines."""
    fig = figure(margins={"right": 0.76})
    ax = fig.subplots()
    ys = [model.series(name) for name in measures]
    for (name, colour), y in zip(measures.items(), ys, strict=True):
        ax.plot(*thin(y), color=colour, label=name, linewidth=2.2)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlim(0, max(1, len(ys[0]) - 1))
    ax.set_ylim(0, _top(ys))
    _style(ax, title, "week", ylabel)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=SMALLEST_PT, frameon=False)
    return fig


def story_figure(story: A.Story | None, threshold: float) -> Figure:
    """One person's last weeks: four arena scores (loss line dashed), hand-offs as dotted lines,
    benefit and office contact in a band underneath."""
    fig = figure(360, {"left": 0.13, "right": 0.84, "bottom": 0.17, "top": 0.90, "hspace": 0.1})
    ax, band = fig.subplots(2, 1, height_ratios=[4, 1], sharex=True)
    if story is None or not len(story.weeks):
        ax.text(0.5, 0.5, "nobody picked yet", ha="center", va="center", transform=ax.transAxes, fontsize=FONT)
        return fig
    w = story.weeks
    for k, a in enumerate(ARENAS):
        ax.plot(w, story.arenas[:, k], color=ARENA_COLOURS[a], label=a, linewidth=2.2,
                marker="o" if len(w) < 3 else None)
    ax.axhline(threshold, color="black", linestyle="--", linewidth=1.0)
    for week in w[1:][np.diff(story.handoffs.astype(int)) > 0]:
        ax.axvline(week, color="#9467bd", linestyle=":", linewidth=2.0)
    ax.set_ylim(0, 1.02)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=SMALLEST_PT, frameon=False)
    _style(ax, f"Person {story.person_id}: arena scores (dashed: lost below; dotted: hand-off)", "", "score")
    edges = np.append(w, w[-1] + 1) - 0.5
    band.pcolormesh(edges, [0, 1], story.benefit[None, :].astype(float), cmap=ListedColormap(BENEFIT_COLOURS),
                    vmin=-0.5, vmax=len(BENEFIT_COLOURS) - 0.5)
    band.pcolormesh(edges, [1, 2], np.where(story.user, 1.0, np.nan)[None, :], cmap=ListedColormap(["#444444"]),
                    vmin=0, vmax=1)
    band.set_ylim(0, 2)
    band.set_yticks([0.5, 1.5], ["benefit", "office"])
    band.tick_params(labelsize=SMALLEST_PT)
    band.set_xlim(w[0] - 0.5, max(w[-1] + 0.5, w[0] + 12))
    band.set_xlabel("week", fontsize=FONT)
    band.xaxis.set_major_locator(MaxNLocator(integer=True))
    return fig


def compare_figure(main: A.DashboardModel, other: A.DashboardModel, measure: str, names: tuple[str, str]) -> Figure:
    """One measure in two offices over the same weeks (top) and the difference, second minus
    first (bottom, shaded)."""
    fig = figure(460, {"left": 0.09, "right": 0.98, "bottom": 0.12, "top": 0.92, "hspace": 0.12})
    ax, diff = fig.subplots(2, 1, height_ratios=[3, 2], sharex=True)
    a, b = main.series(measure), other.series(measure)
    n = min(len(a), len(b))
    a, b = a[:n], b[:n]
    ax.plot(*thin(a), color="#555555", linewidth=2.2, label=names[0])
    ax.plot(*thin(b), color="#d62728", linewidth=2.2, label=names[1])
    ax.set_ylim(0, _top([a, b]))
    ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), fontsize=SMALLEST_PT, ncols=2, frameon=False,
              borderaxespad=0.1)
    ax.set_title(measure, fontsize=FONT, loc="left")
    ax.tick_params(labelsize=SMALLEST_PT)
    x, d = thin(b - a)
    diff.axhline(0, color="black", linewidth=0.8)
    diff.fill_between(x, 0, np.nan_to_num(d), color="#d62728", alpha=0.35, linewidth=0)
    diff.plot(x, d, color="#d62728", linewidth=1.6)
    diff.set_xlim(0, max(1, n - 1))
    diff.xaxis.set_major_locator(MaxNLocator(integer=True))
    diff.text(0.005, 0.96, f"difference: {names[1]} minus {names[0]}", transform=diff.transAxes, va="top",
              fontsize=SMALLEST_PT, bbox=dict(facecolor="white", edgecolor="none", alpha=0.8, pad=1))
    finite = d[np.isfinite(d)]
    lo, hi = (min(0.0, finite.min()), max(0.0, finite.max())) if len(finite) else (0.0, 0.0)
    span = (hi - lo) or 1.0
    diff.set_ylim(lo - 0.08 * span, hi + 0.35 * span)      # room for the label above the line
    _style(diff, "", "week", "difference")
    return fig


def text_sizes_px(fig: Figure) -> list[float]:
    """Pixel heights (font size) of every visible non-empty text in a drawn figure (for tests)."""
    from matplotlib.text import Text
    fig.draw_without_rendering()
    texts = [t for t in fig.findobj(Text) if isinstance(t, Text) and t.get_visible() and t.get_text().strip()]
    return [float(t.get_fontsize()) * DPI / 72 for t in texts]
