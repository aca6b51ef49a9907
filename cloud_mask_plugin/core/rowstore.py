"""The pixels of the cell rows read and not yet done with, kept as the input stores them.

The fine model needs a cell's pixels only after the coarse model has classified the cell,
which needs the coarse model's reach of rows below it: the rows in between are kept
here, across the scene's whole width, from one read of the input until no fine window
needs them. They are kept as read (uint16 for most imagery, half of float32) and turned
into reflectance only for the windows that the fine model runs on.

Up to ``MEMORY_BYTES`` they stay in memory. A wider scene keeps them in a temporary file
beside the outputs instead (deleted by the operating system when closed, also after a
crash), so the process's memory does not grow with the scene's width; slots of dropped
rows are reused, so the file never holds more than the rows in flight.
"""
from __future__ import annotations

import tempfile
from typing import Dict, Optional, Tuple

import numpy as np

from .errors import OutputError

# The kept rows of a 2745 px wide scene of 4 uint16 bands in 512 px tiles take about 60 MB
# with the default bundle (21 rows of 128 x 2816 pixels), a 10980 px wide one 240 MB. From
# here on they go to a file: then the process's memory is the same for any size, for the
# cost of writing each pixel once more (about 3% of a 5490 px scene's run).
MEMORY_BYTES = 32 * 1024 ** 2


class RowStore:
    """Cell rows of raw pixels in blocks of ``cell`` x ``cell`` (so a window's read touches
    few contiguous bytes), with validity as packed bits for rows that have no data."""

    def __init__(self, reader, cell: int, rows_held: int, spill_dir: Optional[str] = None,
                 memory_bytes: Optional[int] = None):
        self.reader = reader
        self.cell = cell
        self.width, self.height = reader.width, reader.height
        self.blocks = -(-self.width // cell)
        self.dtype = np.dtype(reader.raw_dtype)
        self.block_shape = (len(reader.bands), cell, cell)
        self.block_bytes = int(np.prod(self.block_shape)) * self.dtype.itemsize
        self.row_bytes = self.blocks * self.block_bytes
        limit = MEMORY_BYTES if memory_bytes is None else memory_bytes
        self.spilled = rows_held * self.row_bytes > limit
        self._rows: Dict[int, object] = {}   # row -> array [blocks, C, cell, cell], or its slot in the file
        self._valid: Dict[int, np.ndarray] = {}  # row -> packed bits [cell, bytes], rows with no-data only
        self._pending_valid: Dict[int, np.ndarray] = {}
        self._free_slots = []
        self._slots = 0
        self.most_rows_held = 0
        self._file = None
        if self.spilled:
            try:
                self._file = tempfile.TemporaryFile(prefix=".cloudmask_rows_", dir=spill_dir, buffering=0)
            except OSError as exc:
                raise OutputError(f"cannot create a temporary file in '{spill_dir or tempfile.gettempdir()}' "
                                  f"for the rows in flight: {exc.strerror or exc}") from None

    def put(self, row: int, x: int, raw: np.ndarray, valid: np.ndarray):
        """Pixels [C, h, w] and validity [h, w] of cell row ``row`` from column ``x`` (a
        multiple of the cell) on; the row's last chunk is followed by ``seal(row)``."""
        _, h, w = raw.shape
        cell = self.cell
        nb = -(-w // cell)
        padded = np.zeros((raw.shape[0], cell, nb * cell), dtype=self.dtype)
        padded[:, :h, :w] = raw
        blocks = np.ascontiguousarray(padded.reshape(raw.shape[0], cell, nb, cell).transpose(2, 0, 1, 3))
        b0 = x // cell
        if row not in self._rows:
            self._rows[row] = self._new_row()
            self.most_rows_held = max(self.most_rows_held, len(self._rows))
        if self._file is None:
            self._rows[row][b0:b0 + nb] = blocks
        else:
            self._write(self._rows[row] * self.row_bytes + b0 * self.block_bytes, blocks)
        if not valid.all():
            pending = self._pending_valid.get(row)
            if pending is None:
                pending = self._pending_valid[row] = np.ones((cell, self.width), dtype=bool)
            pending[:h, x:x + w] = valid

    def seal(self, row: int):
        """Row ``row`` is complete: its validity is packed."""
        pending = self._pending_valid.pop(row, None)
        if pending is not None:
            self._valid[row] = np.packbits(pending, axis=1)

    def held(self, row: int) -> bool:
        return row in self._rows

    def drop(self, row: int):
        kept = self._rows.pop(row, None)
        self._valid.pop(row, None)
        if kept is not None and self._file is not None:
            self._free_slots.append(kept)

    def read(self, x: int, y: int, w: int, h: int) -> Tuple[np.ndarray, np.ndarray]:
        """Reflectance [C, h, w] float32 and validity [h, w] of a window inside the scene, as
        ``RasterReader.read`` gives them; every row it covers must be held."""
        cell = self.cell
        raw = np.empty((self.block_shape[0], h, w), dtype=self.dtype)
        valid = np.ones((h, w), dtype=bool)
        b0, b1 = x // cell, (x + w - 1) // cell + 1
        for row in range(y // cell, (y + h - 1) // cell + 1):
            blocks = self._blocks(row, b0, b1)           # [nb, C, cell, cell]
            top, bottom = max(y, row * cell), min(y + h, (row + 1) * cell)
            pixels = blocks.transpose(1, 2, 0, 3).reshape(self.block_shape[0], cell, (b1 - b0) * cell)
            left = x - b0 * cell
            raw[:, top - y:bottom - y] = pixels[:, top - row * cell:bottom - row * cell, left:left + w]
            part = self.valid(row, x, x + w)
            if part is not None:
                valid[top - y:bottom - y] = part[top - row * cell:bottom - row * cell]
        return self.reader.reflectance(raw, valid)

    def valid(self, row: int, x0: int, x1: int) -> Optional[np.ndarray]:
        """Validity [rows of the cell row, x1 - x0] of columns [x0, x1) of cell row ``row``;
        None where every pixel of the row is valid."""
        bits = self._valid.get(row)
        if bits is None:
            return None
        rows = min(self.cell, self.height - row * self.cell)
        first = x0 // 8
        part = np.unpackbits(bits[:rows, first:(x1 + 7) // 8], axis=1).astype(bool)
        return part[:, x0 - 8 * first:x1 - 8 * first]

    def close(self):
        self._rows.clear()
        self._valid.clear()
        if self._file is not None:
            self._file.close()
            self._file = None

    def _new_row(self):
        if self._file is None:
            return np.empty((self.blocks,) + self.block_shape, dtype=self.dtype)
        if self._free_slots:
            return self._free_slots.pop()
        self._slots += 1
        return self._slots - 1

    def _blocks(self, row: int, b0: int, b1: int) -> np.ndarray:
        kept = self._rows.get(row)
        if kept is None:
            raise RuntimeError(f"cell row {row} was read for a window after it had been dropped")
        if self._file is None:
            return kept[b0:b1]
        out = np.empty((b1 - b0,) + self.block_shape, dtype=self.dtype)
        self._file.seek(kept * self.row_bytes + b0 * self.block_bytes)
        view = memoryview(out).cast("B")
        done = 0
        while done < len(view):
            n = self._file.readinto(view[done:])
            if not n:
                raise OutputError("the temporary file of the rows in flight came back short (was it removed?)")
            done += n
        return out

    def _write(self, offset: int, blocks: np.ndarray):
        try:
            self._file.seek(offset)
            view = memoryview(blocks).cast("B")
            done = 0
            while done < len(view):
                done += self._file.write(view[done:])
        except OSError as exc:
            raise OutputError(f"cannot write the temporary file of the rows in flight: {exc.strerror or exc} "
                              f"(is the disk of the output folder full?)") from None
