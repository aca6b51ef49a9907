"""Bad and unusual input rasters through the engine, the CLI and the Processing algorithm:
each gives a correct result or one specific line naming the file and what to do, never a
traceback, a changed input or a file left behind."""
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from tests.helpers import reliability as rh
from tests.helpers.real_data import RGBN, shared_data, write_raster


def no_outputs(folder):
    """The failed run wrote nothing: the folder is absent or empty."""
    folder = os.fspath(folder)
    return not os.path.exists(folder) or os.listdir(folder) == []


@pytest.fixture
def src(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    return folder


# ------------------------------------------------------------------------ band problems

def test_too_few_bands_names_the_file_and_the_missing_band(front, toy_bundle, src, tmp_path, guard):
    path = write_raster(src / "three.tif", rh.scene(40, 50)[:3], names=("blue", "green", "red"))
    g = guard(src)
    outcome = front.run(path, tmp_path / "out", toy_bundle)
    # Naming bands cannot help: the way out is more bands.
    outcome.assert_error("'three.tif' has 3 band(s)", "at least 4: blue, green, red, nir", "Build Virtual Raster",
                         "the folder of band files")
    assert "name the bands" not in outcome.message
    g.check()
    assert no_outputs(tmp_path / "out")


def test_unmappable_band_names_list_what_the_raster_has(front, toy_bundle, src, tmp_path, guard):
    path = write_raster(src / "weird.tif", rh.scene(40, 50), names=("foo", "bar", "baz", "qux"))
    g = guard(src)
    outcome = front.run(path, tmp_path / "out", toy_bundle)
    outcome.assert_error("'weird.tif'", "blue, green, red, nir", "'foo'")
    g.check()
    assert no_outputs(tmp_path / "out")


def test_band_list_longer_than_the_raster_is_refused(front, toy_bundle, src, tmp_path, guard):
    path = write_raster(src / "s.tif", rh.scene(40, 50))
    g = guard(src)
    outcome = front.run(path, tmp_path / "out", toy_bundle, bands=["blue", "green", "red", "nir", "swir16"])
    outcome.assert_error("'s.tif'", "5 bands", "only 4")
    g.check()
    assert no_outputs(tmp_path / "out")


def test_wrong_band_list_for_the_model_is_refused(front, toy_bundle, src, tmp_path, guard):
    """The user maps the raster's bands but leaves out one the model needs."""
    path = write_raster(src / "s.tif", rh.scene(40, 50), names=None)
    g = guard(src)
    outcome = front.run(path, tmp_path / "out", toy_bundle, bands=["blue", "green", "red", "swir16"])
    outcome.assert_error("'s.tif'", "nir")
    g.check()
    assert no_outputs(tmp_path / "out")


# ------------------------------------------------------------------------ georeferencing

def test_no_crs_still_works_and_keeps_the_geotransform(front, toy_bundle, src, tmp_path, guard):
    path = write_raster(src / "nocrs.tif", rh.scene(150, 140), epsg=None)
    g = guard(src)
    outcome = front.run(path, tmp_path / "out", toy_bundle)
    assert outcome.ok, outcome.message
    for key in ("mask", "probability"):
        rh.assert_grid_like(outcome.outputs[key], path)
    rh.assert_valid_mask(outcome.outputs["mask"])
    g.check()


def test_no_geotransform_gives_outputs_without_one(front, toy_bundle, src, tmp_path, guard):
    """A raster with neither CRS nor geotransform (like the Landsat Biome patches): the
    outputs must not invent a geotransform. GDAL's default (0, 1, 0, 0, 0, 1) written into
    the mask puts it upside down beside its input in QGIS, which shows rasters without a
    geotransform at (0, 1, 0, 0, 0, -1)."""
    path = write_raster(src / "nogeo.tif", rh.scene(150, 140), geotransform=None, epsg=None)
    g = guard(src)
    outcome = front.run(path, tmp_path / "out", toy_bundle)
    assert outcome.ok, outcome.message
    for key in ("mask", "probability"):
        rh.assert_grid_like(outcome.outputs[key], path)
    g.check()


def test_no_geotransform_outputs_overlay_the_input_in_qgis(toy_bundle, src, tmp_path, qgis_app):
    """What the user sees: the mask and the cloud polygons lie exactly on the input."""
    from qgis.core import QgsRasterLayer, QgsVectorLayer

    data = rh.scene(150, 140)
    path = write_raster(src / "nogeo.tif", data, geotransform=None, epsg=None)
    outcome = rh.engine_run(path, tmp_path / "out", toy_bundle)
    assert outcome.ok, outcome.message
    source = QgsRasterLayer(path, "in")
    mask = QgsRasterLayer(outcome.outputs["mask"], "mask")
    assert source.isValid() and mask.isValid()
    assert mask.extent() == source.extent(), (mask.extent().toString(), source.extent().toString())
    # The coarse grid starts at the same corner and its cells of 128 pixels cover the input.
    grid = QgsRasterLayer(outcome.outputs["coarse_grid"], "grid")
    assert grid.isValid()
    assert (grid.extent().xMinimum(), grid.extent().yMaximum()) == (0.0, 0.0)
    assert (grid.extent().xMaximum(), grid.extent().yMinimum()) == (256.0, -256.0)

    # The polygons' extent is the extent of the cloud pixels, in the input's coordinates
    # as QGIS shows them (pixel (col, row) at x = col, y = -row).
    _, m = rh.read(outcome.outputs["mask"])
    rows, cols = np.nonzero(m == 1)
    assert rows.size
    polygons = QgsVectorLayer(outcome.outputs["polygons"], "clouds", "ogr")
    assert polygons.isValid()
    e = polygons.extent()
    assert (e.xMinimum(), e.xMaximum()) == (cols.min(), cols.max() + 1)
    assert (e.yMinimum(), e.yMaximum()) == (-(rows.max() + 1), -rows.min())


def test_rotated_geotransform_is_kept_everywhere(front, toy_bundle, src, tmp_path, guard):
    gt = (1000.0, 7.0, 3.0, 5000.0, 2.0, -9.0)  # rotated and sheared: not north-up
    path = write_raster(src / "rot.tif", rh.scene(150, 140), geotransform=gt)
    g = guard(src)
    outcome = front.run(path, tmp_path / "out", toy_bundle)
    assert outcome.ok, outcome.message
    for key in ("mask", "probability"):
        rh.assert_grid_like(outcome.outputs[key], path)
    grid, _ = rh.read(outcome.outputs["coarse_grid"])
    assert grid.GetGeoTransform() == pytest.approx((1000.0, 7.0 * 128, 3.0 * 128, 5000.0, 2.0 * 128, -9.0 * 128))
    # Polygons: each cloud pixel is a parallelogram of area |det| = |7 * -9 - 3 * 2| = 69.
    from osgeo import ogr

    mask = rh.assert_valid_mask(outcome.outputs["mask"])
    source = ogr.Open(outcome.outputs["polygons"])  # kept: its layer dies with it
    area = sum(f.GetGeometryRef().GetArea() for f in source.GetLayer(0))
    assert area == pytest.approx((mask == 1).sum() * 69.0)
    g.check()


# ------------------------------------------------------------------------ no data

def test_all_nodata_is_a_clear_error(front, toy_bundle, src, tmp_path, guard):
    path = write_raster(src / "empty.tif", np.zeros((4, 60, 70), np.uint16), nodata=0)
    g = guard(src)
    outcome = front.run(path, tmp_path / "out", toy_bundle)
    outcome.assert_error("'empty.tif'", "no valid pixels")
    g.check()
    assert no_outputs(tmp_path / "out")


@pytest.mark.parametrize("declared", [None, "nan"], ids=["undeclared", "nodata=nan"])
def test_nan_and_infinity_are_nodata(front, toy_bundle, src, tmp_path, guard, declared):
    data = rh.scene(150, 140)
    bad = np.zeros(data.shape[1:], bool)
    data[:, :10] = np.nan
    bad[:10] = True
    data[1, 20:30, :70] = np.inf
    bad[20:30, :70] = True
    data[3, 40:45, 30:] = -np.inf
    bad[40:45, 30:] = True
    data[2, 100, 100] = np.nan
    bad[100, 100] = True
    path = write_raster(src / "nan.tif", data, nodata=float("nan") if declared else None)
    g = guard(src)
    outcome = front.run(path, tmp_path / "out", toy_bundle)
    assert outcome.ok, outcome.message
    mask = rh.assert_valid_mask(outcome.outputs["mask"], nodata=bad)
    assert outcome.report["valid_pixels"] == (~bad).sum()
    assert outcome.report["cloud_cover_percent"] == pytest.approx(100 * (mask == 1).sum() / (~bad).sum(), abs=1e-3)
    _, prob = rh.read(outcome.outputs["probability"])
    assert (prob[bad] == 255).all() and (prob[~bad] <= 100).all()
    g.check()


def test_four_band_byte_geotiff_nir_is_data_not_alpha(front, toy_bundle, src, tmp_path, guard):
    """GDAL writes 4-band Byte GeoTIFFs as RGBA unless told otherwise, so the NIR band of
    a blue, green, red, NIR file (NAIP-like) reads as an alpha band. The model reads it as
    NIR; it must not also turn every NIR = 0 pixel into no data."""
    from osgeo import gdal

    dn = np.clip(np.rint(rh.scene(60, 70, seed=5) * 250), 1, 250).astype(np.uint8)
    dn[3, 10:20, 10:20] = 0  # dark water in NIR
    path = write_raster(src / "rgbn.tif", dn)
    assert gdal.Open(path).GetRasterBand(4).GetColorInterpretation() == gdal.GCI_AlphaBand  # the premise
    g = guard(src)
    outcome = front.run(path, tmp_path / "out", toy_bundle, scale=0.6 / 250)
    assert outcome.ok, outcome.message
    rh.assert_valid_mask(outcome.outputs["mask"], nodata=np.zeros(dn.shape[1:], bool))
    assert outcome.report["valid_pixels"] == 60 * 70
    g.check()


def test_per_dataset_mask_still_marks_nodata(toy_bundle, src, tmp_path):
    """A real mask (an internal per-dataset mask band) still makes no data."""
    from osgeo import gdal

    data = rh.scene(60, 70, seed=6)
    path = write_raster(src / "masked.tif", data)
    ds = gdal.Open(path, gdal.GA_Update)
    assert ds.CreateMaskBand(gdal.GMF_PER_DATASET) == 0
    keep = np.ones((60, 70), np.uint8) * 255
    keep[:, :25] = 0
    ds.GetRasterBand(1).GetMaskBand().WriteArray(keep)
    ds = None
    outcome = rh.engine_run(path, tmp_path / "out", toy_bundle)
    assert outcome.ok, outcome.message
    rh.assert_valid_mask(outcome.outputs["mask"], nodata=keep == 0)


# ------------------------------------------------------------------------ sizes and types

@pytest.mark.parametrize("height,width", [(1, 1), (7, 9), (129, 3), (3, 257), (300, 131)])
def test_sizes_not_multiples_of_the_cell_or_window(front, toy_bundle, src, tmp_path, height, width):
    data = rh.scene(height, width, seed=height * 7 + width)
    path = write_raster(src / "odd.tif", data)
    outcome = front.run(path, tmp_path / "out", toy_bundle)
    assert outcome.ok, outcome.message
    rh.assert_grid_like(outcome.outputs["mask"], path)
    mask = rh.assert_valid_mask(outcome.outputs["mask"], nodata=np.zeros((height, width), bool))
    grid, _ = rh.read(outcome.outputs["coarse_grid"])
    assert (grid.RasterXSize, grid.RasterYSize) == (-(-width // 128), -(-height // 128))
    # Pixels far from the toy model's brightness threshold get its per-pixel answer.
    brightness = data.mean(axis=0)
    assert (mask[brightness > 0.5] == 1).all() and (mask[brightness < 0.1] == 0).all()


DN = np.rint(rh.scene(140, 150, seed=3) * 250).astype(np.uint8)  # 0..250 fits every type
DN_SCALE = 0.6 / 250


@pytest.fixture(scope="module")
def float32_mask(toy_bundle, tmp_path_factory):
    """The mask of ``DN`` stored as float32, the reference for the other data types."""
    folder = tmp_path_factory.mktemp("dtype_reference")
    reference = write_raster(folder / "reference.tif", DN.astype(np.float32))
    expected = rh.engine_run(reference, folder / "out", toy_bundle, scale=DN_SCALE)
    assert expected.ok, expected.message
    return rh.read(expected.outputs["mask"])[1]


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.int16, np.float32, np.float64])
def test_data_types_give_the_same_mask(front, toy_bundle, src, tmp_path, dtype, float32_mask):
    """The same DN in any data type, with the same scale, gives the same mask."""
    path = write_raster(src / f"dn_{np.dtype(dtype).name}.tif", DN.astype(dtype))
    outcome = front.run(path, tmp_path / "out", toy_bundle, scale=DN_SCALE)
    assert outcome.ok, outcome.message
    rh.assert_grid_like(outcome.outputs["mask"], path)
    np.testing.assert_array_equal(rh.read(outcome.outputs["mask"])[1], float32_mask)
    assert 0 < outcome.report["cloud_cover_percent"] < 100


# ------------------------------------------------------------------------ huge rasters

HUGE_VRT = """<VRTDataset rasterXSize="{size}" rasterYSize="{size}">
  <GeoTransform>500000, 10, 0, 4000000, 0, -10</GeoTransform>{bands}
</VRTDataset>"""
HUGE_BAND = """
  <VRTRasterBand dataType="UInt16" band="{i}">
    <Description>{name}</Description>
    <NoDataValue>0</NoDataValue>
    <SimpleSource>
      <SourceFilename relativeToVRT="1">small.tif</SourceFilename><SourceBand>{i}</SourceBand>
      <SrcRect xOff="0" yOff="0" xSize="200" ySize="200"/><DstRect xOff="0" yOff="0" xSize="200" ySize="200"/>
    </SimpleSource>
  </VRTRasterBand>"""


def huge_vrt(folder, size):
    write_raster(folder / "small.tif", rh.scene(200, 200, dtype=np.uint16), nodata=0)
    path = folder / f"huge_{size}.vrt"
    path.write_text(HUGE_VRT.format(size=size, bands="".join(
        HUGE_BAND.format(i=i, name=name) for i, name in enumerate(RGBN, start=1))))
    return str(path)


# Run in a child process whose address space is capped at 3 GiB: a run that tried to
# allocate for the whole scene would fail there (MemoryError or a kill), not here.
CAPPED = textwrap.dedent("""
    import json, resource, sys
    resource.setrlimit(resource.RLIMIT_AS, (3 * 1024 ** 3, 3 * 1024 ** 3))
    from cloud_mask_plugin.core.api import MaskOptions, default_outputs, mask_file
    from cloud_mask_plugin.core.errors import CloudMaskError
    path, out, model, cancel_after = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    calls = []
    try:
        mask_file(path, default_outputs(path, out), MaskOptions(model=model, device="cpu"),
                  progress=lambda f, m: calls.append(m), is_cancelled=lambda: len(calls) >= cancel_after)
        outcome = "ok"
    except CloudMaskError as exc:
        outcome = type(exc).__name__ + ": " + str(exc)
    # VmHWM: this process image's peak resident memory. (ru_maxrss would also count the
    # parent's pages: Linux carries the pre-exec high-water mark of a forked child over.)
    with open("/proc/self/status") as f:
        peak_kb = next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))
    print(json.dumps({"outcome": outcome, "calls": len(calls), "messages": calls[:3], "max_rss_mb": peak_kb / 1024}))
""")


def run_capped(*args, timeout=120, cap_gib=3):
    import json

    env = dict(os.environ, PYTHONPATH=rh.REPO)
    script = CAPPED.replace("3 * 1024 ** 3, 3 * 1024 ** 3", f"int({cap_gib} * 1024 ** 3), int({cap_gib} * 1024 ** 3)")
    proc = subprocess.run([sys.executable, "-c", script, *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, env=env, cwd=rh.REPO)
    assert proc.returncode == 0, f"the capped run died (rc {proc.returncode}): {proc.stderr[-2000:]}"
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_huge_vrt_starts_with_an_estimate_and_cancels_in_bounded_memory(toy_bundle, src, tmp_path, guard):
    """100000 x 100000 pixels (10 G pixels) has no size cap: the run starts, says up front
    how long it will take, reports progress and stops cleanly when cancelled, in an address
    space capped at 1.5 GiB (a run that allocated anything per scene would fail there)."""
    path = huge_vrt(src, 100_000)
    g = guard(src)
    result = run_capped(path, tmp_path / "out", toy_bundle, 4, cap_gib=1.5)
    assert result["outcome"].startswith("Cancelled"), result
    assert result["calls"] == 4
    assert result["messages"][0] == "reading the scene"
    assert result["messages"][1].startswith("estimated ") and "100000 x 100000 pixels" in result["messages"][1]
    assert result["max_rss_mb"] < 1024, result
    g.check()
    assert rh.leftovers(tmp_path / "out") == [] and no_outputs(tmp_path / "out")


def test_large_vrt_is_streamed_in_bounded_memory(toy_bundle, src, tmp_path, guard):
    """40000 x 40000 pixels (1.6 G pixels, 12.8 GB as float32 bands) is accepted and read
    strip by strip: after a few strips the run is cancelled, having used little memory."""
    path = huge_vrt(src, 40_000)
    g = guard(src)
    result = run_capped(path, tmp_path / "out", toy_bundle, 3)
    assert result["outcome"].startswith("Cancelled"), result
    assert result["calls"] == 3
    assert result["max_rss_mb"] < 1024, result
    g.check()
    assert rh.leftovers(tmp_path / "out") == [] and no_outputs(tmp_path / "out")


# ------------------------------------------------------------------------ not a usable file

def real_geotiff(folder, name="chip.tif", layout="striped"):
    """On Cloud N chip 1 as one 4-band GeoTIFF: 'striped' (GDAL's default, directory at
    the end) or 'cog' (directory first, tiles after)."""
    from osgeo import gdal

    source = shared_data("oncloudn_s2", "chip_1")
    vrt = gdal.BuildVRT("", [os.path.join(source, f"{b}.tif") for b in ("B02", "B03", "B04", "B08")], separate=True)
    path = str(folder / name)
    options = dict(format="COG", creationOptions=["COMPRESS=DEFLATE"]) if layout == "cog" else {}
    gdal.Translate(path, vrt, **options).FlushCache()  # closed when the result is dropped
    ds = gdal.Open(path, gdal.GA_Update) if layout != "cog" else None
    if ds is not None:
        for i, n in enumerate(RGBN, start=1):
            ds.GetRasterBand(i).SetDescription(n)
        ds = None
    return path


def truncate_half(path):
    with open(path, "rb") as f:
        data = f.read()
    with open(path, "wb") as f:
        f.write(data[: len(data) // 2])


def test_truncated_geotiff_directory_at_the_end(front, toy_bundle, src, tmp_path, guard):
    path = real_geotiff(src, layout="striped")
    truncate_half(path)
    g = guard(src)
    outcome = front.run(path, tmp_path / "out", toy_bundle, bands=list(RGBN))
    outcome.assert_error("'chip.tif'", "cannot be opened as a raster")
    g.check()
    assert no_outputs(tmp_path / "out")


def test_truncated_geotiff_tiles_missing(front, toy_bundle, src, tmp_path, guard):
    """A COG keeps its directory first, so the file opens and the read fails part way."""
    path = real_geotiff(src, layout="cog")
    truncate_half(path)
    g = guard(src)
    outcome = front.run(path, tmp_path / "out", toy_bundle, bands=list(RGBN))
    outcome.assert_error("'chip.tif'", "truncated or corrupt")
    g.check()
    assert rh.leftovers(tmp_path / "out") == [] and no_outputs(tmp_path / "out")


def test_path_that_does_not_exist(front, toy_bundle, src, tmp_path):
    missing = str(src / "nowhere" / "scene.tif")
    outcome = front.run(missing, tmp_path / "out", toy_bundle)
    outcome.assert_error(missing, "not")
    assert no_outputs(tmp_path / "out")


def test_text_file_is_not_a_raster(front, toy_bundle, src, tmp_path, guard):
    path = src / "notes.txt"
    path.write_text("this is a text file\nnot a raster\n")
    g = guard(src)
    outcome = front.run(str(path), tmp_path / "out", toy_bundle)
    outcome.assert_error("notes.txt", "cannot be opened as a raster")
    g.check()
    assert no_outputs(tmp_path / "out")


def test_folder_without_band_files_is_not_a_raster(front, toy_bundle, src, tmp_path):
    folder = src / "scene.tif"  # a folder named like a raster
    folder.mkdir()
    outcome = front.run(str(folder), tmp_path / "out", toy_bundle)
    outcome.assert_error("'scene.tif' holds no band files", "give a raster file or a folder of band files")
    assert os.listdir(folder) == []


# ------------------------------------------------------------------------ where the input lives

def test_paths_with_spaces_accents_and_other_scripts(front, toy_bundle, tmp_path, guard):
    """Users' folders are called 'Área de Trabalho' or '衛星 データ'."""
    folder = tmp_path / "Área de Trabalho" / "衛星 データ [2024]"
    folder.mkdir(parents=True)
    path = write_raster(folder / "cena nublada é 1.tif", rh.scene(140, 150))
    g = guard(folder)
    out = tmp_path / "saída & résultats"
    outcome = front.run(path, out, toy_bundle)
    assert outcome.ok, outcome.message
    assert os.path.basename(outcome.outputs["mask"]) == "cena nublada é 1_cloudmask.tif"
    rh.assert_grid_like(outcome.outputs["mask"], path)
    from osgeo import ogr

    source = ogr.Open(outcome.outputs["polygons"])
    assert source is not None and source.GetLayer(0).GetFeatureCount() == outcome.report["polygons"]
    g.check()
    assert rh.leftovers(out) == []


def test_input_in_a_read_only_folder(front, toy_bundle, src, tmp_path, guard):
    """Inputs on a read-only share or disc: masking needs nothing written beside them."""
    path = write_raster(src / "scene.tif", rh.scene(140, 150))
    g = guard(src)
    with rh.unwritable(src):
        outcome = front.run(path, tmp_path / "out", toy_bundle)
    assert outcome.ok, outcome.message
    rh.assert_valid_mask(outcome.outputs["mask"])
    g.check()
