"""The frequency chart (codes × transcripts) as PNG bytes, rendered with matplotlib's Agg backend.

No pyplot and no display: a :class:`matplotlib.figure.Figure` with an Agg
canvas, so it works in a terminal, in CI and in a TUI worker thread. Up to six
transcripts give grouped bars; more give stacked bars (grouped ones get too thin).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

MAX_GROUPED = 6


def frequency_chart_png(
    codes: Sequence[str],
    transcripts: Sequence[str],
    counts: Mapping[tuple[str, str], int],
    *,
    ylabel: str = "",
    width_cm: float = 16.0,
    height_cm: float = 9.0,
    dpi: int = 200,
) -> bytes:
    """A bar chart of ``counts[(code, transcript)]`` (codes on the x axis, one colour per transcript)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width_cm / 2.54, height_cm / 2.54), dpi=dpi)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    x = list(range(len(codes)))
    n = max(len(transcripts), 1)
    colours = [f"C{i % 10}" for i in range(n)]
    if len(transcripts) <= MAX_GROUPED:
        width = 0.8 / n
        for i, t in enumerate(transcripts):
            offs = [xi - 0.4 + width * (i + 0.5) for xi in x]
            ax.bar(offs, [counts.get((c, t), 0) for c in codes], width, label=t, color=colours[i])
    else:
        bottom = [0] * len(codes)
        for i, t in enumerate(transcripts):
            values = [counts.get((c, t), 0) for c in codes]
            ax.bar(x, values, 0.7, bottom=bottom, label=t, color=colours[i])
            bottom = [b + v for b, v in zip(bottom, values)]
    ax.set_xticks(x)
    ax.set_xticklabels(
        list(codes), rotation=30 if len(codes) > 4 else 0, ha="right" if len(codes) > 4 else "center", fontsize=8
    )
    ax.set_ylabel(ylabel, fontsize=9)
    ax.tick_params(axis="y", labelsize=8)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.spines[["top", "right"]].set_visible(False)
    if transcripts:
        ax.legend(
            fontsize=8, frameon=False, ncols=min(len(transcripts), 6), loc="lower center", bbox_to_anchor=(0.5, 1.0)
        )
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()
