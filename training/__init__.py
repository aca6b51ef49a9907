"""Training, evaluation and export of the Cloud Mask model bundles.

Run from the repository root::

    python -m training train training/configs/default.toml
    python -m training evaluate cloud_mask_plugin/models/default
    python -m training export CHECKPOINT --out FOLDER

The package trains the two models of the coarse/fine cascade (Luotamo et al.), exports
them to ONNX with their normalisation inside the graph and writes the manifest that
``cloud_mask_plugin.core.bundle.load_bundle`` reads. See ``training/README.md``.
"""
