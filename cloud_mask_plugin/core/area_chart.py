"""Clear share over time per area of interest: a PNG chart (matplotlib) and an HTML page
with the chart and the table, for QGIS's Processing results viewer or a browser.

matplotlib is imported only here and only when a chart is drawn: QGIS ships it, a bare pip
install may not. Its object interface is used, not pyplot, which would pick a GUI backend
inside QGIS and keeps global figures.

When every scene has a date the x axis is time; when some have none, the scenes are placed
side by side in table order (dated first), each labelled with its name and date, so no
scene is left out of the picture.
"""
from __future__ import annotations

import base64
import datetime
import html
import os
from typing import List, Optional

from .acquisition import UNKNOWN
from .table_files import partial_name, remove
from .areas import PIXEL_RULE
from .errors import OutputError

# Above this many areas the legend would hide the chart; the table names them all.
MAX_LEGEND_ENTRIES = 15
# Scene names under the x axis are cut to this many characters (the table has them whole).
TICK_LABEL_LENGTH = 24


def import_matplotlib():
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise OutputError("the chart needs matplotlib, which is not installed in this Python; install it "
                          "(Debian/Ubuntu: apt install python3-matplotlib; pip: python -m pip install matplotlib), "
                          "or leave the chart out") from None
    return Figure, FigureCanvasAgg


def write_chart(path: str, rows: List[dict], min_clear: Optional[float] = None):
    """A PNG of each area's clear share across the scenes of ``rows`` (table order)."""
    Figure, FigureCanvasAgg = import_matplotlib()
    scenes = list(dict.fromkeys(row["scene"] for row in rows))
    dates = {row["scene"]: row["date"] for row in rows}
    timeline = all(dates[scene] != UNKNOWN for scene in scenes)
    position = {scene: (datetime.date.fromisoformat(dates[scene]) if timeline else i)
                for i, scene in enumerate(scenes)}
    areas = list(dict.fromkeys(row["area_id"] for row in rows))

    figure = Figure(figsize=(10, 5), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    for area in areas:
        # A scene that does not cover the area says nothing about it: no point, rather than 0 % clear.
        points = sorted((position[row["scene"]], row["clear_percent"]) for row in rows
                        if row["area_id"] == area and row["clear_percent"] is not None
                        and row["nodata_percent"] < 100.0)
        if points:
            axes.plot([p[0] for p in points], [p[1] for p in points], marker="o", label=str(area))
    if min_clear is not None:
        axes.axhline(min_clear, color="grey", linestyle="--", linewidth=1, label=f"{min_clear:g} % (pick)")
    axes.set_ylim(-2, 102)
    axes.set_ylabel("clear (% of the area)")
    axes.grid(True, alpha=0.3)
    if timeline:
        axes.set_xlabel("acquisition date")
        axes.tick_params(axis="x", labelrotation=30)
    else:
        axes.set_xticks(range(len(scenes)))
        axes.set_xticklabels([f"{short_name(scene, TICK_LABEL_LENGTH)}\n{dates[scene]}" for scene in scenes],
                             rotation=30, ha="right", fontsize=8)
        axes.set_xlabel("scene (no acquisition date for some scenes)")
    axes.set_title("Clear share per area of interest")
    if len(areas) <= MAX_LEGEND_ENTRIES:
        axes.legend(title="area", fontsize=8, loc="best")
    temp = partial_name(path)
    try:
        figure.savefig(temp, format="png")
        os.replace(temp, path)
    except OSError as exc:
        remove(temp)
        raise OutputError(f"cannot write the chart '{path}': {exc.strerror}") from None


def write_html(path: str, rows: List[dict], chart: Optional[str], picked: Optional[List[str]] = None):
    """A page with the chart (embedded, so the page stands alone) and the table."""
    parts = ["<!DOCTYPE html><html><head><meta charset='utf-8'><title>Clear fraction per area</title></head><body>",
             "<h2>Clear fraction per area of interest</h2>"]
    if chart:
        with open(chart, "rb") as f:
            encoded = base64.b64encode(f.read()).decode("ascii")
        parts.append(f"<p><img alt='clear share per area' src='data:image/png;base64,{encoded}'></p>")
    if picked is not None:
        parts.append(f"<p>{len(picked)} scene(s) picked: " + ", ".join(html.escape(short_name(s)) for s in picked)
                     + "</p>")
    headers = ("scene", "date", "sensor", "area_id", "clear_percent", "cloud_percent", "shadow_percent",
               "nodata_percent", "picked", "note")
    parts.append("<table border='1' cellspacing='0' cellpadding='3'><tr>"
                 + "".join(f"<th>{name}</th>" for name in headers) + "</tr>")
    for row in rows:
        cells = [short_name(row["scene"])] + [cell_text(row.get(name)) for name in headers[1:]]
        parts.append("<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in cells) + "</tr>")
    parts.append(f"</table><p>Pixel rule: {html.escape(PIXEL_RULE)}.</p></body></html>")
    temp = partial_name(path)
    try:
        with open(temp, "w", encoding="utf-8") as f:
            f.write("\n".join(parts))
        os.replace(temp, path)
    except OSError as exc:
        remove(temp)
        raise OutputError(f"cannot write '{path}': {exc.strerror}") from None


def cell_text(value) -> str:
    if value is None:
        return ""
    return f"{value:.2f}" if isinstance(value, float) else str(value)


def short_name(scene: str, length: Optional[int] = None) -> str:
    name = os.path.basename(scene.rstrip("/\\")) or scene
    return name if length is None or len(name) <= length else name[:length - 1] + "\u2026"
