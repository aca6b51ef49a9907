"""The sensor-independent models (Francis, "Sensor-Independent Deep Learning for Cloud Masking"): band order and count, ONNX with a dynamic band
axis, spectral augmentation, and a tiny trained bundle through the engine on a real raster."""
import dataclasses
import json
import os

import numpy as np
import onnx
import onnxruntime as ort
import pytest
import torch

from training.models import CoarseNet, FineNet
from training.quantize import descriptor_path
from training.sensor_independent import BandSetEmbedding, ExtraBands, SICoarseNet, SIFineNet
from training.augment import add_synthetic_clouds, band_dropout, cloud_spectrum, spectra_by_wavelength
from training.config import SensorIndependence
from training.scenes import sensor_descriptors
from training.evaluate import RGBN
from training.export import _export_onnx


def export_si_onnx(model, path, output_name, size, metadata, activation):
    _export_onnx(model, path, output_name, size, metadata, activation, channels=None)

# Landsat 8 reflective bands plus the Sentinel-2 red edge: eight distinct descriptors.
BANDS8 = ("blue", "green", "red", "nir", "swir16", "swir22", "cirrus", "rededge071")


def _descriptors(bands, sensor="sentinel2"):
    known = [b for b in bands if b != "cirrus" or sensor != "sentinel2"]
    table = {b: d for b, d in zip(known, sensor_descriptors(sensor, known))}
    if "cirrus" in bands and sensor == "sentinel2":
        table["cirrus"] = sensor_descriptors("landsat89", ["cirrus"])[0]
    return np.stack([table[b] for b in bands]).astype(np.float32)


def _models(seed=0):
    torch.manual_seed(seed)
    fine = SIFineNet(features=6, widths=(4, 6, 8, 10, 12), decoder_widths=(4, 4, 6, 8)).eval()
    coarse = SICoarseNet(features=6, widths=(4, 6, 8, 10, 12), context_layers=1).eval()
    # Random batch-norm statistics, so the test does not pass only because they are trivial.
    for model in (fine, coarse):
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.running_mean.uniform_(-0.2, 0.2)
                m.running_var.uniform_(0.5, 1.5)
    return fine, coarse


@pytest.mark.parametrize("channels", [4, 7, 8])
def test_output_does_not_depend_on_band_order(channels):
    fine, coarse = _models()
    rng = np.random.default_rng(channels)
    image = torch.from_numpy(rng.uniform(0, 0.8, (2, channels, 32, 48)).astype(np.float32))
    desc = torch.from_numpy(_descriptors(BANDS8[:channels]))
    perm = torch.from_numpy(rng.permutation(channels))
    with torch.no_grad():
        for model, shape in ((fine, (2, 1, 32, 48)), (coarse, (2, 4, 2, 3))):
            out = model(image, desc)
            assert out.shape == shape
            torch.testing.assert_close(model(image[:, perm], desc[perm]), out, atol=1e-5, rtol=1e-5)
            # Permuting the pixels but not the descriptors tells the model other bands:
            # the output must change, or the descriptors would be ignored.
            # (Checked on the embedding: a randomly initialised coarse trunk squashes its input.)
            assert not torch.allclose(model.embed(image[:, perm], desc), model.embed(image, desc), atol=1e-3)


def test_embedding_has_a_fixed_width_whatever_the_band_count():
    embed = BandSetEmbedding(features=5)
    for c in (1, 4, 11):
        out = embed(torch.rand(1, c, 8, 8), torch.from_numpy(_descriptors((BANDS8 * 2)[:c])))
        assert out.shape == (1, 10, 8, 8)


def test_onnx_export_takes_any_band_count_and_matches_torch(tmp_path):
    fine, coarse = _models(1)
    paths = {}
    for name, model, act, size in (("fine", fine, torch.nn.Sigmoid(), 64), ("coarse", coarse, torch.nn.Softmax(dim=1), 32)):
        paths[name] = str(tmp_path / f"{name}.onnx")
        export_si_onnx(model, paths[name], "out", size, {"model": name}, act)
    sessions = {name: ort.InferenceSession(path, providers=["CPUExecutionProvider"]) for name, path in paths.items()}
    rng = np.random.default_rng(5)
    orders = [BANDS8[:4], ("nir", "red", "blue", "green"), BANDS8[:7], BANDS8[::-1], BANDS8]
    for bands in orders:
        desc = _descriptors(bands)
        x = rng.uniform(0, 0.7, (2, len(bands), 32, 48)).astype(np.float32)
        for name, model, act in (("fine", fine, torch.sigmoid), ("coarse", coarse, lambda t: torch.softmax(t, 1))):
            (got,) = sessions[name].run(None, {"image": x, "band_descriptors": desc})
            with torch.no_grad():
                want = act(model(torch.from_numpy(x), torch.from_numpy(desc))).numpy()
            assert got.shape == want.shape
            np.testing.assert_allclose(got, want, atol=1e-4)


def test_band_dropout_always_keeps_the_required_bands():
    rng = np.random.default_rng(0)
    si = SensorIndependence(rgbn_only_probability=0.3, extra_band_keep=0.5)
    bands = ["coastal", "blue", "green", "red", "rededge071", "nir", "swir16", "swir22"]
    kept_counts = []
    for _ in range(300):
        keep = band_dropout(bands, si, rng)
        # The required bands first, in their own order (as the engine feeds a bundle that
        # lists them first), then the kept further bands in the source's order.
        assert [bands[i] for i in keep[:4]] == list(RGBN) and keep[4:] == sorted(keep[4:])
        kept_counts.append(len(keep))
    counts = np.bincount(kept_counts)
    assert 0.2 < counts[4] / 300 < 0.5  # RGBN-only about 0.3 + 0.7 / 16
    assert counts[8] > 0  # and sometimes every band


def _random_batch_norm(model):
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.running_mean.uniform_(-0.2, 0.2)
            m.running_var.uniform_(0.5, 1.5)
    return model


def _extra_bands_models(seed=0):
    """(base, ExtraBands around a copy of it) for fine and coarse, the new weights made non-zero."""
    import copy

    torch.manual_seed(seed)
    stats = ([0.1, 0.1, 0.1, 0.2], [0.2, 0.2, 0.2, 0.3])
    bases = (_random_batch_norm(FineNet(4, *stats, (4, 6, 8, 10, 12), (4, 4, 6, 8))).eval(),
             _random_batch_norm(CoarseNet(4, *stats, (4, 6, 8, 10, 12), 1)).eval())
    pairs = []
    for base in bases:
        hybrid = ExtraBands(copy.deepcopy(base), 4, hidden=8).eval()
        with torch.no_grad():
            hybrid.extra.descriptor_mlp[-1].weight.normal_(0, 0.5)
        pairs.append((base, hybrid))
    return pairs


def test_extra_bands_model_is_its_base_on_the_base_bands_and_ignores_extra_band_order():
    rng = np.random.default_rng(2)
    bands = BANDS8[:7]
    image = torch.from_numpy(rng.uniform(0, 0.8, (2, 7, 32, 48)).astype(np.float32))
    desc = torch.from_numpy(_descriptors(bands, "landsat89"))
    perm = torch.tensor([0, 1, 2, 3, 6, 4, 5])  # the further bands in another order
    with torch.no_grad():
        for role, (base, hybrid) in zip(("fine", "coarse"), _extra_bands_models()):
            alone = hybrid(image[:, :4], desc[:4])
            assert torch.equal(alone, base(image[:, :4]))
            assert not hybrid.embed(image[:, :4], desc[:4])[1].any()
            with_extras = hybrid(image, desc)
            # (On the fine output: a randomly initialised coarse trunk squashes its input.)
            if role == "fine":
                assert not torch.allclose(with_extras, alone, atol=1e-3), "the further bands changed nothing"
            torch.testing.assert_close(hybrid(image[:, perm], desc[perm]), with_extras, atol=1e-5, rtol=1e-5)


def test_extra_bands_training_moves_only_the_new_weights():
    (base, hybrid), _ = _extra_bands_models(1)
    before = {k: v.clone() for k, v in hybrid.state_dict().items()}
    trainable = [p for p in hybrid.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=0.1, weight_decay=0.1)
    hybrid.train()
    image = torch.rand(3, 6, 32, 32)
    desc = torch.from_numpy(_descriptors(BANDS8[:6], "landsat89"))
    loss = hybrid(image, desc).square().mean()
    loss.backward()
    optimizer.step()
    after = hybrid.state_dict()
    moved = {k for k in before if not torch.equal(before[k], after[k])}
    assert moved and all(k.startswith("extra.") for k in moved), sorted(moved)
    # Batch-norm statistics stay the base model's even in training mode.
    assert not any("running" in k for k in moved)
    with torch.no_grad():
        assert torch.equal(hybrid.eval()(image[:, :4], desc[:4]), base(image[:, :4]))


def test_extra_bands_onnx_takes_four_or_more_bands_and_matches_torch(tmp_path):
    rng = np.random.default_rng(4)
    for (base, hybrid), act, size in zip(_extra_bands_models(3), (torch.sigmoid, lambda t: torch.softmax(t, 1)),
                                         (64, 32)):
        path = str(tmp_path / "model.onnx")
        export_si_onnx(hybrid, path, "out", size, {"model": "test"},
                       torch.nn.Sigmoid() if size == 64 else torch.nn.Softmax(dim=1))
        # The int8 copy keeps the band-dependent weights and the one convolution they feed in
        # float, and quantises the base model's convolutions, whose weights are constant.
        graph = onnx.load(path).graph
        constant = {init.name for init in graph.initializer}
        convs = [node for node in graph.node if node.op_type == "Conv"]
        kept_float = [node.name for node in convs if node.name in descriptor_path(path, "band_descriptors")]
        assert kept_float == [node.name for node in convs if node.input[1] not in constant] and len(kept_float) == 1
        session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
        for bands in (BANDS8[:4], BANDS8[:7], BANDS8):
            desc = _descriptors(bands, "landsat89" if "rededge071" not in bands else "sentinel2")
            x = rng.uniform(0, 0.7, (2, len(bands), 32, 48)).astype(np.float32)
            (got,) = session.run(None, {"image": x, "band_descriptors": desc})
            with torch.no_grad():
                want = act(hybrid(torch.from_numpy(x), torch.from_numpy(desc))).numpy()
                if len(bands) == 4:
                    np.testing.assert_allclose(want, act(base(torch.from_numpy(x))).numpy(), atol=1e-6)
            np.testing.assert_allclose(got, want, atol=1e-4)


def test_synthetic_cloud_spectrum_is_flat_in_vnir_lower_in_swir():
    rng = np.random.default_rng(1)
    desc = sensor_descriptors("landsat89", ["blue", "red", "nir", "cirrus", "swir16", "swir22"])
    for thin in (True, False):
        for _ in range(20):
            s = cloud_spectrum(desc, thin, rng)
            assert np.all(s[:3] > 0.9) and np.all(s[4:] < s[0]) and s[5] < 0.8
    thin_cirrus = np.mean([cloud_spectrum(desc, True, rng)[3] for _ in range(200)])
    thick_cirrus = np.mean([cloud_spectrum(desc, False, rng)[3] for _ in range(200)])
    assert thin_cirrus > thick_cirrus
    from training.augment import SyntheticCloudConfig
    image = np.full((6, 64, 64), 0.05, np.float32)
    valid = np.ones((64, 64), bool)
    out, _, label = add_synthetic_clouds(image, valid, np.zeros_like(valid), spectra_by_wavelength(desc),
                                         SyntheticCloudConfig(coverage=(0.5, 0.5), thick_opacity=(1.0, 1.0),
                                                              thin_probability=0.0), rng)
    assert 0.3 < label.mean() < 0.7
    assert np.all(out[0][label] > out[5][label])  # cloud brighter in the blue than at 2.2 um


def test_sensor_descriptors_come_from_the_sensor_catalogue():
    d = sensor_descriptors("landsat89", ["nir", "cirrus"])
    np.testing.assert_allclose(d, [[0.865, 0.028], [1.3735, 0.020]], rtol=1e-5)
    d = sensor_descriptors("sentinel2", ["nir"])  # B8, not B8A
    np.testing.assert_allclose(d, [[0.8328, 0.106]], rtol=1e-5)


TINY_SI_CONFIG = """
name = "si_tiny"
seed = 3
threads = 1
bands = ["coastal", "blue", "green", "red", "nir", "cirrus", "swir16", "swir22"]
checkpoint_dir = "{runs}"
[si]
features = 4
[bundle]
out = "{bundle}"
name = "si-tiny"
[fine]
patch = 64
overlap = 16
batch = 2
iterations = 2
widths = [4, 6, 8, 10, 12]
decoder_widths = [4, 4, 6, 8]
inference_scale = {scale}
[coarse]
tile = 128
mosaic_tiles = 2
mosaics = 2
batch = 2
iterations = 2
widths = [4, 6, 8, 10, 12]
[[train_sources]]
name = "biome_pair"
kind = "biome"
path = "biome_l8/train"
names = ["Barren_00_0214", "Barren_03_0207"]
sensor = "landsat89"
bands = ["blue", "green", "red", "nir", "swir16", "swir22", "cirrus"]
scales = [1.0]
[[clear_sources]]
name = "s2_clear"
kind = "bigearthnet"
path = "clear/bigearthnet_s2"
sensor = "sentinel2"
bands = ["coastal", "blue", "green", "red", "nir", "swir16", "swir22"]
scales = [1.0]
"""


@pytest.fixture(scope="module")
def tiny_si_run(tmp_path_factory, data_root):
    """A few training iterations on real patches, exported as a bundle: (folder, run summary)."""
    from training.config import load_config
    from training.train import run

    if not os.path.isdir(os.path.join(data_root, "clear/bigearthnet_s2")):
        pytest.skip("clear/bigearthnet_s2 missing from the data folder")
    folder = tmp_path_factory.mktemp("si_tiny")
    config = folder / "si_tiny.toml"
    config.write_text(TINY_SI_CONFIG.format(runs=folder / "runs", bundle=folder / "bundle", scale=1))
    return folder, run(load_config(str(config)), data_root, evaluate=False, progress=False)


def test_tiny_trained_bundle_masks_a_real_landsat_raster(tmp_path, data_root, tiny_si_run):
    """The tiny bundle masks a Biome val patch written as a GeoTIFF with band descriptions:
    7 bands, then the same raster's blue, green, red, nir only."""
    from osgeo import gdal

    from cloud_mask_plugin.core.api import MaskOptions, OutputPaths, mask_file, plan_input
    from cloud_mask_plugin.core.bundle import load_bundle
    from training.data import read_biome

    _, summary = tiny_si_run
    bundle = load_bundle(summary["bundle"])
    assert bundle.sensor_independent and bundle.required_bands == list(RGBN)
    manifest = json.load(open(os.path.join(summary["bundle"], "manifest.json")))
    assert manifest["inputs"]["descriptor_input"] == "band_descriptors"

    scene = read_biome(os.path.join(data_root, "biome_l8/val"), ["red", "green", "blue", "nir08", "swir16",
                                                                "swir22", "cirrus"])[0]
    path = str(tmp_path / "biome_val.tif")
    names = ("red", "green", "blue", "nir08", "swir16", "swir22", "cirrus")
    ds = gdal.GetDriverByName("GTiff").Create(path, scene.shape[1], scene.shape[0], 7, gdal.GDT_Float32)
    ds.SetGeoTransform((500000.0, 30.0, 0.0, 4000000.0, 0.0, -30.0))
    for i, name in enumerate(names):
        ds.GetRasterBand(i + 1).WriteArray(scene.image[i])
        ds.GetRasterBand(i + 1).SetDescription(name)
    ds = None

    options = MaskOptions(model=summary["bundle"], device="cpu")
    plan = plan_input(path, options)
    assert plan.model_band_names == ["blue", "green", "red", "nir", "cirrus", "swir16", "swir22"]
    assert plan.source_bands == [3, 2, 1, 4, 7, 5, 6]
    outputs = OutputPaths(mask=str(tmp_path / "mask.tif"))
    mask_file(path, outputs, options)
    mask = gdal.Open(outputs.mask).ReadAsArray()
    assert mask.shape == scene.shape
    assert set(np.unique(mask[scene.valid])) <= {0, 1}

    rgbn = MaskOptions(model=summary["bundle"], device="cpu", bands=["red", "green", "blue", "nir", None, None, None])
    assert plan_input(path, rgbn).model_band_names == list(RGBN)
    mask_file(path, OutputPaths(mask=str(tmp_path / "mask_rgbn.tif")), rgbn)
    assert gdal.Open(str(tmp_path / "mask_rgbn.tif")).ReadAsArray().shape == scene.shape


def test_half_resolution_export_and_int8_copy_of_a_sensor_independent_bundle(tmp_path, data_root, tiny_si_run):
    """``export --config`` with ``fine.inference_scale = 2`` wraps the fine model with its
    descriptors passed through; ``quantize`` calibrates with each sample's descriptors, and
    the engine runs the int8 copy on the CPU with the same answer, near enough."""
    from cloud_mask_plugin.core.backend import resolve_device
    from cloud_mask_plugin.core.bundle import load_bundle
    from cloud_mask_plugin.core.cascade import CascadeModels, segment_array
    from training.data import read_biome
    from training.models import AtLowerResolution
    from training.__main__ import main
    from training.checkpoints import load_checkpoint

    folder, summary = tiny_si_run
    config = tmp_path / "si_tiny_half.toml"
    config.write_text(TINY_SI_CONFIG.format(runs=folder / "runs", bundle=tmp_path / "unused", scale=2))
    out = tmp_path / "half"
    main(["--data-root", data_root, "export", summary["checkpoint"], "--config", str(config), "--out", str(out)])
    bundle = load_bundle(str(out))
    manifest = json.load(open(out / "manifest.json"))
    assert (manifest["fine"]["inference_scale"], bundle.fine.multiple) == (2, 32)

    _, fine, _, _, _ = load_checkpoint(summary["checkpoint"])
    rgbn = _descriptors(RGBN)
    x = np.random.default_rng(0).uniform(0.0, 0.8, (1, 4, 64, 96)).astype(np.float32)
    with torch.no_grad():
        expected = torch.sigmoid(AtLowerResolution(fine, 2)(torch.from_numpy(x), torch.from_numpy(rgbn))).numpy()
    session = ort.InferenceSession(str(out / "fine.onnx"), providers=["CPUExecutionProvider"])
    (got,) = session.run(None, {"image": x, "band_descriptors": rgbn})
    np.testing.assert_allclose(got, expected, atol=1e-5)

    main(["--data-root", data_root, "quantize", str(out), "--config", str(config), "--windows", "6"])
    bundle = load_bundle(str(out))
    assert bundle.fine.onnx_file(on_cpu=True) == "fine_int8.onnx" and (out / "fine_int8.onnx").is_file()
    scene = read_biome(os.path.join(data_root, "biome_l8/val"), list(RGBN))[0]
    int8 = CascadeModels(bundle, resolve_device("cpu"), rgbn)
    assert int8.fine.path.endswith("fine_int8.onnx")
    float_only = dataclasses.replace(bundle, fine=dataclasses.replace(bundle.fine, cpu_file=None))
    probability = {name: segment_array(CascadeModels(b, resolve_device("cpu"), rgbn), scene.image,
                                       scene.valid).probability
                   for name, b in (("int8", bundle), ("float", float_only))}
    assert np.abs(probability["int8"] - probability["float"]).mean() < 0.05


def test_config_refuses_bands_no_source_has(tmp_path):
    """An untrained band would reach the model with a descriptor it never saw."""
    from training.config import load_config

    source = ('[[train_sources]]\nname = "b"\nkind = "biome"\npath = "biome_l8/train"\nsensor = "landsat89"\n'
              'bands = ["blue", "green", "red", "nir"]\n')
    good = tmp_path / "good.toml"
    good.write_text('name = "g"\nbands = ["blue", "green", "red", "nir"]\n[si]\n' + source)
    assert load_config(str(good)).bands == list(RGBN)
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "b"\nbands = ["blue", "green", "red", "nir", "cirrus"]\n[si]\n' + source)
    with pytest.raises(ValueError, match="cirrus"):
        load_config(str(bad))


def test_threshold_sweep_at_the_bundles_threshold_scores_what_the_engine_masks(data_root, tiny_si_run):
    """One run of the cascade per scene gives every threshold's scores; at the bundle's own
    threshold they are the scores of the engine's masks, and the rule picks among them."""
    from training.data import read_biome
    from training.evaluate import Split, cascade_runs, evaluate_cascade
    from training.threshold import choose_threshold, sweep_split_runs

    _, summary = tiny_si_run
    scenes = read_biome(os.path.join(data_root, "biome_l8/val"), list(RGBN))[:2]
    splits = {"biome_two_rgbn": Split(scenes, list(RGBN), sensor_descriptors("landsat89", RGBN))}
    threshold = json.load(open(os.path.join(summary["bundle"], "manifest.json")))["fine"]["threshold"]
    sweeps = sweep_split_runs(cascade_runs(summary["bundle"], splits), [0.2, threshold, 0.6])
    engine = evaluate_cascade(summary["bundle"], splits)["biome_two_rgbn"]
    for key in ("f1", "precision", "recall", "pixels"):
        assert sweeps["biome_two_rgbn"][threshold][key] == engine[key]
    recalls = [sweeps["biome_two_rgbn"][t]["recall"] for t in (0.2, threshold, 0.6)]
    assert recalls == sorted(recalls, reverse=True)   # a lower threshold never finds less cloud
    chosen, means = choose_threshold(sweeps, ["biome_two_rgbn"], current=threshold)
    assert chosen in (0.2, threshold, 0.6) and means[chosen] >= means[threshold]
