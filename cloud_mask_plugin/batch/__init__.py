"""Mask whole archives: ``cloud-mask batch`` (``python -m cloud_mask_plugin batch``).

Scenes run as tasks on Dask distributed: a local cluster of worker processes by default,
or an existing cluster given by its scheduler's address. Each task calls the engine's
``mask_file`` as every other front end does; the engine writes each product under a
temporary name and moves it into place only when the whole scene is done.

- ``scenes``: which scenes a batch holds, where their products go, which are already done;
- ``task``: what a worker runs for one scene (and its record, which makes a batch resumable);
- ``cluster``: the Dask client and how many CPU threads each scene gets;
- ``summary``: ``batch_summary.csv`` and the GeoPackage of scene footprints;
- ``areas``: the clear fraction per area of interest (``--aoi``), measured on the workers, and
  the same masking one scene after another for the Processing algorithm "Clear fraction per area";
- ``command``: the command line run, with its progress bar.

Only ``cluster`` and ``command`` import Dask and tqdm, and only when a batch runs, so the
plugin inside QGIS and the other commands never need them.
"""
