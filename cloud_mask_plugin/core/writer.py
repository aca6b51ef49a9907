"""Outputs written so that a failed or cancelled run leaves nothing half-done.

``OutputTransaction`` checks every output path before any work starts (exists, same as
the input, folder writable), takes a lock per output so two runs cannot write the same
file at once, hands out temporary paths in the target folders, and on success moves every
temporary file into place; on failure or cancellation it deletes them. The input is only
ever opened read-only.
"""
from __future__ import annotations

import glob
import os
import uuid
from typing import Dict, List, Optional, Tuple

import numpy as np
from osgeo import gdal

from .classes import CLOUD_MASK, COARSE_GRID
from .errors import OutputError
from .gdal_util import gdal_errors

TIFF_OPTIONS = ["TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256", "COMPRESS=DEFLATE", "BIGTIFF=IF_SAFER",
                "NUM_THREADS=ALL_CPUS"]
# For rasters that vary smoothly (cloud probability): horizontal differencing before
# DEFLATE, at a lower effort. On the 5490 px benchmark scene's probability raster this
# took a third of the CPU time of plain DEFLATE at its default level 6 and wrote a 6%
# smaller file; every GeoTIFF reader decodes it.
SMOOTH_OPTIONS = ["PREDICTOR=2", "ZLEVEL=3"]


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.normcase(os.path.abspath(a)) == os.path.normcase(os.path.abspath(b))


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def _remove_orphans(path: str):
    """Delete the temporary files of ``path`` that a killed run left (it held the stale lock
    this run just replaced, so no living run is writing them)."""
    folder, name = os.path.split(path)
    stem, ext = os.path.splitext(name)
    pattern = f".{glob.escape(stem)}.{'[0-9a-f]' * 8}.partial{glob.escape(ext)}*"
    for orphan in glob.glob(os.path.join(glob.escape(folder), pattern)):
        try:
            os.remove(orphan)
        except OSError:
            pass


class OutputTransaction:
    def __init__(self, paths: List[str], input_path: str, overwrite: bool):
        self.paths = [os.path.abspath(p) for p in paths]
        self.temps: Dict[str, str] = {}
        self.locks: List[str] = []
        self._check(input_path, overwrite)

    def _check(self, input_path: str, overwrite: bool):
        if len(set(self.paths)) != len(self.paths):
            raise OutputError("two outputs have the same path; give each output its own file name")
        for path in self.paths:
            if os.path.exists(input_path) and _same_file(path, input_path) or \
                    os.path.abspath(path) == os.path.abspath(input_path):
                raise OutputError(f"output '{path}' is the input raster; choose another output name")
            if os.path.isdir(path):
                raise OutputError(f"output '{path}' is a folder; give a file name")
            if os.path.exists(path) and not overwrite:
                raise OutputError(f"output '{path}' already exists; delete it, choose another name or ask to overwrite")
            folder = os.path.dirname(path) or "."
            if not os.path.isdir(folder):
                try:
                    os.makedirs(folder, exist_ok=True)
                except OSError as exc:
                    raise OutputError(f"output folder '{folder}' cannot be created: {exc.strerror}") from None
            if not os.access(folder, os.W_OK | os.X_OK):
                raise OutputError(f"output folder '{folder}' is not writable; choose another folder")

    def __enter__(self):
        try:
            for path in self.paths:
                self._lock(path)
        except BaseException:
            self._release_locks()
            raise
        return self

    def _lock(self, path: str):
        lock = path + ".lock"
        stale = False
        for _ in range(2):
            try:
                fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                if self._lock_is_stale(lock):
                    stale = True
                    try:
                        os.remove(lock)
                    except OSError:
                        pass
                    continue
                raise OutputError(f"another run is writing '{path}' right now; wait for it or choose another output") from None
            except OSError as exc:
                raise OutputError(f"cannot write in the folder of '{path}': {exc.strerror}") from None
            with os.fdopen(fd, "w") as f:
                f.write(str(os.getpid()))
            self.locks.append(lock)
            if stale:
                _remove_orphans(path)
            return
        raise OutputError(f"cannot lock '{path}' for writing; remove '{lock}' if no run is using it")

    @staticmethod
    def _lock_is_stale(lock: str) -> bool:
        try:
            with open(lock) as f:
                pid = int(f.read().strip() or 0)
        except (OSError, ValueError):
            return False
        return pid != os.getpid() and not _pid_alive(pid)

    def temp_path(self, path: str) -> str:
        """A temporary file beside ``path`` (same folder, so the final move is atomic)."""
        path = os.path.abspath(path)
        folder, name = os.path.split(path)
        stem, ext = os.path.splitext(name)
        temp = os.path.join(folder, f".{stem}.{uuid.uuid4().hex[:8]}.partial{ext}")
        self.temps[path] = temp
        return temp

    def commit(self):
        """Move every finished output into place, all or nothing: existing outputs (and
        their .aux.xml sidecars) are moved aside first and put back if any output cannot
        be moved in (on Windows a file another program holds open cannot be replaced)."""
        aside = []    # (final path, where it was moved aside)
        placed = []   # final paths that now hold this run's files
        current = ""
        try:
            for final, temp in self.temps.items():
                current = final
                for suffix in ("", ".aux.xml"):
                    # GDAL keeps some raster metadata (category names) in a sidecar that must
                    # travel with the raster; a stale one from an overwritten run must not stay.
                    if os.path.isfile(final + suffix) or os.path.islink(final + suffix):
                        backup = temp + ".previous" + suffix
                        os.replace(final + suffix, backup)
                        aside.append((final + suffix, backup))
            for final, temp in self.temps.items():
                current = final
                os.replace(temp, final)
                placed.append(final)
                if os.path.exists(temp + ".aux.xml"):
                    os.replace(temp + ".aux.xml", final + ".aux.xml")
                    placed.append(final + ".aux.xml")
        except OSError as exc:
            for path in reversed(placed):
                try:
                    os.remove(path)
                except OSError:
                    pass
            for path, backup in reversed(aside):
                try:
                    os.replace(backup, path)
                except OSError:
                    pass
            raise OutputError(f"cannot move the finished output into '{current}': {exc.strerror} (is it open in "
                              f"another program?); no output was replaced") from None
        for _, backup in aside:
            try:
                os.remove(backup)
            except OSError:
                pass
        self.temps = {}

    def _release_locks(self):
        for lock in self.locks:
            try:
                os.remove(lock)
            except OSError:
                pass
        self.locks = []

    def __exit__(self, exc_type, exc, tb):
        for temp in self.temps.values():
            for candidate in (temp, temp + "-wal", temp + "-shm", temp + ".aux.xml"):
                try:
                    os.remove(candidate)
                except OSError:
                    pass
        self.temps = {}
        self._release_locks()
        return False


class _PendingRows:
    """Rows of one column range received but not yet written: they start at row ``y0``."""

    def __init__(self):
        self.arrays: List[np.ndarray] = []
        self.y0 = 0
        self.rows = 0


class GeoTiffWriter:
    """A single-band GeoTIFF written strip by strip, georeferenced like the input."""

    def __init__(self, path: str, width: int, height: int, geotransform, projection: str, data_type: int,
                 nodata: Optional[float], description: str, metadata: Dict[str, str],
                 category_names: Optional[List[str]] = None, color_table: Optional[Dict[int, tuple]] = None,
                 shown_as: Optional[str] = None, smooth: bool = False):
        self.path = path
        # Messages name the output the user asked for, not the hidden temporary file.
        self.shown_as = shown_as or path
        with gdal_errors() as errors:
            driver = gdal.GetDriverByName("GTiff")
            self.ds = driver.Create(path, width, height, 1, data_type,
                                    options=TIFF_OPTIONS + (SMOOTH_OPTIONS if smooth else []))
        if self.ds is None:
            raise OutputError(f"cannot create '{self.shown_as}': {errors.last()}")
        if geotransform is not None:
            self.ds.SetGeoTransform(geotransform)
        if projection:
            self.ds.SetProjection(projection)
        self.ds.SetMetadata(metadata)
        self.band = self.ds.GetRasterBand(1)
        if nodata is not None:
            self.band.SetNoDataValue(nodata)
        self.band.SetDescription(description)
        if category_names:
            self.band.SetRasterCategoryNames(category_names)
        if color_table:
            table = gdal.ColorTable()
            for value, rgba in color_table.items():
                table.SetColorEntry(value, rgba)
            self.band.SetRasterColorTable(table)
            self.band.SetRasterColorInterpretation(gdal.GCI_PaletteIndex)
        self.width, self.height = width, height
        self.block_rows = self.band.GetBlockSize()[1]
        # Strips written top to bottom, each over one range of columns (the whole width, or
        # one column stripe), wait here until they fill whole rows of tiles: those are
        # written and flushed at once, so GDAL's block cache never holds more than one row
        # of tiles of a stripe (it would otherwise keep every dirty tile of the scene, up to
        # GDAL_CACHEMAX), and no tile is compressed twice when stripes start on tile edges.
        self._pending: Dict[Tuple[int, int], _PendingRows] = {}

    def write(self, array: np.ndarray, x: int, y: int):
        rows, cols = array.shape
        pending = self._pending.get((x, cols))
        if pending is None and y == 0:
            pending = self._pending[(x, cols)] = _PendingRows()
        if pending is not None and y == pending.y0 + pending.rows:
            # A copy: the caller may reuse its array while the rows wait here.
            pending.arrays.append(np.array(array, copy=True))
            pending.rows += rows
            whole = pending.rows // self.block_rows * self.block_rows
            if pending.y0 + pending.rows == self.height:
                whole = pending.rows
            if whole:
                self._write_pending(x, cols, whole)
            return
        self._write_now(array, x, y)

    def _write_pending(self, x: int, cols: int, rows: int):
        pending = self._pending[(x, cols)]
        if not rows:
            return
        strip = pending.arrays[0] if len(pending.arrays) == 1 else np.concatenate(pending.arrays, axis=0)
        self._write_now(strip[:rows], x, pending.y0)
        rest = strip[rows:]
        pending.arrays = [rest] if len(rest) else []
        pending.y0 += rows
        pending.rows = len(rest)
        if pending.y0 == self.height:
            del self._pending[(x, cols)]
        with gdal_errors() as errors:
            self.ds.FlushCache()
        if errors.messages:
            raise OutputError(f"cannot write '{self.shown_as}': {errors.last()} (is the disk full?)")

    def _write_now(self, array: np.ndarray, x: int, y: int):
        with gdal_errors() as errors:
            status = self.band.WriteArray(array, x, y)
        if status != 0 or errors.messages:
            raise OutputError(f"cannot write '{self.shown_as}': {errors.last()} (is the disk full?)")

    def close(self):
        if self.ds is None:
            return
        for (x, cols), pending in list(self._pending.items()):
            self._write_pending(x, cols, pending.rows)
        with gdal_errors() as errors:
            self.ds.FlushCache()
            self.band = None
            self.ds = None
        if errors.messages:
            raise OutputError(f"cannot finish '{self.shown_as}': {errors.last()} (is the disk full?)")

    def abandon(self):
        """Drop the dataset without caring about errors (the file is deleted next)."""
        with gdal_errors():
            self.band = None
            self.ds = None


def convert_to_cog(source: str, target: str, smooth: bool = False):
    """``smooth``: compress as SMOOTH_OPTIONS do (the COG driver names them PREDICTOR and LEVEL)."""
    options = ["COMPRESS=DEFLATE", "BIGTIFF=IF_SAFER", "NUM_THREADS=ALL_CPUS"]
    if smooth:
        options += ["PREDICTOR=YES", "LEVEL=3"]
    with gdal_errors() as errors:
        out = gdal.Translate(target, source, format="COG", creationOptions=options)
        ok = out is not None
        out = None
    if not ok or errors.messages:
        raise OutputError(f"cannot write the Cloud Optimized GeoTIFF '{target}': {errors.last()}")


def open_rasters(transaction: OutputTransaction, outputs, plan, cell: int, metadata: Dict[str, str]) -> dict:
    """The run's raster outputs ("mask", and "probability" and "grid" when asked), each
    written to its temporary path and georeferenced like the input."""
    writers = {}
    gt = plan.geotransform
    try:
        writers["mask"] = GeoTiffWriter(
            transaction.temp_path(outputs.mask), plan.width, plan.height, gt, plan.projection, gdal.GDT_Byte, 255,
            CLOUD_MASK.description, {**metadata, **CLOUD_MASK.metadata()}, CLOUD_MASK.category_names(),
            CLOUD_MASK.file_colors(), shown_as=outputs.mask)
        if outputs.probability:
            writers["probability"] = GeoTiffWriter(
                transaction.temp_path(outputs.probability), plan.width, plan.height, gt, plan.projection,
                gdal.GDT_Byte, 255, "cloud probability (%)", metadata, shown_as=outputs.probability, smooth=True)
        if outputs.coarse_grid:
            # Without a geotransform the mask stays in pixel coordinates, which QGIS shows
            # at (0, 1, 0, 0, 0, -1); the grid gets that spacing times the cell to lie on it.
            g = gt or (0.0, 1.0, 0.0, 0.0, 0.0, -1.0)
            grid_gt = (g[0], g[1] * cell, g[2] * cell, g[3], g[4] * cell, g[5] * cell)
            writers["grid"] = GeoTiffWriter(
                transaction.temp_path(outputs.coarse_grid), -(-plan.width // cell), -(-plan.height // cell), grid_gt,
                plan.projection, gdal.GDT_Byte, None, COARSE_GRID.description, {**metadata, **COARSE_GRID.metadata()},
                COARSE_GRID.category_names(), COARSE_GRID.file_colors(), shown_as=outputs.coarse_grid)
    except BaseException:
        for writer in writers.values():
            writer.abandon()
        raise
    return writers
