"""Training, evaluation and export of the Cloud Mask model bundles.

Run from the repository root::

    python -m training train training/configs/default.toml
    python -m training evaluate cloud_mask_plugin/models/default
    python -m training export CHECKPOINT --out FOLDER

The package trains the two models of the coarse/fine cascade (Luotamo et al.), exports
them to ONNX with their normalisation inside the graph and writes the manifest through
``cloud_mask_plugin.core.bundle``, which reads it. A config with an ``[si]`` table trains
sensor-independent models (Francis) through the same pipeline. See ``training/README.md``
for where each module lives and what it may import.
"""
