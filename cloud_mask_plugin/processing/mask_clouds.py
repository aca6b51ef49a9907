"""``cloudmask:maskclouds``: turn Processing parameters into one ``core.api.mask_file`` call.

The algorithm is a thin wrapper: the engine reads the raster file itself (with GDAL, in
windows), so the layer only has to say which local file it comes from.
"""
import os
import traceback

from qgis.core import (
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterDestination,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorDestination,
    QgsProviderRegistry,
)

from ..core.api import MaskOptions, OutputPaths, mask_file
from ..core.backend import DEVICES
from ..core.band_files import is_band_file_set
from ..core.bands import SENSORS, parse_band_list
from ..core.errors import BandMappingError, CloudMaskError
from ..core.gdal_util import open_raster
from ..i18n import StageText, engine_text, tr
from .algorithm import CloudMaskAlgorithm
from .outputs import prepare_loading

AUTO = "auto"


class MaskCloudsAlgorithm(CloudMaskAlgorithm):
    INPUT = "INPUT"
    BANDS = "BANDS"
    SENSOR = "SENSOR"
    SCALE = "SCALE"
    OFFSET = "OFFSET"
    MODEL = "MODEL"
    DEVICE = "DEVICE"
    THRESHOLD = "THRESHOLD"
    MIN_AREA = "MIN_AREA"
    BUFFER = "BUFFER"
    ZEROS_ARE_DATA = "ZEROS_ARE_DATA"
    OUTPUT_MASK = "OUTPUT_MASK"
    OUTPUT_PROBABILITY = "OUTPUT_PROBABILITY"
    OUTPUT_COARSE_GRID = "OUTPUT_COARSE_GRID"
    OUTPUT_POLYGONS = "OUTPUT_POLYGONS"
    OUTPUT_REPORT = "OUTPUT_REPORT"
    OUTPUT_MASKED = "OUTPUT_MASKED"
    CLOUD_COVER = "CLOUD_COVER"

    def name(self):
        return "maskclouds"

    def displayName(self):  # noqa: N802 - QGIS API
        return tr("Mask clouds")

    def tags(self):
        return ["cloud", "mask", "cloud cover", "sentinel", "landsat", "cnn", "onnx", "raster"]

    def shortHelpString(self):  # noqa: N802 - QGIS API
        return "\n\n".join([
            tr("Masks the clouds of a multispectral raster file with the model bundle's coarse/fine CNN cascade: "
               "a coarse model sorts the scene into cloudless, overcast and partly cloudy cells, and only partly "
               "cloudy cells go to the fine model at full resolution."),
            tr("<b>Input</b> must be a raster file on disk (GeoTIFF, VRT, JP2...); from scripts and qgis_process "
               "it may also be a folder of band files (a Landsat or Sentinel-2 product, B02.tif-style chips) or a "
               "Landsat MTL file. Band files stacked with Build Virtual Raster ('Place each input file into a "
               "separate band') are named from their file names. Bands are matched to the model's inputs from the "
               "band descriptions, or from <b>Sensor</b>, or from <b>Bands</b>: a comma list with one name per "
               "raster band, e.g. 'blue,green,red,nir' ('-' skips a band). <b>Scale</b> and <b>Offset</b> turn DN "
               "into reflectance (reflectance = DN x scale + offset) when the file does not say."),
            tr("<b>Cloud mask</b>: 0 clear, 1 cloud, 255 no data. <b>Cloud probability</b>: percent 0-100. "
               "<b>Coarse grid</b>: the coarse class of every cell. <b>Cloud polygons</b>: a GeoPackage, after "
               "<b>Buffer</b> and <b>Minimum polygon area</b> (map units). <b>Masked image</b>: the input with "
               "cloud pixels (and the buffer around them) set to no data, for mosaics and classifications. "
               "<b>Report</b>: a JSON file with cloud cover, cell counts, timings and the model."),
            tr("The model needs the Python package onnxruntime; the Cloud Mask panel offers to install it."),
        ])

    def createInstance(self):  # noqa: N802 - QGIS API
        return MaskCloudsAlgorithm()

    def initAlgorithm(self, config=None):  # noqa: N802 - QGIS API
        self.addParameter(QgsProcessingParameterRasterLayer(self.INPUT, tr("Input raster")))
        self.addParameter(QgsProcessingParameterString(
            self.BANDS, tr("Bands (one name per raster band, e.g. blue,green,red,nir)"), optional=True))
        self.addParameter(QgsProcessingParameterEnum(
            # The values are the command line's (qgis_process SENSOR=auto); the description
            # says what they mean in the user's language.
            self.SENSOR, tr("Sensor (auto: detected from the file)"), options=[AUTO] + list(SENSORS),
            defaultValue=AUTO, usesStaticStrings=True))
        self.addParameter(QgsProcessingParameterNumber(
            self.SCALE, tr("Scale (reflectance = DN x scale + offset)"), QgsProcessingParameterNumber.Double,
            optional=True))
        self.addParameter(QgsProcessingParameterNumber(
            self.OFFSET, tr("Offset"), QgsProcessingParameterNumber.Double, optional=True))
        self.addParameter(QgsProcessingParameterFile(
            self.MODEL, tr("Model bundle folder (empty: the bundled model)"),
            behavior=QgsProcessingParameterFile.Folder, optional=True))
        self.addParameter(QgsProcessingParameterEnum(
            self.DEVICE, tr("Device (auto: the GPU when one can be used, else the CPU)"), options=DEVICES,
            defaultValue=AUTO, usesStaticStrings=True))
        self.addParameter(QgsProcessingParameterNumber(
            self.THRESHOLD, tr("Cloud probability threshold (empty: the model's)"),
            QgsProcessingParameterNumber.Double, optional=True, minValue=0.0, maxValue=1.0))

        for advanced in (
            QgsProcessingParameterNumber(
                self.MIN_AREA, tr("Minimum polygon area (map units squared)"), QgsProcessingParameterNumber.Double,
                defaultValue=0.0, minValue=0.0),
            QgsProcessingParameterNumber(
                self.BUFFER, tr("Polygon buffer (map units)"), QgsProcessingParameterNumber.Double,
                defaultValue=0.0, minValue=0.0),
            QgsProcessingParameterBoolean(
                self.ZEROS_ARE_DATA, tr("Pixels that are 0 in every band are data (for rasters without a no-data "
                                        "value; by default they are no data)"), defaultValue=False),
        ):
            advanced.setFlags(advanced.flags() | QgsProcessingParameterDefinition.FlagAdvanced)
            self.addParameter(advanced)

        self.addParameter(QgsProcessingParameterRasterDestination(self.OUTPUT_MASK, tr("Cloud mask")))
        self.addParameter(QgsProcessingParameterRasterDestination(
            self.OUTPUT_PROBABILITY, tr("Cloud probability"), optional=True, createByDefault=False))
        self.addParameter(QgsProcessingParameterRasterDestination(
            self.OUTPUT_COARSE_GRID, tr("Coarse grid"), optional=True, createByDefault=False))
        self.addParameter(QgsProcessingParameterVectorDestination(
            self.OUTPUT_POLYGONS, tr("Cloud polygons"), type=QgsProcessing.TypeVectorPolygon,
            optional=True, createByDefault=False))
        self.addParameter(QgsProcessingParameterFileDestination(
            self.OUTPUT_REPORT, tr("Report"), fileFilter=tr("JSON files (*.json)"), optional=True,
            createByDefault=False))
        self.addParameter(QgsProcessingParameterRasterDestination(
            self.OUTPUT_MASKED, tr("Masked image (clouds set to no data)"), optional=True, createByDefault=False))
        self.addOutput(QgsProcessingOutputNumber(self.CLOUD_COVER, tr("Cloud cover (%)")))

    def checkParameterValues(self, parameters, context):  # noqa: N802 - QGIS API
        input_value = parameters.get(self.INPUT)
        if _band_file_set(input_value):
            # A folder of band files or an MTL file is no layer QGIS can load, so the base
            # class would refuse it; the engine stacks it. Check the other parameters as the
            # base class does.
            for definition in self.parameterDefinitions():
                name = definition.name()
                if name != self.INPUT and not definition.checkValueIsAcceptable(parameters.get(name), context):
                    return False, tr("Incorrect parameter value for {parameter}").format(
                        parameter=definition.description())
            return True, ""
        ok, message = super().checkParameterValues(parameters, context)
        if not ok and isinstance(input_value, str) and os.path.exists(input_value):
            # QGIS answers "not found" for any file it cannot load as a layer; for a file
            # that exists, GDAL's reason (truncated, not a raster, a folder) is the useful one.
            try:
                open_raster(input_value)
            except CloudMaskError as exc:
                return False, engine_text(exc, short=False)
        return ok, message

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 - QGIS API
        input_path = parameters.get(self.INPUT)
        if not _band_file_set(input_path):
            layer = self.parameterAsRasterLayer(parameters, self.INPUT, context)
            if layer is None:
                raise QgsProcessingException(self.invalidRasterError(parameters, self.INPUT))
            input_path = local_raster_source(layer)
        options = self._options(parameters, context)
        outputs = self._outputs(parameters, context)

        # The engine repeats its stage messages with every step; log each stage once, in order.
        stages = StageText()

        def progress(fraction, message):
            feedback.setProgress(100.0 * fraction)
            stage = stages.advance(message)
            if stage:
                # The algorithm dialog and qgis_process both log the progress text: a
                # pushInfo of it as well printed every stage twice.
                feedback.setProgressText(stage)

        try:
            result = mask_file(input_path, outputs, options, progress=progress, is_cancelled=feedback.isCanceled)
        except BandMappingError as exc:
            text = engine_text(exc, short=False)
            if text != str(exc):   # translated: the engine's advice (in English) is left out
                text += " " + tr("Name the raster's bands in Bands (e.g. blue,green,red,nir) or choose a Sensor.")
            raise QgsProcessingException(text) from None
        except CloudMaskError as exc:
            raise QgsProcessingException(engine_text(exc, short=False)) from None
        except Exception as exc:  # a bug of ours: one line for the user, the details in the log
            feedback.pushDebugInfo(traceback.format_exc())
            raise QgsProcessingException(tr(
                "unexpected error in the Cloud Mask engine ({error}); please report it with the log of this run")
                .format(error=f"{type(exc).__name__}: {exc}")) from None

        for warning in result.report.get("warnings", []):
            feedback.pushWarning(engine_text(warning, short=False))
        feedback.pushInfo(tr("Cloud cover: {percent:.2f}%").format(percent=result.cloud_cover_percent))
        input_name = self._input_name(parameters, context, input_path)
        input_layer = None if _band_file_set(parameters.get(self.INPUT)) else \
            self.parameterAsRasterLayer(parameters, self.INPUT, context)
        for kind, path in (("mask", outputs.mask), ("probability", outputs.probability),
                           ("coarse_grid", outputs.coarse_grid), ("polygons", outputs.polygons),
                           ("masked_image", outputs.masked_image)):
            prepare_loading(context, path, kind, input_name, input_layer.id() if input_layer else None)
        return {
            self.OUTPUT_MASK: outputs.mask,
            self.OUTPUT_PROBABILITY: outputs.probability,
            self.OUTPUT_COARSE_GRID: outputs.coarse_grid,
            self.OUTPUT_POLYGONS: outputs.polygons,
            self.OUTPUT_REPORT: outputs.report,
            self.OUTPUT_MASKED: outputs.masked_image,
            self.CLOUD_COVER: result.cloud_cover_percent,
        }

    def _input_name(self, parameters, context, input_path):
        """What the outputs are named after: the layer's name, else the file's or folder's."""
        if not _band_file_set(parameters.get(self.INPUT)):
            layer = self.parameterAsRasterLayer(parameters, self.INPUT, context)
            if layer is not None and layer.name():
                return layer.name()
        return os.path.splitext(os.path.basename(input_path.rstrip("/\\")))[0] or input_path

    def _options(self, parameters, context):
        bands_text = self.parameterAsString(parameters, self.BANDS, context).strip()
        try:
            bands = parse_band_list(bands_text) if bands_text else None
        except ValueError as exc:
            raise QgsProcessingException(f"{self.BANDS}: {exc}") from None
        sensor = self.parameterAsEnumString(parameters, self.SENSOR, context) or AUTO
        model = self.parameterAsFile(parameters, self.MODEL, context)
        return MaskOptions(
            bands=bands,
            sensor=None if sensor == AUTO else sensor,
            scale=self._optional_number(parameters, self.SCALE, context),
            offset=self._optional_number(parameters, self.OFFSET, context),
            model=model or None,
            device=self.parameterAsEnumString(parameters, self.DEVICE, context) or AUTO,
            threshold=self._optional_number(parameters, self.THRESHOLD, context),
            # Processing replaces existing destinations by convention; its file widgets ask first.
            overwrite=True,
            min_polygon_area=self.parameterAsDouble(parameters, self.MIN_AREA, context),
            polygon_buffer=self.parameterAsDouble(parameters, self.BUFFER, context),
            zero_is_nodata=not self.parameterAsBoolean(parameters, self.ZEROS_ARE_DATA, context),
        )

    def _optional_number(self, parameters, name, context):
        # parameterAsDouble turns "not set" into 0.0, which is a real value for these.
        if parameters.get(name) in (None, ""):
            return None
        return self.parameterAsDouble(parameters, name, context)

    def _outputs(self, parameters, context):
        def destination(name, extensions):
            path = self.parameterAsOutputLayer(parameters, name, context) or None
            if path and not path.lower().endswith(extensions):
                raise QgsProcessingException(
                    tr("{parameter}: '{path}' must end in {extensions}; the engine writes only that format")
                    .format(parameter=name, path=path, extensions=", ".join(extensions)))
            return path

        raster = (".tif", ".tiff")
        report = self.parameterAsFileOutput(parameters, self.OUTPUT_REPORT, context) or None
        return OutputPaths(
            mask=destination(self.OUTPUT_MASK, raster),
            probability=destination(self.OUTPUT_PROBABILITY, raster),
            coarse_grid=destination(self.OUTPUT_COARSE_GRID, raster),
            polygons=destination(self.OUTPUT_POLYGONS, (".gpkg",)),
            report=report,
            masked_image=destination(self.OUTPUT_MASKED, raster),
        )


def _band_file_set(value) -> bool:
    return isinstance(value, str) and is_band_file_set(value)


def local_raster_source(layer):
    """The GDAL-readable local file behind ``layer``; a QgsProcessingException saying what to
    do for web, database and in-memory layers, which the engine cannot read in windows."""
    provider = layer.providerType()
    parts = QgsProviderRegistry.instance().decodeUri(provider, layer.source()) if provider == "gdal" else {}
    path = parts.get("path") or ""
    if provider != "gdal" or not os.path.isfile(path):
        raise QgsProcessingException(
            tr("layer '{layer}' is not a raster file on disk (provider '{provider}'); export it to GeoTIFF first "
               "(right-click the layer > Export > Save As...) and mask that file")
            .format(layer=layer.name(), provider=provider))
    # A table inside a container (a GeoPackage raster, a NetCDF variable) is opened by its
    # GDAL connection string, which is the layer source itself.
    return layer.source() if parts.get("layerName") else path
