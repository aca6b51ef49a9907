"""What a run tells its user: the provenance stamped into every output and the JSON report
(cloud cover, coarse class counts, cells run and skipped, time per stage, model, device)."""
from __future__ import annotations

import datetime
import os

import numpy as np

from . import __version__ as PLUGIN_VERSION
from .bundle import COARSE_CLASSES
from .cascade import NODATA, OVERCAST


def provenance(bundle, threshold: float, device: str, input_path: str) -> dict:
    """Metadata items written into every output raster and layer."""
    return {
        "CLOUDMASK_MODEL": bundle.name,
        "CLOUDMASK_MODEL_VERSION": bundle.version,
        "CLOUDMASK_PLUGIN_VERSION": PLUGIN_VERSION,
        "CLOUDMASK_THRESHOLD": f"{threshold:g}",
        "CLOUDMASK_DEVICE": device,
        "CLOUDMASK_INPUT": os.path.basename(input_path),
    }


def run_report(input_path, outputs, plan, bundle, device, threshold, run, polygon_count, timings) -> dict:
    """The report of a finished run; ``run`` is the ``stripes.StripeScheduler`` that made it."""
    classes, needs_fine, counts = run.classes, run.needs_fine, run.counts
    valid = counts["valid_pixels"]
    cells_with_data = int(np.count_nonzero(classes != NODATA))
    return {
        "input": os.path.abspath(input_path),
        "outputs": {k: v for k, v in vars(outputs).items() if v},
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "plugin_version": PLUGIN_VERSION,
        "model": {"name": bundle.name, "version": bundle.version, "path": bundle.path},
        "device": device,
        "width": plan.width,
        "height": plan.height,
        "bands": plan.mapping_dict(),
        "band_naming": plan.naming_source,
        "scaling": {"source": plan.scaling_source, "scales": plan.scales, "offsets": plan.offsets},
        "threshold": threshold,
        "cloud_cover_percent": round(100.0 * counts["cloud_pixels"] / valid, 4) if valid else 0.0,
        "cloud_pixels": counts["cloud_pixels"],
        "valid_pixels": valid,
        "nodata_pixels": plan.width * plan.height - valid,
        "coarse_classes": {name: int(np.count_nonzero(classes == code)) for code, name in enumerate(COARSE_CLASSES)},
        "cell_size": bundle.cell_size,
        "cells_total": int(classes.size),
        "cells_with_data": cells_with_data,
        "cells_fine": counts["fine_cells"],
        "cells_skipped": cells_with_data - counts["fine_cells"],
        "overcast_cells_settled": int(np.count_nonzero((classes == OVERCAST) & ~needs_fine)),
        "polygons": polygon_count,
        "streaming": {
            "stripe_rows": run.stripe_rows * bundle.cell_size,
            "column_stripes": len(run.column_stripes),
            "cell_rows_held_at_most": run.store.most_rows_held,
            "rows_kept_in": "a temporary file" if run.store.spilled else "memory",
            "estimated_seconds": [round(v, 1) for v in run.estimate] if run.estimate else None,
        },
        "seconds": {k: round(v, 3) for k, v in timings.items()},
        "warnings": plan.warnings,
    }
