"""The frequency chart as PNG bytes, drawn with Pillow (no matplotlib: its import alone cost 2–3 s).

Horizontal bars, one per code, sorted by frequency (largest on top), so long Dutch
code titles need no rotation. Up to :data:`MAX_SERIES` transcripts: one stacked
segment per transcript with a legend; beyond that the bars show totals per code
(the caller says so in the caption). Text uses the document's body font when a
font file for it is found (``fc-match``; metric-compatible substitutes such as
Carlito for Calibri count), else DejaVu Sans from matplotlib's data, else Pillow's
built-in font. :func:`alt_text` describes the chart for screen readers.

Decision on ``--chart native``: no well-kept Python library writes native Word
(DrawingML) charts into .docx — python-docx does not, python-pptx does only for
PowerPoint — so native falls back to this picture and the export says so.
"""

from __future__ import annotations

import functools
import io
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

MAX_SERIES = 12
PALETTE = (
    (31, 119, 180),
    (255, 127, 14),
    (44, 160, 44),
    (214, 39, 40),
    (148, 103, 189),
    (140, 86, 75),
    (227, 119, 194),
    (127, 127, 127),
    (188, 189, 34),
    (23, 190, 207),
    (174, 199, 232),
    (255, 187, 120),
)


@functools.lru_cache(maxsize=8)
def font_file(family: str) -> str | None:
    """A TrueType file for ``family`` (or a substitute fontconfig chooses), or a bundled DejaVu Sans."""
    if shutil.which("fc-match"):
        try:
            out = subprocess.run(
                ["fc-match", "-f", "%{file}", f"{family}:style=Regular"], capture_output=True, text=True, timeout=5
            ).stdout.strip()
            if out and Path(out).is_file() and out.lower().endswith((".ttf", ".otf", ".ttc")):
                return out
        except (OSError, subprocess.SubprocessError):
            pass
    import importlib.util

    spec = importlib.util.find_spec("matplotlib")
    if spec and spec.origin:
        dejavu = Path(spec.origin).parent / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf"
        if dejavu.is_file():
            return str(dejavu)
    return None


def _font(family: str, px: int):
    from PIL import ImageFont

    path = font_file(family)
    if path:
        try:
            return ImageFont.truetype(path, px)
        except OSError:
            pass
    return ImageFont.load_default(px)


def order_codes(codes: Sequence[str], transcripts: Sequence[str], counts: Mapping[tuple[str, str], int]) -> list[str]:
    """Codes by total frequency, largest first (codebook order among equals)."""
    totals = {c: sum(counts.get((c, t), 0) for t in transcripts) for c in codes}
    return sorted(codes, key=lambda c: -totals[c])


def frequency_chart_png(
    codes: Sequence[str],
    transcripts: Sequence[str],
    counts: Mapping[tuple[str, str], int],
    *,
    xlabel: str = "",
    total_label: str = "Totaal",
    font: str = "Calibri",
    width_cm: float = 16.0,
    dpi: int = 200,
) -> bytes:
    """A horizontal stacked bar chart of ``counts[(code, transcript)]``, bars sorted by total."""
    from PIL import Image, ImageDraw

    scale = dpi / 2.54
    ordered = order_codes(codes, transcripts, counts)
    per_transcript = 0 < len(transcripts) <= MAX_SERIES
    series = list(transcripts) if per_transcript else [total_label]

    def value(code: str, s: str) -> int:
        if per_transcript:
            return counts.get((code, s), 0)
        return sum(counts.get((code, t), 0) for t in transcripts)

    px = int(9 / 72 * dpi)  # 9 pt text
    f = _font(font, px)
    small = _font(font, int(8 / 72 * dpi))
    bar_h, gap = int(px * 1.5), int(px * 0.6)
    legend_h = (int(px * 2.2) * ((len(series) + 5) // 6)) if per_transcript else 0
    label_w = min(max((int(f.getlength(c)) for c in ordered), default=0) + px, int(width_cm * scale * 0.4))
    width = int(width_cm * scale)
    top = legend_h + px // 2
    plot_h = len(ordered) * (bar_h + gap) + gap
    height = top + plot_h + int(px * 3.2)
    image = Image.new("RGB", (width, max(height, px * 6)), "white")
    draw = ImageDraw.Draw(image)
    x0, x1 = label_w + px // 2, width - px * 2
    biggest = max((sum(value(c, s) for s in series) for c in ordered), default=0)
    step = _nice_step(biggest)
    top_value = max(step * -(-biggest // step), step)
    xscale = (x1 - x0) / top_value
    axis_y = top + plot_h
    for tick in range(0, top_value + 1, step):  # grid lines and tick labels
        x = x0 + tick * xscale
        draw.line([(x, top), (x, axis_y)], fill=(225, 225, 225), width=1)
        label = str(tick)
        draw.text((x - small.getlength(label) / 2, axis_y + px // 3), label, font=small, fill="black")
    for i, code in enumerate(ordered):
        y = top + gap + i * (bar_h + gap)
        name = _fit(code, f, label_w - px // 2)
        draw.text((x0 - px // 2 - f.getlength(name), y + (bar_h - px) / 2), name, font=f, fill="black")
        x = x0
        for j, s in enumerate(series):
            v = value(code, s)
            if v:
                w = v * xscale
                draw.rectangle([x, y, x + w - 1, y + bar_h], fill=PALETTE[j % len(PALETTE)])
                x += w
    draw.line([(x0, top), (x0, axis_y)], fill="black", width=2)
    draw.line([(x0, axis_y), (x1, axis_y)], fill="black", width=2)
    if xlabel:
        draw.text((x0 + (x1 - x0 - f.getlength(xlabel)) / 2, axis_y + int(px * 1.7)), xlabel, font=f, fill="black")
    if per_transcript:
        col_w = (width - 2 * px) // min(len(series), 6)
        for j, s in enumerate(series):
            lx = px + (j % 6) * col_w
            ly = (j // 6) * int(px * 2.2) + px // 3
            draw.rectangle([lx, ly + px * 0.15, lx + px, ly + px * 1.15], fill=PALETTE[j % len(PALETTE)])
            draw.text((lx + px * 1.4, ly), _fit(s, f, col_w - px * 2), font=f, fill="black")
    buf = io.BytesIO()
    image.save(buf, format="PNG", dpi=(dpi, dpi), optimize=False, compress_level=6)
    return buf.getvalue()


def _nice_step(biggest: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if biggest / step <= 8:
            return step
    return max(biggest // 8, 1)


def _fit(text: str, font, width: float) -> str:
    if font.getlength(text) <= width:
        return text
    while text and font.getlength(text + "…") > width:
        text = text[:-1]
    return text + "…"


def chart_height_ratio(png: bytes) -> float:
    """Height / width of a PNG (to size the picture in the document)."""
    import struct

    w, h = struct.unpack(">II", png[16:24])
    return h / w


def alt_text(
    codes: Sequence[str],
    transcripts: Sequence[str],
    counts: Mapping[tuple[str, str], int],
    lang: str,
) -> str:
    """A one-paragraph description of the chart for screen readers (``descr`` of the picture)."""
    ordered = order_codes(codes, transcripts, counts)
    totals = [(c, sum(counts.get((c, t), 0) for t in transcripts)) for c in ordered]
    listing = ", ".join(f"{c} {n}" for c, n in totals)
    if lang == "nl":
        return (
            f"Liggend staafdiagram: aantal coderingen per code over {len(transcripts)} transcripten, "
            f"gesorteerd van meest naar minst gecodeerd: {listing}."
        )
    return (
        f"Horizontal bar chart: number of codings per code across {len(transcripts)} transcripts, "
        f"sorted from most to least coded: {listing}."
    )
