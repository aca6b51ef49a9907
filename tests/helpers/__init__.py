"""What several test folders share: a hand-built toy bundle (``toy_bundle``), the real data
beside the repository and raster builders (``real_data``), checks of the rasters a front end
wrote (``frontend``), Qt waiting helpers (``gui``) and one run through each front end
(``reliability``). Imported as ``tests.helpers.<module>``."""
