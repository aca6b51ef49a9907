"""What a worker runs for one scene: the engine's ``mask_file``, then the scene's record.

The task may run more than once for a scene (Dask runs it again elsewhere when its worker
dies) and must end the same way each time:
- the record is removed first, so a run that dies half-way never leaves a record vouching
  for products it was replacing;
- the engine writes every product under a temporary name beside its target and moves them
  all into place at the end; a run killed before that leaves only temporary files and a lock
  naming its dead process, which the next run on that scene takes over and deletes
  (``core.writer.OutputTransaction``);
- the record is written last, under a temporary name renamed into place.
A scene that fails returns a row with the engine's one-line message; it never raises, so
one bad scene cannot stop the batch.
"""
from __future__ import annotations

import datetime
import glob
import json
import os
import socket
import time
from dataclasses import replace
from typing import Optional

from ..core.api import mask_file, plan_input
from ..core.errors import CloudMaskError
from .scenes import SceneJob, summary_row


def run_scene(job: SceneJob, progress=None, is_cancelled=None) -> dict:
    """Mask ``job``'s scene, replacing any products from another run; the summary row.
    ``progress`` and ``is_cancelled`` go to the engine, for runs inside QGIS."""
    started = time.perf_counter()
    try:
        for stale in [job.record] + glob.glob(glob.escape(job.record) + ".*.partial"):
            remove_file(stale)
        result = mask_file(job.input, job.outputs, replace(job.options, overwrite=True), progress=progress,
                           is_cancelled=is_cancelled)
    except CloudMaskError as exc:
        return failed_row(job, str(exc), time.perf_counter() - started)
    except Exception as exc:  # noqa: BLE001 - recorded for this scene; the batch goes on
        message = " ".join(str(exc).split()) or repr(exc)
        return failed_row(job, f"unexpected {type(exc).__name__}: {message}", time.perf_counter() - started)
    seconds = round(time.perf_counter() - started, 3)
    model = result.report.get("model") or {}
    footprint = raster_footprint(job.outputs.mask)
    write_json_atomically(job.record, {
        "fingerprint": job.fingerprint, "input": job.input, "model": model,
        "cloud_cover_percent": result.cloud_cover_percent, "seconds": seconds, "footprint": footprint,
        "worker": f"{socket.gethostname()}:{os.getpid()}",
        "finished": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    })
    return summary_row(job, "done", model, result.cloud_cover_percent, seconds, footprint=footprint,
                       nodata_percent=result.report.get("nodata_percent"))


def failed_row(job: SceneJob, error: str, seconds: Optional[float] = None) -> dict:
    return summary_row(job, "failed", seconds=None if seconds is None else round(seconds, 3), error=error,
                       footprint=input_footprint(job))


def input_footprint(job: SceneJob) -> Optional[str]:
    """The extent of a scene that failed, when its header can still be read."""
    try:
        plan = plan_input(job.input, job.options)
    except Exception:  # noqa: BLE001 - the scene's own error is what the row reports
        return None
    return footprint_wkt(plan.geotransform, plan.projection, plan.width, plan.height)


def raster_footprint(path: str) -> Optional[str]:
    from osgeo import gdal

    ds = gdal.Open(path)
    if ds is None:
        return None
    return footprint_wkt(ds.GetGeoTransform(can_return_null=True), ds.GetProjection(), ds.RasterXSize,
                         ds.RasterYSize)


# Points per edge: a scene's straight edges curve in longitude and latitude.
EDGE_POINTS = 8


def footprint_wkt(geotransform, projection: str, width: int, height: int) -> Optional[str]:
    """The raster's outline in longitude and latitude (EPSG:4326) as WKT, or None when it
    has no georeferencing (pixel coordinates only)."""
    if not geotransform or not projection:
        return None
    from osgeo import ogr, osr

    source = osr.SpatialReference()
    if source.ImportFromWkt(projection) != 0:
        return None
    target = osr.SpatialReference()
    target.ImportFromEPSG(4326)
    for srs in (source, target):
        srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    steps = [i / EDGE_POINTS for i in range(EDGE_POINTS)]
    corners = [(s * width, 0) for s in steps] + [(width, s * height) for s in steps] + \
              [((1 - s) * width, height) for s in steps] + [(0, (1 - s) * height) for s in steps]
    ring = ogr.Geometry(ogr.wkbLinearRing)
    g = geotransform
    for col, row in corners + corners[:1]:
        ring.AddPoint_2D(g[0] + col * g[1] + row * g[2], g[3] + col * g[4] + row * g[5])
    polygon = ogr.Geometry(ogr.wkbPolygon)
    polygon.AddGeometry(ring)
    if polygon.Transform(osr.CoordinateTransformation(source, target)) != 0:
        return None
    return polygon.ExportToWkt()


def write_json_atomically(path: str, value: dict):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    temp = f"{path}.{os.getpid()}.partial"
    with open(temp, "w", encoding="utf-8") as f:
        json.dump(value, f, indent=2)
        f.flush()
        os.fsync(f.fileno())
    os.replace(temp, path)


def remove_file(path: str):
    try:
        os.remove(path)
    except FileNotFoundError:
        pass
