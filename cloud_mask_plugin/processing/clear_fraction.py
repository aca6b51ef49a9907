"""``cloudmask:clearfraction``: which scenes are clear over my areas of interest.

Masks every scene given (raster layers, or the scenes of a folder) into a masks folder the
way ``cloud-mask batch`` does, reusing the masks that an earlier run or batch left there
for the same model and options, then measures the clear, cloud, shadow and no-data share of
every area in every scene (``batch.areas``, ``core.areas``). Writes the table, a chart of
clear % over time per area (PNG, and an HTML page for the results viewer) and, when asked,
the list of scenes in which an area is clear enough, which it also loads into the project.
"""
import os
import traceback

from osgeo import ogr
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsProcessing,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterMultipleLayers,
    QgsProcessingParameterNumber,
    QgsRasterLayer,
    QgsVectorLayer,
)

from ..batch.areas import mask_scenes_here, scenes_in_folder, table_rows
from ..core.api import MaskOptions
from ..core.area_chart import write_chart, write_html
from ..core.area_table import TABLE_LAYER, pick_scenes, write_scene_list, write_table
from ..core.areas import area_from_geometry, check_areas
from ..core.backend import DEVICES
from ..core.bands import SENSORS
from ..core.errors import Cancelled, CloudMaskError
from ..i18n import engine_text, tr
from .algorithm import CloudMaskAlgorithm
from .mask_clouds import local_raster_source

AUTO = "auto"
# Masking takes nearly all the time; measuring and writing the outputs the rest.
MASKING_SHARE = 90.0


class ClearFractionAlgorithm(CloudMaskAlgorithm):
    INPUTS = "INPUTS"
    FOLDER = "FOLDER"
    AREAS = "AREAS"
    AREA_ID = "AREA_ID"
    SENSOR = "SENSOR"
    MODEL = "MODEL"
    DEVICE = "DEVICE"
    MIN_CLEAR = "MIN_CLEAR"
    LOAD_PICKED = "LOAD_PICKED"
    MASK_FOLDER = "MASK_FOLDER"
    OUTPUT_TABLE = "OUTPUT_TABLE"
    OUTPUT_CHART = "OUTPUT_CHART"
    OUTPUT_HTML = "OUTPUT_HTML"
    OUTPUT_PICKED = "OUTPUT_PICKED"
    PICKED_COUNT = "PICKED_COUNT"

    def name(self):
        return "clearfraction"

    def displayName(self):  # noqa: N802 - QGIS API
        return tr("Clear fraction per area")

    def tags(self):
        return ["cloud", "clear", "area of interest", "field", "zonal", "time series", "archive", "scene selection"]

    def shortHelpString(self):  # noqa: N802 - QGIS API
        return "\n\n".join([
            tr("For every scene and every area of interest: the share of the area that is clear, cloudy, in cloud "
               "shadow and without data, with the scene's acquisition date and sensor (from its MTL file, "
               "Sentinel-2 metadata, tags or file name; 'unknown' when none says)."),
            tr("<b>Scenes</b>: raster layers, and/or a <b>folder</b> of scenes (rasters, MTL files, band-file "
               "product folders). Each is masked into the <b>Cloud masks folder</b>; a mask already there from an "
               "earlier run or a 'cloud-mask batch' with the same model and options is reused, not recomputed."),
            tr("<b>Areas of interest</b>: polygons in any CRS, reprojected to each scene's. Pixels on an area's "
               "outline count by the share of their surface inside the area; the part of an area outside a scene "
               "counts as no data."),
            tr("<b>Pick</b>: with a minimum clear share, the scenes in which at least one area is that clear are "
               "listed (and loaded into the project)."),
        ])

    def createInstance(self):  # noqa: N802 - QGIS API
        return ClearFractionAlgorithm()

    def initAlgorithm(self, config=None):  # noqa: N802 - QGIS API
        self.addParameter(QgsProcessingParameterMultipleLayers(
            self.INPUTS, tr("Scenes"), QgsProcessing.TypeRaster, optional=True))
        self.addParameter(QgsProcessingParameterFile(
            self.FOLDER, tr("Folder of scenes"), behavior=QgsProcessingParameterFile.Folder, optional=True))
        self.addParameter(QgsProcessingParameterFeatureSource(
            self.AREAS, tr("Areas of interest"), [QgsProcessing.TypeVectorPolygon]))
        self.addParameter(QgsProcessingParameterField(
            self.AREA_ID, tr("Area id field (empty: feature id)"), parentLayerParameterName=self.AREAS, optional=True))
        self.addParameter(QgsProcessingParameterEnum(
            self.SENSOR, tr("Sensor"), options=[AUTO] + list(SENSORS), defaultValue=AUTO, usesStaticStrings=True))
        self.addParameter(QgsProcessingParameterFile(
            self.MODEL, tr("Model bundle folder (empty: the bundled model)"),
            behavior=QgsProcessingParameterFile.Folder, optional=True))
        self.addParameter(QgsProcessingParameterEnum(
            self.DEVICE, tr("Device"), options=DEVICES, defaultValue=AUTO, usesStaticStrings=True))
        self.addParameter(QgsProcessingParameterNumber(
            self.MIN_CLEAR, tr("Pick the scenes in which an area is at least this clear (%; empty: no picking)"),
            QgsProcessingParameterNumber.Double, optional=True, minValue=0.0, maxValue=100.0))
        self.addParameter(QgsProcessingParameterBoolean(
            self.LOAD_PICKED, tr("Load the picked scenes into the project"), defaultValue=True))
        self.addParameter(QgsProcessingParameterFolderDestination(
            self.MASK_FOLDER, tr("Cloud masks folder (masks already there are reused)")))
        self.addParameter(QgsProcessingParameterFileDestination(
            self.OUTPUT_TABLE, tr("Clear fraction table"), fileFilter=tr("GeoPackage (*.gpkg);;CSV files (*.csv)")))
        self.addParameter(QgsProcessingParameterFileDestination(
            self.OUTPUT_CHART, tr("Chart of clear % over time"), fileFilter=tr("PNG images (*.png)"), optional=True))
        self.addParameter(QgsProcessingParameterFileDestination(
            self.OUTPUT_HTML, tr("Chart and table (HTML)"), fileFilter=tr("HTML files (*.html)"), optional=True))
        self.addParameter(QgsProcessingParameterFileDestination(
            self.OUTPUT_PICKED, tr("List of picked scenes"), fileFilter=tr("Text files (*.txt)"), optional=True,
            createByDefault=False))
        self.addOutput(QgsProcessingOutputNumber(self.PICKED_COUNT, tr("Scenes picked")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 - QGIS API
        scenes = self._scenes(parameters, context)
        areas = self._areas(parameters, context)
        table = self.parameterAsFileOutput(parameters, self.OUTPUT_TABLE, context)
        if os.path.splitext(table)[1].lower() not in (".gpkg", ".csv"):
            raise QgsProcessingException(tr("{parameter}: '{path}' must end in .gpkg or .csv")
                                         .format(parameter=self.OUTPUT_TABLE, path=table))
        mask_folder = self.parameterAsString(parameters, self.MASK_FOLDER, context)

        def progress(fraction, message):
            feedback.setProgress(MASKING_SHARE * fraction)
            feedback.setProgressText(message)

        try:
            batch_rows = mask_scenes_here(scenes, mask_folder, self._options(parameters, context), progress,
                                          feedback.isCanceled)
            for row in batch_rows:
                if row["status"] == "failed":
                    feedback.pushWarning(tr("{scene} was not masked: {error}").format(
                        scene=row["input"], error=engine_text(row["error"], short=False)))
                elif row["status"] == "skipped":
                    feedback.pushInfo(tr("{scene}: mask reused from {mask}").format(scene=row["input"],
                                                                                    mask=row["mask"]))
            if not any(row["status"] in ("done", "skipped") for row in batch_rows):
                raise QgsProcessingException(tr("no scene could be masked; see the warnings above"))
            rows = table_rows(batch_rows, areas)
            return self._write_outputs(parameters, context, feedback, rows, table)
        except Cancelled:
            raise QgsProcessingException(tr("cancelled by the user")) from None
        except CloudMaskError as exc:
            raise QgsProcessingException(engine_text(exc, short=False)) from None
        except QgsProcessingException:
            raise
        except Exception as exc:  # a bug of ours: one line for the user, the details in the log
            feedback.pushDebugInfo(traceback.format_exc())
            raise QgsProcessingException(tr(
                "unexpected error in the Cloud Mask engine ({error}); please report it with the log of this run")
                .format(error=f"{type(exc).__name__}: {exc}")) from None

    def _write_outputs(self, parameters, context, feedback, rows, table):
        min_clear = self._optional_number(parameters, self.MIN_CLEAR, context)
        picked_path = self.parameterAsFileOutput(parameters, self.OUTPUT_PICKED, context) or None
        picked = None
        if min_clear is not None:
            picked = write_scene_list(picked_path, rows, min_clear) if picked_path else pick_scenes(rows, min_clear)
            feedback.pushInfo(tr("{count} scene(s) in which an area is at least {percent:g} % clear")
                              .format(count=len(picked), percent=min_clear))
        write_table(table, rows)
        chart = self.parameterAsFileOutput(parameters, self.OUTPUT_CHART, context) or None
        if chart:
            write_chart(chart, rows, min_clear)
        page = self.parameterAsFileOutput(parameters, self.OUTPUT_HTML, context) or None
        if page:
            write_html(page, rows, chart, picked)
        feedback.setProgress(100.0)
        self._load(context, table, picked if self.parameterAsBoolean(parameters, self.LOAD_PICKED, context) else [],
                   rows)
        return {self.OUTPUT_TABLE: table, self.OUTPUT_CHART: chart, self.OUTPUT_HTML: page,
                self.OUTPUT_PICKED: picked_path, self.MASK_FOLDER: self.parameterAsString(
                    parameters, self.MASK_FOLDER, context),
                self.PICKED_COUNT: len(picked) if picked is not None else None}

    def _load(self, context, table, picked, rows):
        """The table, and the picked scenes (their mask where the scene is no raster file
        QGIS opens, a band folder or MTL file), when the run ends in a project."""
        source = f"{table}|layername={TABLE_LAYER}" if table.lower().endswith(".gpkg") else table
        layers = [(QgsVectorLayer(source, tr("Clear fraction per area"), "ogr"), self.OUTPUT_TABLE)]
        masks = {row["scene"]: row["mask"] for row in rows}
        for scene in picked or []:
            path = scene if os.path.isfile(scene) and not scene.upper().endswith("_MTL.TXT") else masks[scene]
            name = tr("picked: {scene}").format(scene=os.path.basename(scene.rstrip("/\\")))
            layers.append((QgsRasterLayer(path, name), ""))
        for layer, output in layers:
            if not layer.isValid():
                continue
            context.temporaryLayerStore().addMapLayer(layer)
            context.addLayerToLoadOnCompletion(layer.id(), QgsProcessingContext.LayerDetails(
                layer.name(), context.project(), output))

    def _scenes(self, parameters, context):
        scenes = [local_raster_source(layer) for layer in
                  self.parameterAsLayerList(parameters, self.INPUTS, context) or []]
        folder = self.parameterAsFile(parameters, self.FOLDER, context)
        if folder:
            try:
                scenes += scenes_in_folder(folder)
            except CloudMaskError as exc:
                raise QgsProcessingException(engine_text(exc, short=False)) from None
        scenes = list(dict.fromkeys(os.path.abspath(scene) if os.path.exists(scene) else scene for scene in scenes))
        if not scenes:
            raise QgsProcessingException(tr("no scene given: choose raster layers under Scenes or a folder of "
                                            "scenes"))
        return scenes

    def _areas(self, parameters, context):
        source = self.parameterAsSource(parameters, self.AREAS, context)
        if source is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, self.AREAS))
        crs = source.sourceCrs()
        if not crs.isValid():
            raise QgsProcessingException(tr("the areas of interest have no coordinate reference system; set one "
                                            "(Layer Properties > Source) so they can be placed on the scenes"))
        crs_wkt = crs.toWkt(QgsCoordinateReferenceSystem.WKT_PREFERRED_GDAL)
        id_field = self.parameterAsString(parameters, self.AREA_ID, context)
        label = source.sourceName()
        try:
            areas = [area_from_geometry(ogr.CreateGeometryFromWkt(feature.geometry().asWkt()) if
                                        feature.hasGeometry() else None,
                                        str(feature[id_field]) if id_field else str(feature.id()), crs_wkt, label)
                     for feature in source.getFeatures()]
            return check_areas(areas, label)
        except CloudMaskError as exc:
            raise QgsProcessingException(engine_text(exc, short=False)) from None

    def _options(self, parameters, context):
        sensor = self.parameterAsEnumString(parameters, self.SENSOR, context) or AUTO
        return MaskOptions(sensor=None if sensor == AUTO else sensor,
                           model=self.parameterAsFile(parameters, self.MODEL, context) or None,
                           device=self.parameterAsEnumString(parameters, self.DEVICE, context) or AUTO)

    def _optional_number(self, parameters, name, context):
        if parameters.get(name) in (None, ""):
            return None
        return self.parameterAsDouble(parameters, name, context)
