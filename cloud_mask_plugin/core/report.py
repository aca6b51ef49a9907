"""What a run tells its user: the provenance stamped into every output and the JSON report
(cloud cover, coarse class counts, cells run and skipped, time per stage, model, device)."""
from __future__ import annotations

import datetime
import os

from . import __version__ as PLUGIN_VERSION


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
    counts = run.counts
    valid = counts["valid_pixels"]
    total = plan.width * plan.height
    cells_with_data = counts["cells_with_data"]
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
        "band_path": plan.band_path or None,
        "band_naming": plan.naming_source,
        "scaling": {"source": plan.scaling_source, "scales": plan.scales, "offsets": plan.offsets},
        "threshold": threshold,
        "cloud_cover_percent": round(100.0 * counts["cloud_pixels"] / valid, 4) if valid else 0.0,
        "cloud_pixels": counts["cloud_pixels"],
        "valid_pixels": valid,
        "nodata_pixels": total - valid,
        "nodata_percent": round(100.0 * (total - valid) / total, 4),
        # What was taken as no data, and whether that was an assumption (fill.FillRule).
        "nodata_rule": {"source": plan.fill.source, "assumed": plan.fill.assumed},
        "coarse_classes": counts["coarse_classes"],
        "cell_size": bundle.cell_size,
        "cells_total": run.grid_h * run.grid_w,
        "cells_with_data": cells_with_data,
        "cells_fine": counts["fine_cells"],
        "cells_skipped": cells_with_data - counts["fine_cells"],
        "overcast_cells_settled": counts["overcast_cells_settled"],
        "polygons": polygon_count,
        "streaming": {
            "stripe_rows": run.stripe_rows * bundle.cell_size,
            "column_stripes": len(run.column_stripes),
            "reads_per_stripe": len(run.read_pieces),
            "cell_rows_held_at_most": run.store.most_rows_held,
            "rows_kept_in": "a temporary file" if run.store.spilled else "memory",
            "estimated_seconds": [round(v, 1) for v in run.estimate] if run.estimate else None,
        },
        "seconds": {k: round(v, 3) for k, v in timings.items()},
        "warnings": plan.warnings,
    }
