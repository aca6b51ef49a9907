"""One run of the engine on one layer, prepared on the main thread.

Everything the worker thread needs is resolved here, while the layer can still be read
safely: the dataset name, the options built from the panel's settings and the layer's
band choice, and the output paths. The band plan is checked here too, so that a raster
whose bands cannot be matched is refused at once with the engine's message instead of
failing later in the background.
"""
import os
import re
import tempfile
from dataclasses import dataclass
from typing import Optional

from qgis.core import QgsProcessingUtils, QgsRasterLayer

from ..core.api import MaskOptions, OutputPaths, default_outputs, plan_input
from ..core.errors import BandMappingError, CloudMaskError
from ..i18n import engine_text, tr
from .layers import LayerNotMaskable, gdal_source
from .settings import OUTPUT_FOLDER, BandChoice, GuiSettings, read_band_choice


@dataclass
class MaskJob:
    layer_id: str
    layer_name: str
    input_path: str
    options: MaskOptions
    outputs: OutputPaths
    output_dir: str
    # True when output_dir was made for this run in QGIS's temporary folder (and so may be
    # removed again when the run leaves nothing in it).
    temporary: bool


def mask_options(settings: GuiSettings, choice: BandChoice) -> MaskOptions:
    return MaskOptions(
        bands=list(choice.bands) if choice.bands else None,
        sensor=choice.sensor,
        scale=choice.scale,
        offset=choice.offset,
        model=settings.model or None,
        device=settings.device,
        threshold=settings.threshold if settings.threshold > 0 else None,
        overwrite=settings.overwrite and settings.output_mode == OUTPUT_FOLDER,
    )


def output_stem(layer: QgsRasterLayer, source: str) -> str:
    """The file stem of the products: the input file's, as the other front ends use, or
    the layer name for dataset names that are not file paths."""
    if os.path.isfile(source):
        return os.path.splitext(os.path.basename(source))[0]
    stem = re.sub(r"[^\w\-.]+", "_", layer.name()).strip("._")
    return stem or "layer"


def build_job(layer, settings: GuiSettings) -> MaskJob:
    """A ready-to-run job for ``layer``; raises LayerNotMaskable with a user message."""
    source = gdal_source(layer)
    options = mask_options(settings, read_band_choice(layer))
    try:
        plan_input(source, options)
    except BandMappingError as exc:
        raise LayerNotMaskable(
            tr("Cannot mask '{layer}': {reason} Choose its bands under Bands in the Cloud Mask panel.")
            .format(layer=layer.name(), reason=engine_text(exc)), details=str(exc))
    except CloudMaskError as exc:
        raise LayerNotMaskable(tr("Cannot mask '{layer}': {reason}").format(
            layer=layer.name(), reason=engine_text(exc)), details=str(exc))

    stem = output_stem(layer, source)
    if settings.output_mode == OUTPUT_FOLDER:
        folder = settings.output_folder
        if not folder:
            raise LayerNotMaskable(tr("Choose the folder to save the results in, or save them as temporary files."))
        if not os.path.isdir(folder):
            raise LayerNotMaskable(tr("The output folder '{folder}' does not exist; choose another one.")
                                   .format(folder=folder))
        temporary = False
    else:
        # A fresh folder per run in QGIS's temporary folder (removed when QGIS exits):
        # runs on rasters with the same file name never collide.
        folder = tempfile.mkdtemp(prefix=f"cloud_mask_{stem}_", dir=QgsProcessingUtils.tempFolder())
        temporary = True
    outputs = default_outputs(os.path.join(folder, stem + ".tif"), folder,
                              probability=settings.write_probability,
                              coarse_grid=settings.write_coarse_grid,
                              polygons=settings.write_polygons,
                              report=True,
                              masked_image=settings.write_masked_image)
    return MaskJob(layer.id(), layer.name(), source, options, outputs, folder, temporary)


def remove_empty_folder(job: Optional[MaskJob]) -> None:
    """Remove the temporary folder of a run that left nothing behind (failed or cancelled)."""
    if job is None or not job.temporary:
        return
    try:
        os.rmdir(job.output_dir)
    except OSError:
        pass  # not empty or already gone: leave it to QGIS's temporary-folder cleanup
