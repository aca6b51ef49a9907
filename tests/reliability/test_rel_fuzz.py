"""Fuzzing the engine, the CLI and the Processing algorithm with random rasters: shapes of
1..300 pixels, five data types, no-data values, NaN and infinity, georeferencing, and band
layouts (shuffled with descriptions, extra bands, an explicit band list).

Invariants of every run:
- the outputs have the input's grid (size, geotransform or none, CRS or none);
- mask values are in {0, 1, 255} and 255 exactly where a band the model reads has no data
  (for rasters without a declared no-data value also where every model band is 0);
- the report's cloud cover and valid pixel count are the mask's;
- (engine) the mask equals the mask of the same reflectance written as a plain float32
  raster in the model's band order: band order, extra bands, data type and scaling
  change nothing.

Examples are derandomized so CI is repeatable; set CLOUDMASK_FUZZ_RANDOM=1 to draw new ones
and CLOUDMASK_FUZZ_SCALE=10 to run ten times as many.
"""
import os
import tempfile
from dataclasses import dataclass, field
from typing import List, Optional

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.helpers import reliability as rh
from tests.helpers.real_data import RGBN, write_raster

FUZZ = dict(deadline=None, derandomize=not os.environ.get("CLOUDMASK_FUZZ_RANDOM"), database=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                   HealthCheck.data_too_large])

SCALE = int(os.environ.get("CLOUDMASK_FUZZ_SCALE", "1"))
DTYPES = ["uint8", "uint16", "int16", "float32", "float64"]
# How DN becomes reflectance for each type: uint8 needs the user's scale; the other integer
# types use the engine's assumption (reflectance x 10000); floats are reflectance.
DN_PER_REFLECTANCE = {"uint8": 250.0, "uint16": 10000.0, "int16": 10000.0, "float32": 1.0, "float64": 1.0}
USER_SCALE = {"uint8": 1 / 250.0}
ENGINE_SCALE = {"uint8": 1 / 250.0, "uint16": 1e-4, "int16": 1e-4, "float32": 1.0, "float64": 1.0}
NODATA_VALUE = {"uint8": 0, "uint16": 0, "int16": -9999, "float32": -9999.0, "float64": -3.0e38}
GEOREF = {
    "north-up": ((300000.0, 30.0, 0.0, 5000000.0, 0.0, -30.0), 32618),
    "rotated": ((1000.0, 7.0, 3.0, 5000.0, 2.0, -9.0), 3857),
    "no-crs": ((0.0, 2.0, 0.0, 100.0, 0.0, -2.0), None),
    "none": (None, None),
}


@dataclass
class Case:
    path: str
    dtype: str
    invalid: np.ndarray               # [H, W] pixels where a model band has no data
    reflectance: np.ndarray           # [4, H, W] float32 in the model's band order, as the engine computes it
    bands: Optional[List[Optional[str]]] = None   # explicit band list (file order), or None
    scale: Optional[float] = None
    notes: dict = field(default_factory=dict)


@st.composite
def cases(draw, folder):
    h, w = draw(st.integers(1, 300), label="height"), draw(st.integers(1, 300), label="width")
    dtype = draw(st.sampled_from(DTYPES), label="dtype")
    seed = draw(st.integers(0, 2 ** 31), label="seed")
    rng = np.random.default_rng(seed)

    # Reflectance: blocks of random brightness (so cells are dark, bright or mixed) plus noise.
    block = draw(st.sampled_from([4, 32, 128, 200]), label="block")
    levels = rng.uniform(0.0, 0.9, size=(-(-h // block), -(-w // block)))
    base = np.repeat(np.repeat(levels, block, axis=0), block, axis=1)[:h, :w]
    refl = np.clip(base[None] + rng.normal(0, 0.05, size=(4, h, w)), 0.0, 1.0)

    # No data, per band of the model.
    kind = draw(st.sampled_from(["none", "value", "nan", "nonfinite"]), label="nodata kind")
    if dtype not in ("float32", "float64") and kind in ("nan", "nonfinite"):
        kind = "value"
    pattern = draw(st.sampled_from(["random", "block", "one band", "rows", "everything"]), label="nodata pattern")
    holes = np.zeros((4, h, w), bool)
    if kind != "none":
        if pattern == "random":
            holes = rng.random((4, h, w)) < draw(st.sampled_from([0.01, 0.2, 0.7]), label="density")
        elif pattern == "block":
            holes[:, h // 3: h // 3 + max(1, h // 4), : max(1, w // 2)] = True
        elif pattern == "one band":
            holes[int(rng.integers(4)), : max(1, h // 2), w // 3:] = True
        elif pattern == "rows":
            holes[:, ::7] = True
        else:
            holes[:] = True

    dn = refl * DN_PER_REFLECTANCE[dtype]
    if dtype in ("float32", "float64"):
        dn = dn.astype(dtype)
    else:
        info = np.iinfo(dtype)
        lowest = 1 if kind == "value" else 0  # 0 stays free for a no-data value of 0
        dn = np.clip(np.rint(dn), lowest, info.max).astype(dtype)
    nodata = None
    if kind == "value":
        nodata = NODATA_VALUE[dtype]
        dn[holes] = nodata
    elif kind == "nan":
        nodata = float("nan")
        dn[holes] = np.nan
    elif kind == "nonfinite":  # NaN and infinities with no declared no-data value
        dn[holes] = rng.choice(np.array([np.nan, np.inf, -np.inf], dtype=dtype), size=int(holes.sum()))

    # What the engine computes: DN x scale in float32, clipped, 0 where invalid.
    scale = np.float32(ENGINE_SCALE[dtype])
    with np.errstate(invalid="ignore"):
        reflectance = dn.astype(np.float32) * scale
    invalid = holes.any(axis=0)
    if nodata is None:   # no declared no-data value: a pixel that is 0 in every model band is fill
        invalid |= (dn == 0).all(axis=0)
    reflectance[:, invalid] = np.nan

    # Band layout in the file.
    layout = draw(st.sampled_from(["canonical", "shuffled", "extra bands", "band list"]), label="layout")
    order = list(range(4))
    names: List[Optional[str]] = list(RGBN)
    arrays = [dn[i] for i in range(4)]
    nodatas = [nodata] * 4
    if layout in ("shuffled", "band list", "extra bands"):
        order = draw(st.permutations(range(4)), label="order")
        arrays = [dn[i] for i in order]
        names = [RGBN[i] for i in order]
    if layout == "extra bands":
        for extra in draw(st.lists(st.sampled_from(["swir16", "", "thermal?"]), min_size=1, max_size=2),
                          label="extras"):
            at = int(rng.integers(len(arrays) + 1))
            junk = rng.uniform(0, 1, size=(h, w)) * DN_PER_REFLECTANCE[dtype]
            junk = junk.astype(dtype)
            junk[: max(1, h // 2)] = nodata if nodata is not None else junk[: max(1, h // 2)]
            arrays.insert(at, junk)  # its no data must not reach the mask
            names.insert(at, extra or None)
            nodatas.insert(at, nodata)
    bands = None
    if layout == "band list":
        bands = list(names)
        names = None

    gt, epsg = GEOREF[draw(st.sampled_from(sorted(GEOREF)), label="georef")]
    path = write_raster(os.path.join(folder, f"fuzz_{dtype}.tif"), np.stack(arrays), geotransform=gt, epsg=epsg,
                           names=names, nodata=nodatas)
    size = "tiny" if h * w < 100 else "small" if h * w < 10000 else "large"
    for what in (f"size {size}", f"dtype {dtype}", f"nodata {kind}/{pattern}", f"layout {layout}"):
        event(what)
    return Case(path, dtype, invalid, reflectance, bands, USER_SCALE.get(dtype),
                notes=dict(shape=(h, w), kind=kind, pattern=pattern, layout=layout))


def check_invariants(case: Case, outcome: rh.Outcome):
    if case.invalid.all():
        outcome.assert_error("no valid pixels")
        return None
    assert outcome.ok, (outcome.message, case.notes)
    rh.assert_grid_like(outcome.outputs["mask"], case.path)
    rh.assert_grid_like(outcome.outputs["probability"], case.path)
    mask = rh.assert_valid_mask(outcome.outputs["mask"], nodata=case.invalid)
    _, probability = rh.read(outcome.outputs["probability"])
    np.testing.assert_array_equal(probability == 255, case.invalid)
    valid = int((~case.invalid).sum())
    report = outcome.report
    assert report["valid_pixels"] == valid
    assert report["cloud_pixels"] == int((mask == 1).sum())
    assert report["cloud_cover_percent"] == pytest.approx(100.0 * (mask == 1).sum() / valid, abs=1e-3)
    return mask


def canonical_mask(case: Case, model, folder):
    """The engine's mask for the same reflectance as a float32 raster in model band order."""
    path = write_raster(os.path.join(folder, "canonical.tif"), case.reflectance, nodata=float("nan"))
    outcome = rh.engine_run(path, os.path.join(folder, "canonical_out"), model, polygons=False)
    assert outcome.ok, outcome.message
    return rh.read(outcome.outputs["mask"])[1]


@settings(max_examples=30 * SCALE, **FUZZ)
@given(data=st.data())
def test_fuzz_engine(toy_bundle, small_toy_bundle, data):
    model = data.draw(st.sampled_from([toy_bundle, small_toy_bundle]), label="model")
    with tempfile.TemporaryDirectory() as tmp:
        case = data.draw(cases(tmp), label="case")
        outcome = rh.engine_run(case.path, os.path.join(tmp, "out"), model, bands=case.bands, scale=case.scale,
                                polygons=False)
        mask = check_invariants(case, outcome)
        if mask is not None:
            np.testing.assert_array_equal(mask, canonical_mask(case, model, tmp), err_msg=str(case.notes))
        assert rh.leftovers(os.path.join(tmp, "out")) == []


@settings(max_examples=20 * SCALE, **FUZZ)
@given(data=st.data())
def test_fuzz_cli(toy_bundle, capfd, data):
    with tempfile.TemporaryDirectory() as tmp:
        case = data.draw(cases(tmp), label="case")
        outcome = rh.cli_run(case.path, os.path.join(tmp, "out"), toy_bundle, capfd, bands=case.bands, scale=case.scale)
        check_invariants(case, outcome)
        assert rh.leftovers(os.path.join(tmp, "out")) == []


@settings(max_examples=8 * SCALE, **FUZZ)
@given(data=st.data())
def test_fuzz_processing(cloudmask_provider, toy_bundle, data):
    with tempfile.TemporaryDirectory() as tmp:
        case = data.draw(cases(tmp), label="case")
        outcome = rh.processing_run(case.path, os.path.join(tmp, "out"), toy_bundle, bands=case.bands, scale=case.scale,
                                    polygons=False)
        check_invariants(case, outcome)
        assert rh.leftovers(os.path.join(tmp, "out")) == []
