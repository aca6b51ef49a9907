"""Processing provider "Cloud Mask": the engine's entry for the toolbox, the modeler,
batch mode and ``qgis_process``."""
