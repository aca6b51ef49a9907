"""The table of clear fractions: a row per area of interest and scene, written as CSV or as
a GeoPackage table, and the scenes picked because an area is clear enough in them.

Rows are plain dicts with the names of ``COLUMNS``, built by ``scene_rows``; the table is
sorted by acquisition date (unknown dates last), then scene, then area, as the chart reads
it. Files are written under a temporary name and renamed, so a reader never sees half a
table.
"""
from __future__ import annotations

import os
from typing import Dict, List

from .acquisition import UNKNOWN, Acquisition
from .areas import PIXEL_RULE, AreaShares
from .errors import OutputError
from .table_files import write_atomically, write_csv, write_gpkg

TABLE_LAYER = "clear_fraction"
# Column, OGR field type, what it holds.
COLUMNS = [
    ("scene", "OFTString", "the raster, band folder or MTL file masked"),
    ("date", "OFTString", "acquisition date (YYYY-MM-DD), or unknown"),
    ("sensor", "OFTString", "satellite and instrument, or unknown"),
    ("metadata_from", "OFTString", "where the date and sensor were read"),
    ("area_id", "OFTString", "the area of interest"),
    ("clear_percent", "OFTReal", "clear share of the area's surface"),
    ("cloud_percent", "OFTReal", "cloudy share of the area's surface"),
    ("shadow_percent", "OFTReal", "cloud shadow share of the area's surface (0 while the model has no shadow class)"),
    ("nodata_percent", "OFTReal", "share without data: mask no data and the part of the area outside the scene"),
    ("area_pixels", "OFTReal", "the area's surface in the scene's pixels"),
    ("picked", "OFTString", "yes when the area is at least the asked share clear in this scene (empty: not asked)"),
    ("mask", "OFTString", "the cloud mask the shares come from"),
    ("model_version", "OFTString", "the model that made the mask"),
    ("note", "OFTString", "why the shares are missing, when they are"),
    ("pixel_rule", "OFTString", "how pixels on an area's outline are counted"),
]
SHARE_COLUMNS = ("clear_percent", "cloud_percent", "shadow_percent", "nodata_percent")


def scene_rows(scene: str, acquisition: Acquisition, mask: str, model_version: str,
               shares: List[AreaShares]) -> List[dict]:
    """The rows of one scene: one per area."""
    base = {"scene": scene, "date": acquisition.date, "sensor": acquisition.sensor,
            "metadata_from": acquisition.source, "mask": mask, "model_version": model_version, "picked": "",
            "note": "", "pixel_rule": PIXEL_RULE}
    return [dict(base, **share.as_dict()) for share in shares]


def unmeasured_rows(scene: str, acquisition: Acquisition, mask: str, model_version: str, area_ids: List[str],
                    note: str) -> List[dict]:
    """The rows of a scene whose mask cannot be measured (no CRS): shares empty, ``note`` why."""
    base = {"scene": scene, "date": acquisition.date, "sensor": acquisition.sensor,
            "metadata_from": acquisition.source, "mask": mask, "model_version": model_version, "picked": "",
            "note": note, "pixel_rule": PIXEL_RULE, "area_pixels": None}
    return [dict(base, area_id=area_id, **{name: None for name in SHARE_COLUMNS}) for area_id in area_ids]


def sorted_rows(rows: List[dict], area_order: List[str]) -> List[dict]:
    """By date (unknown last), scene, then the areas in the order of their layer."""
    position = {area_id: i for i, area_id in enumerate(area_order)}
    return sorted(rows, key=lambda row: (row["date"] == UNKNOWN, row["date"], row["scene"],
                                         position.get(row["area_id"], len(position))))


def pick_scenes(rows: List[dict], min_clear: float) -> List[str]:
    """The scenes in which at least one area is ``min_clear`` % clear or more, in the rows'
    order; marks each row's ``picked``."""
    picked: Dict[str, None] = {}
    for row in rows:
        clear = row.get("clear_percent")
        row["picked"] = "yes" if clear is not None and clear >= min_clear else "no"
        if row["picked"] == "yes":
            picked[row["scene"]] = None
    return list(picked)


def write_scene_list(path: str, rows: List[dict], min_clear: float) -> List[str]:
    """The picked scenes, one per line, each after a comment naming its clear areas; the
    file serves as ``cloud-mask batch --from-list``. Returns the scenes."""
    scenes = pick_scenes(rows, min_clear)
    lines = [f"# scenes in which at least one area of interest is {min_clear:g} % clear or more"]
    for scene in scenes:
        clear = [row for row in rows if row["scene"] == scene and row["picked"] == "yes"]
        lines.append(f"# {clear[0]['date']}: " + ", ".join(f"{row['area_id']} {row['clear_percent']:.1f} % clear"
                                                           for row in clear))
        lines.append(scene)
    write_atomically(path, lambda f: f.write("\n".join(lines) + "\n"))
    return scenes


def write_table(path: str, rows: List[dict]):
    """``rows`` as CSV (``.csv``) or as a GeoPackage table (``.gpkg``, layer ``clear_fraction``)."""
    extension = os.path.splitext(path)[1].lower()
    if extension == ".csv":
        write_csv(path, COLUMNS, rows)
    elif extension == ".gpkg":
        write_gpkg(path, TABLE_LAYER, COLUMNS, rows, "the table",
                   options=[f"DESCRIPTION=Clear fraction per area of interest. Pixel rule: {PIXEL_RULE}"])
    else:
        raise OutputError(f"the table '{path}' must end in .csv or .gpkg")
