"""OUTPUT_MASKED: a cloud-free copy of the input, and the classes written inside the mask."""
import os
import shutil

import numpy as np
import pytest
from osgeo import gdal, osr
from qgis.core import QgsProcessingException, QgsProcessingFeedback

from tests.helpers.frontend import read_raster

ALGORITHM = "cloudmask:maskclouds"


@pytest.fixture
def run(plugin):
    import processing

    def run_algorithm(parameters, feedback=None):
        return processing.run(ALGORITHM, parameters, feedback=feedback or QgsProcessingFeedback())

    return run_algorithm


def test_masked_image_equals_the_input_where_clear_and_is_no_data_where_cloud(run, chip1_tif, model_bundle,
                                                                              tmp_path):
    results = run({"INPUT": chip1_tif, "MODEL": model_bundle, "DEVICE": "cpu",
                   "OUTPUT_MASK": str(tmp_path / "mask.tif"), "OUTPUT_MASKED": str(tmp_path / "masked.tif")})
    assert results["OUTPUT_MASKED"] == str(tmp_path / "masked.tif")
    mask = read_raster(results["OUTPUT_MASK"])[0]
    source, masked = gdal.Open(chip1_tif), gdal.Open(results["OUTPUT_MASKED"])
    original, copy = source.ReadAsArray(), masked.ReadAsArray()
    clear, cloud = mask == 0, mask == 1
    assert clear.any() and cloud.any(), "chip_1 has both clear and cloudy pixels"

    # Same bands, type, grid and CRS.
    assert copy.shape == original.shape and copy.dtype == original.dtype
    assert masked.GetGeoTransform() == pytest.approx(source.GetGeoTransform())
    assert osr.SpatialReference(masked.GetProjection()).IsSame(osr.SpatialReference(source.GetProjection()))
    assert [masked.GetRasterBand(i).GetDescription() for i in range(1, 5)] == ["blue", "green", "red", "nir"]
    # Equal to the input where clear, the band's no-data value where cloud.
    nodata = masked.GetRasterBand(1).GetNoDataValue()
    assert nodata == source.GetRasterBand(1).GetNoDataValue() == 0
    np.testing.assert_array_equal(copy[:, clear], original[:, clear])
    assert (copy[:, cloud] == nodata).all()
    # Where the mask has no data (the input's fill), the copy has no data too.
    assert (copy[:, mask == 255] == nodata).all()
    # Tiled and compressed, and only the asked-for files are left.
    band = masked.GetRasterBand(1)
    assert band.GetBlockSize() == [256, 256]
    assert masked.GetMetadata("IMAGE_STRUCTURE")["COMPRESSION"] == "DEFLATE"
    written = sorted(name for name in os.listdir(tmp_path) if not name.endswith(".aux.xml"))
    assert written == ["mask.tif", "masked.tif"]


def test_the_polygon_buffer_also_blanks_the_edges_of_clouds(run, chip1_tif, model_bundle, tmp_path):
    results = run({"INPUT": chip1_tif, "MODEL": model_bundle, "DEVICE": "cpu", "BUFFER": 30.0,
                   "OUTPUT_MASK": str(tmp_path / "mask.tif"), "OUTPUT_MASKED": str(tmp_path / "masked.tif")})
    mask = read_raster(results["OUTPUT_MASK"])[0]
    copy = gdal.Open(results["OUTPUT_MASKED"]).ReadAsArray()
    original = gdal.Open(chip1_tif).ReadAsArray()
    blank = (copy == 0).all(axis=0) & (original != 0).any(axis=0)
    assert blank[mask == 1].all()
    grown = blank & (mask == 0)
    # 30 m is 3 pixels of 10 m around every cloud: clear pixels next to clouds go too ...
    assert grown.sum() > 0
    # ... and only those: none is more than the buffer (3 pixels, plus one for a pixel's
    # diagonal) from a cloud pixel.
    near = np.zeros_like(blank)
    cloud = np.pad(mask == 1, 4)
    for dy in range(-4, 5):
        for dx in range(-4, 5):
            near |= cloud[4 + dy:4 + dy + mask.shape[0], 4 + dx:4 + dx + mask.shape[1]]
    assert not (grown & ~near).any()


def test_cancelling_while_the_masked_image_is_written_leaves_nothing(run, chip1_tif, model_bundle, tmp_path):
    class CancelAtMaskedImage(QgsProcessingFeedback):
        def setProgressText(self, text):  # noqa: N802 - QGIS API
            super().setProgressText(text)
            if text == "writing the masked image":
                self.cancel()

    feedback = CancelAtMaskedImage()
    with pytest.raises(QgsProcessingException) as error:
        run({"INPUT": chip1_tif, "MODEL": model_bundle, "OUTPUT_MASK": str(tmp_path / "mask.tif"),
             "OUTPUT_MASKED": str(tmp_path / "masked.tif")}, feedback)
    assert "cancelled" in str(error.value)
    assert feedback.isCanceled()
    assert os.listdir(tmp_path) == []


def test_class_names_and_colours_travel_inside_the_mask_file(run, chip1_tif, model_bundle, tmp_path):
    run({"INPUT": chip1_tif, "MODEL": model_bundle, "OUTPUT_MASK": str(tmp_path / "mask.tif"),
         "OUTPUT_COARSE_GRID": str(tmp_path / "grid.tif")})
    copied = tmp_path / "copied"
    copied.mkdir()
    for name in ("mask.tif", "grid.tif"):
        shutil.copy(tmp_path / name, copied / name)   # the .tif alone, without its .aux.xml
    mask = gdal.Open(str(copied / "mask.tif"))
    band = mask.GetRasterBand(1)
    assert band.GetDescription() == "cloud mask"
    colours = band.GetColorTable()
    assert colours.GetColorEntry(1) == (230, 0, 160, 255)
    assert colours.GetColorEntry(255)[:3] == (128, 128, 128)   # GDAL reads the no-data entry as transparent
    metadata = mask.GetMetadata()
    assert {k: v for k, v in metadata.items() if k.startswith("CLASS_")} == {
        "CLASS_0": "clear", "CLASS_1": "cloud", "CLASS_255": "no data"}
    assert metadata["CLOUDMASK_MODEL"]   # the provenance is still there
    grid = gdal.Open(str(copied / "grid.tif"))
    assert grid.GetMetadata()["CLASS_2"] == "partly cloudy"
    assert grid.GetRasterBand(1).GetColorTable().GetCount() >= 4


@pytest.mark.parametrize("kind", ["mask", "coarse_grid"])
def test_the_qml_styles_paint_the_classes_as_the_file_does(kind):
    """Other software reads the QML files; they must agree with the engine's class table."""
    import xml.etree.ElementTree as ET

    from cloud_mask_plugin.styles import CLASS_TABLES, style_path

    table = CLASS_TABLES[kind]
    entries = ET.parse(style_path(kind)).getroot().iter("paletteEntry")
    colours = {}
    for entry in entries:
        rgb = entry.get("color").lstrip("#")
        colours[int(entry.get("value"))] = tuple(int(rgb[i:i + 2], 16) for i in (0, 2, 4)) + (int(entry.get("alpha")),)
    assert colours == table.colors
