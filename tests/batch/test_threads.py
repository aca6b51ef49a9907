"""Scenes side by side share the cores: a local cluster splits them between its workers and
each scene's models use no more threads than its share (``MaskOptions.threads``)."""
import numpy as np

from tests.helpers.real_data import RGBN, write_raster


def test_local_cluster_splits_the_cores_between_its_workers():
    from cloud_mask_plugin.batch.cluster import local_split

    assert local_split(2) == (2, 1)
    assert local_split(2, workers=1) == (1, 2)
    assert local_split(16, workers=3) == (3, 5)
    assert local_split(4, workers=8) == (8, 1)


def test_a_run_with_one_thread_opens_one_thread_sessions(toy_bundle, tmp_path, monkeypatch):
    from cloud_mask_plugin.core import pipeline
    from cloud_mask_plugin.core.api import MaskOptions, default_outputs, mask_file

    opened = []

    class Recording(pipeline.CascadeModels):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            opened.append(self)

    monkeypatch.setattr(pipeline, "CascadeModels", Recording)
    scene = np.random.default_rng(0).uniform(0.0, 0.6, (4, 96, 96)).astype(np.float32)
    raster = write_raster(tmp_path / "scene.tif", scene, names=RGBN)
    for threads in (1, 2):
        mask_file(raster, default_outputs(raster, str(tmp_path / f"out{threads}")),
                  MaskOptions(model=toy_bundle, device="cpu", threads=threads))
    one, two = opened
    assert one.fine_workers == 1
    for session in (one.coarse.session, one.fine.session):
        assert session.get_session_options().intra_op_num_threads == 1
    # Two threads: two fine windows in flight (one thread each), as on a 2-core machine.
    assert (two.fine_workers, two.coarse.session.get_session_options().intra_op_num_threads) == (2, 2)
