<?xml version='1.0' encoding='utf-8'?>
<!DOCTYPE TS>
<TS version="2.1" language="es">
  <context>
    <name>CloudMask</name>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source> (+{bands} when the raster has them)</source>
      <translation> (+{bands} cuando el ráster las tiene)</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source> (+{count} optional)</source>
      <translation> (+{count} opcionales)</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/layers.py" />
      <source>'{layer}' comes from the '{provider}' data provider (a web service or database), which Cloud Mask cannot read directly; {hint}</source>
      <translation>'{layer}' procede del proveedor de datos '{provider}' (un servicio web o una base de datos), que Cloud Mask no puede leer directamente; {hint}</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/layers.py" />
      <source>'{layer}' is a web service read through GDAL, which Cloud Mask does not download; {hint}</source>
      <translation>'{layer}' es un servicio web leído a través de GDAL, que Cloud Mask no descarga; {hint}</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/layers.py" />
      <source>'{layer}' is not a raster layer; Cloud Mask works on satellite images (raster layers).</source>
      <translation>'{layer}' no es una capa ráster; Cloud Mask trabaja con imágenes de satélite (capas ráster).</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/layers.py" />
      <source>'{layer}' is opened with GDAL open options ({options}), which Cloud Mask cannot pass on; {hint}</source>
      <translation>'{layer}' se abre con opciones de apertura de GDAL ({options}), que Cloud Mask no puede transmitir; {hint}</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/runner.py" />
      <source>'{layer}': {percent:.1f} % cloud cover (model {model} {version}, threshold {threshold}).</source>
      <translation>'{layer}': {percent:.1f} % de nubosidad (modelo {model} {version}, umbral {threshold}).</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/i18n.py" />
      <source>'{raster}' has integer bands and no scale: reflectance × 10000 was assumed; set the scaling if that is wrong.</source>
      <translation>'{raster}' tiene bandas enteras y ninguna escala: se asumió reflectancia × 10000; defina la escala si no es correcto.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/i18n.py" />
      <source>'{raster}' has {band_count} band(s); the model needs at least {needed_count}: {needed}. Stack the band files into one raster (Raster &gt; Miscellaneous &gt; Build Virtual Raster, each file in a separate band), or give the folder of band files to the command line or Processing.</source>
      <translation>'{raster}' tiene {band_count} banda(s); el modelo necesita al menos {needed_count}: {needed}. Apile los archivos de banda en un ráster (Ráster &gt; Miscelánea &gt; Construir ráster virtual, cada archivo en una banda separada) o pase la carpeta de los archivos de banda a la línea de comandos o a Procesamiento.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/i18n.py" />
      <source>'{raster}' has {band_count} band(s); the model needs {needed} and does not find {missing}.</source>
      <translation>'{raster}' tiene {band_count} banda(s); el modelo necesita {needed} y no encuentra {missing}.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/i18n.py" />
      <source>'{raster}' has {band_count} bands without band ids; the {sensor} preset has {preset_count}.</source>
      <translation>'{raster}' tiene {band_count} bandas sin identificadores; el preajuste {sensor} tiene {preset_count}.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/i18n.py" />
      <source>'{raster}': Level-1 band files without their MTL file, so the sun elevation is unknown; put the *_MTL.txt file beside the bands or set the scaling.</source>
      <translation>'{raster}': archivos de banda de Nivel 1 sin su archivo MTL, por lo que la elevación solar es desconocida; ponga el archivo *_MTL.txt junto a las bandas o defina la escala.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/clear_fraction.py" />
      <source>&lt;b&gt;Areas of interest&lt;/b&gt;: polygons in any CRS, reprojected to each scene's. Pixels on an area's outline count by the share of their surface inside the area; the part of an area outside a scene counts as no data.</source>
      <translation>&lt;b&gt;Áreas de interés&lt;/b&gt;: polígonos en cualquier SRC, reproyectados al de cada escena. Los píxeles en el contorno de un área cuentan por la parte de su superficie dentro del área; la parte de un área fuera de una escena cuenta como sin datos.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/mask_clouds.py" />
      <source>&lt;b&gt;Cloud mask&lt;/b&gt;: 0 clear, 1 cloud, 255 no data. &lt;b&gt;Cloud probability&lt;/b&gt;: percent 0-100. &lt;b&gt;Coarse grid&lt;/b&gt;: the coarse class of every cell. &lt;b&gt;Cloud polygons&lt;/b&gt;: a GeoPackage, after &lt;b&gt;Buffer&lt;/b&gt; and &lt;b&gt;Minimum polygon area&lt;/b&gt; (map units). &lt;b&gt;Masked image&lt;/b&gt;: the input with cloud pixels (and the buffer around them) set to no data, for mosaics and classifications. &lt;b&gt;Report&lt;/b&gt;: a JSON file with cloud cover, cell counts, timings and the model.</source>
      <translation>&lt;b&gt;Máscara de nubes&lt;/b&gt;: 0 despejado, 1 nube, 255 sin datos. &lt;b&gt;Probabilidad de nube&lt;/b&gt;: porcentaje 0-100. &lt;b&gt;Rejilla gruesa&lt;/b&gt;: la clase gruesa de cada celda. &lt;b&gt;Polígonos de nubes&lt;/b&gt;: un GeoPackage, tras el &lt;b&gt;Búfer&lt;/b&gt; y el &lt;b&gt;Área mínima de polígono&lt;/b&gt; (unidades del mapa). &lt;b&gt;Imagen enmascarada&lt;/b&gt;: la entrada con los píxeles de nube (y el búfer a su alrededor) como sin datos, para mosaicos y clasificaciones. &lt;b&gt;Informe&lt;/b&gt;: un archivo JSON con la cobertura de nubes, recuentos de celdas, tiempos y el modelo.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/mask_clouds.py" />
      <source>&lt;b&gt;Input&lt;/b&gt; must be a raster file on disk (GeoTIFF, VRT, JP2...); from scripts and qgis_process it may also be a folder of band files (a Landsat or Sentinel-2 product, B02.tif-style chips) or a Landsat MTL file. Band files stacked with Build Virtual Raster ('Place each input file into a separate band') are named from their file names. Bands are matched to the model's inputs from the band descriptions, or from &lt;b&gt;Sensor&lt;/b&gt;, or from &lt;b&gt;Bands&lt;/b&gt;: a comma list with one name per raster band, e.g. 'blue,green,red,nir' ('-' skips a band). &lt;b&gt;Scale&lt;/b&gt; and &lt;b&gt;Offset&lt;/b&gt; turn DN into reflectance (reflectance = DN x scale + offset) when the file does not say.</source>
      <translation>&lt;b&gt;Entrada&lt;/b&gt; debe ser un archivo ráster en disco (GeoTIFF, VRT, JP2...); desde scripts y qgis_process también puede ser una carpeta de archivos de banda (un producto Landsat o Sentinel-2, recortes al estilo B02.tif) o un archivo MTL de Landsat. Los archivos de banda apilados con Construir ráster virtual ('Colocar cada archivo de entrada en una banda separada') se nombran por sus nombres de archivo. Las bandas se asignan a las entradas del modelo por las descripciones de banda, por el &lt;b&gt;Sensor&lt;/b&gt; o por &lt;b&gt;Bandas&lt;/b&gt;: una lista separada por comas con un nombre por banda del ráster, p. ej. 'blue,green,red,nir' ('-' omite una banda). &lt;b&gt;Escala&lt;/b&gt; y &lt;b&gt;Desplazamiento&lt;/b&gt; convierten ND en reflectancia (reflectancia = ND x escala + desplazamiento) cuando el archivo no lo indica.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/clear_fraction.py" />
      <source>&lt;b&gt;Pick&lt;/b&gt;: with a minimum clear share, the scenes in which at least one area is that clear are listed (and loaded into the project).</source>
      <translation>&lt;b&gt;Elegir&lt;/b&gt;: con una proporción mínima despejada, las escenas en las que al menos un área está así de despejada se listan (y se cargan en el proyecto).</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/clear_fraction.py" />
      <source>&lt;b&gt;Scenes&lt;/b&gt;: raster layers, and/or a &lt;b&gt;folder&lt;/b&gt; of scenes (rasters, MTL files, band-file product folders). Each is masked into the &lt;b&gt;Cloud masks folder&lt;/b&gt;; a mask already there from an earlier run or a 'cloud-mask batch' with the same model and options is reused, not recomputed.</source>
      <translation>&lt;b&gt;Escenas&lt;/b&gt;: capas ráster y/o una &lt;b&gt;carpeta&lt;/b&gt; de escenas (rásteres, archivos MTL, carpetas de productos con un archivo por banda). Cada una se enmascara en la &lt;b&gt;Carpeta de máscaras de nubes&lt;/b&gt;; una máscara que ya esté allí, de una ejecución anterior o de un 'cloud-mask batch' con el mismo modelo y las mismas opciones, se reutiliza, no se recalcula.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>A copy of the image with cloud pixels (and the polygon buffer) set to no data: all bands, same type and grid, for mosaics and classifications.</source>
      <translation>Una copia de la imagen con los píxeles de nube (y el búfer de los polígonos) como sin datos: todas las bandas, mismo tipo y rejilla, para mosaicos y clasificaciones.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>A folder</source>
      <translation>Una carpeta</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Add a model bundle folder (manifest.json, coarse.onnx, fine.onnx).</source>
      <translation>Añadir la carpeta de un paquete de modelo (manifest.json, coarse.onnx, fine.onnx).</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Add…</source>
      <translation>Añadir…</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Always written: 0 clear, 1 cloud, 255 no data.</source>
      <translation>Se escribe siempre: 0 despejado, 1 nube, 255 sin datos.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/installer.py" />
      <source>An NVIDIA GPU was found: {package} runs on it (and on the CPU).</source>
      <translation>Se encontró una GPU NVIDIA: {package} se ejecuta en ella (y en la CPU).</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/clear_fraction.py" />
      <source>Area id field (empty: feature id)</source>
      <translation>Campo de identificador del área (vacío: id de la entidad)</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/clear_fraction.py" />
      <source>Areas of interest</source>
      <translation>Áreas de interés</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/devices.py" />
      <source>Automatic</source>
      <translation>Automático</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>Band</source>
      <translation>Banda</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Bands</source>
      <translation>Bandas</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/mask_clouds.py" />
      <source>Bands (one name per raster band, e.g. blue,green,red,nir)</source>
      <translation>Bandas (un nombre por banda del ráster, p. ej. blue,green,red,nir)</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/devices.py" />
      <source>CPU</source>
      <translation>CPU</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/runs.py" />
      <source>Cancel</source>
      <translation>Cancelar</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/runner.py" />
      <source>Cancelled '{layer}' before it started.</source>
      <translation>'{layer}' cancelada antes de empezar.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/runner.py" />
      <source>Cancelled '{layer}'; no files were written.</source>
      <translation>'{layer}' cancelada; no se escribió ningún archivo.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/jobs.py" />
      <source>Cannot mask '{layer}': {reason}</source>
      <translation>No se puede enmascarar '{layer}': {reason}</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/jobs.py" />
      <source>Cannot mask '{layer}': {reason} Choose its bands under Bands in the Cloud Mask panel.</source>
      <translation>No se puede enmascarar '{layer}': {reason} Elija sus bandas en Bandas, en el panel Cloud Mask.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/clear_fraction.py" />
      <source>Chart and table (HTML)</source>
      <translation>Gráfico y tabla (HTML)</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/clear_fraction.py" />
      <source>Chart of clear % over time</source>
      <translation>Gráfico de % despejado a lo largo del tiempo</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Choose a model bundle folder</source>
      <translation>Elija la carpeta de un paquete de modelo</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/jobs.py" />
      <source>Choose the folder to save the results in, or save them as temporary files.</source>
      <translation>Elija la carpeta donde guardar los resultados, o guárdelos como archivos temporales.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>Choose the raster band of each model input above, or the sensor.</source>
      <translation>Elija arriba la banda del ráster de cada entrada del modelo, o el sensor.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/runs.py" />
      <source>Clear finished</source>
      <translation>Limpiar terminadas</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/clear_fraction.py" />
      <source>Clear fraction per area</source>
      <translation>Fracción despejada por área</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/clear_fraction.py" />
      <source>Clear fraction table</source>
      <translation>Tabla de la fracción despejada</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/__init__.py" />
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <location filename="../cloud_mask_plugin/gui/messages.py" />
      <source>Cloud Mask</source>
      <translation>Cloud Mask</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/__init__.py" />
      <source>Cloud Mask panel</source>
      <translation>Panel Cloud Mask</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/mask_clouds.py" />
      <source>Cloud cover (%)</source>
      <translation>Cobertura de nubes (%)</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/mask_clouds.py" />
      <source>Cloud cover: {percent:.2f}%</source>
      <translation>Cobertura de nubes: {percent:.2f}%</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <location filename="../cloud_mask_plugin/processing/mask_clouds.py" />
      <location filename="../cloud_mask_plugin/styles.py" />
      <source>Cloud mask</source>
      <translation>Máscara de nubes</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/results.py" />
      <source>Cloud mask of '{layer}' made by the Cloud Mask plugin {plugin} with model {model} version {version} (threshold {threshold}, {device}). Cloud cover: {percent:.2f} % of the valid pixels.</source>
      <translation>Máscara de nubes de '{layer}' hecha por el complemento Cloud Mask {plugin} con el modelo {model} versión {version} (umbral {threshold}, {device}). Nubosidad: {percent:.2f} % de los píxeles válidos.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/algorithm.py" />
      <source>Cloud masking</source>
      <translation>Enmascarado de nubes</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/clear_fraction.py" />
      <source>Cloud masks folder (masks already there are reused)</source>
      <translation>Carpeta de máscaras de nubes (las máscaras que ya están allí se reutilizan)</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <location filename="../cloud_mask_plugin/processing/mask_clouds.py" />
      <location filename="../cloud_mask_plugin/styles.py" />
      <source>Cloud polygons</source>
      <translation>Polígonos de nubes</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <location filename="../cloud_mask_plugin/processing/mask_clouds.py" />
      <source>Cloud probability</source>
      <translation>Probabilidad de nube</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/styles.py" />
      <source>Cloud probability (%)</source>
      <translation>Probabilidad de nube (%)</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Cloud probability from which a pixel counts as cloud. Lower finds more thin cloud, higher fewer false clouds.</source>
      <translation>Probabilidad de nube a partir de la cual un píxel cuenta como nube. Más baja encuentra más nubes finas; más alta, menos nubes falsas.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/mask_clouds.py" />
      <source>Cloud probability threshold (empty: the model's)</source>
      <translation>Umbral de probabilidad de nube (vacío: el del modelo)</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <location filename="../cloud_mask_plugin/processing/mask_clouds.py" />
      <location filename="../cloud_mask_plugin/styles.py" />
      <source>Coarse grid</source>
      <translation>Cuadrícula gruesa</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Default model (not installed)</source>
      <translation>Modelo predeterminado (no instalado)</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/messages.py" />
      <source>Details</source>
      <translation>Detalles</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>Detect again</source>
      <translation>Volver a detectar</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>Detect automatically</source>
      <translation>Detectar automáticamente</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <location filename="../cloud_mask_plugin/processing/clear_fraction.py" />
      <source>Device</source>
      <translation>Dispositivo</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/mask_clouds.py" />
      <source>Device (auto: the GPU when one can be used, else the CPU)</source>
      <translation>Dispositivo (auto: la GPU cuando haya una utilizable, si no la CPU)</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/installer.py" />
      <source>Download and install {package} ({size}) from the Python Package Index into {folder}?</source>
      <translation>¿Descargar e instalar {package} ({size}) del Python Package Index en {folder}?</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/installer.py" />
      <source>Downloads {package} from the Python Package Index into the QGIS profile (QGIS's own Python is not changed).</source>
      <translation>Descarga {package} del Python Package Index en el perfil de QGIS (el Python propio de QGIS no se modifica).</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>Edit bands…</source>
      <translation>Editar bandas…</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Folder for the cloud mask results</source>
      <translation>Carpeta para los resultados de la máscara de nubes</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/clear_fraction.py" />
      <source>Folder of scenes</source>
      <translation>Carpeta de escenas</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/clear_fraction.py" />
      <source>For every scene and every area of interest: the share of the area that is clear, cloudy, in cloud shadow and without data, with the scene's acquisition date and sensor (from its MTL file, Sentinel-2 metadata, tags or file name; 'unknown' when none says).</source>
      <translation>Para cada escena y cada área de interés: la proporción del área despejada, nublada, en sombra de nube y sin datos, con la fecha de adquisición y el sensor de la escena (del archivo MTL, de los metadatos de Sentinel-2, de las etiquetas o del nombre del archivo; 'unknown' cuando ninguno lo indica).</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>Forget the choices made here for this layer and use what is detected.</source>
      <translation>Olvidar lo elegido aquí para esta capa y usar lo que se detecte.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/devices.py" />
      <source>GPU (CUDA)</source>
      <translation>GPU (CUDA)</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/clear_fraction.py" />
      <source>GeoPackage (*.gpkg);;CSV files (*.csv)</source>
      <translation>GeoPackage (*.gpkg);;Archivos CSV (*.csv)</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Go back to the model's own threshold.</source>
      <translation>Volver al umbral propio del modelo.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/clear_fraction.py" />
      <source>HTML files (*.html)</source>
      <translation>Archivos HTML (*.html)</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/mask_clouds.py" />
      <source>Incorrect parameter value for {parameter}</source>
      <translation>Valor incorrecto para el parámetro {parameter}</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>Input</source>
      <translation>Entrada</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/mask_clouds.py" />
      <source>Input raster</source>
      <translation>Ráster de entrada</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/runner.py" />
      <source>Input: {input}
Model: {model}
Device: {device}</source>
      <translation>Entrada: {input}
Modelo: {model}
Dispositivo: {device}</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/results.py" />
      <source>Input: {path}</source>
      <translation>Entrada: {path}</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Inputs: {bands}</source>
      <translation>Entradas: {bands}</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/installer.py" />
      <source>Install {package}</source>
      <translation>Instalar {package}</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/installer.py" />
      <source>Installing {package}</source>
      <translation>Instalando {package}</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/installer.py" />
      <source>Installing {package} failed; the log panel (Cloud Mask tab) says why. The README gives a command for each platform.</source>
      <translation>La instalación de {package} falló; el panel de registro (pestaña Cloud Mask) dice por qué. El README da un comando para cada plataforma.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/installer.py" />
      <source>Installing {package} into {folder}</source>
      <translation>Instalando {package} en {folder}</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/installer.py" />
      <source>Installing {package}…</source>
      <translation>Instalando {package}…</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/mask_clouds.py" />
      <source>JSON files (*.json)</source>
      <translation>Archivos JSON (*.json)</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>License: {license}</source>
      <translation>Licencia: {license}</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/clear_fraction.py" />
      <source>List of picked scenes</source>
      <translation>Lista de las escenas elegidas</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/clear_fraction.py" />
      <source>Load the picked scenes into the project</source>
      <translation>Cargar las escenas elegidas en el proyecto</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>MTL file</source>
      <translation>archivo MTL</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/__init__.py" />
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <location filename="../cloud_mask_plugin/gui/runs.py" />
      <location filename="../cloud_mask_plugin/i18n.py" />
      <location filename="../cloud_mask_plugin/processing/mask_clouds.py" />
      <source>Mask clouds</source>
      <translation>Enmascarar nubes</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Mask clouds ({count} layers)</source>
      <translation>Enmascarar nubes ({count} capas)</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/task.py" />
      <source>Mask clouds: {layer}</source>
      <translation>Enmascarar nubes: {layer}</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/__init__.py" />
      <source>Mask the clouds of this raster layer with the Cloud Mask panel's settings</source>
      <translation>Enmascarar las nubes de esta capa ráster con la configuración del panel Cloud Mask</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/__init__.py" />
      <source>Mask the layers ticked in the Cloud Mask panel with its settings</source>
      <translation>Enmascarar las capas marcadas en el panel Cloud Mask con su configuración</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/__init__.py" />
      <source>Mask the ticked layers</source>
      <translation>Enmascarar las capas marcadas</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/runs.py" />
      <source>Mask the ticked layers, one after the other, in the background.</source>
      <translation>Enmascarar las capas marcadas, una tras otra, en segundo plano.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <location filename="../cloud_mask_plugin/styles.py" />
      <source>Masked image</source>
      <translation>Imagen enmascarada</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/mask_clouds.py" />
      <source>Masked image (clouds set to no data)</source>
      <translation>Imagen enmascarada (nubes como sin datos)</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/runner.py" />
      <source>Masking '{layer}' failed: {error}</source>
      <translation>Falló el enmascarado de '{layer}': {error}</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/mask_clouds.py" />
      <source>Masks the clouds of a multispectral raster file with the model bundle's coarse/fine CNN cascade: a coarse model sorts the scene into cloudless, overcast and partly cloudy cells, and only partly cloudy cells go to the fine model at full resolution.</source>
      <translation>Enmascara las nubes de un archivo ráster multiespectral con la cascada de CNN gruesa/fina del paquete de modelo: un modelo grueso clasifica la escena en celdas despejadas, cubiertas y parcialmente nubladas, y solo las parcialmente nubladas pasan al modelo fino a resolución completa.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/mask_clouds.py" />
      <source>Minimum polygon area (map units squared)</source>
      <translation>Área mínima de polígono (unidades del mapa al cuadrado)</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Model</source>
      <translation>Modelo</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/clear_fraction.py" />
      <location filename="../cloud_mask_plugin/processing/mask_clouds.py" />
      <source>Model bundle folder (empty: the bundled model)</source>
      <translation>Carpeta del paquete de modelo (vacío: el modelo incluido)</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Model default</source>
      <translation>Predeterminado del modelo</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Model default ({threshold:g})</source>
      <translation>Predeterminado del modelo ({threshold:g})</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Model default ({thresholds})</source>
      <translation>Predeterminado del modelo ({thresholds})</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/mask_clouds.py" />
      <source>Name the raster's bands in Bands (e.g. blue,green,red,nir) or choose a Sensor.</source>
      <translation>Nombre las bandas del ráster en Bandas (p. ej. blue,green,red,nir) o elija un Sensor.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/devices.py" />
      <source>No GPU that the models can use was found; install onnxruntime-gpu matching your CUDA, or choose Automatic or CPU.</source>
      <translation>No se encontró ninguna GPU que los modelos puedan usar; instale el onnxruntime-gpu que corresponda a su CUDA o elija Automático o CPU.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/layers.py" />
      <source>No layer is selected; select a raster layer in the Layers panel.</source>
      <translation>No hay ninguna capa seleccionada; seleccione una capa ráster en el panel Capas.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/mask_clouds.py" />
      <source>Offset</source>
      <translation>Desplazamiento</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/messages.py" />
      <source>Open the log panel (Cloud Mask tab)</source>
      <translation>Abrir el panel de mensajes de registro (pestaña Cloud Mask)</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/clear_fraction.py" />
      <source>PNG images (*.png)</source>
      <translation>Imágenes PNG (*.png)</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/clear_fraction.py" />
      <source>Pick the scenes in which an area is at least this clear (%; empty: no picking)</source>
      <translation>Elegir las escenas en las que un área está al menos este % despejada (vacío: no elegir)</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/mask_clouds.py" />
      <source>Pixels that are 0 in every band are data (for rasters without a no-data value; by default they are no data)</source>
      <translation>Los píxeles con 0 en todas las bandas son datos (para rásteres sin valor sin datos; por defecto son sin datos)</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/mask_clouds.py" />
      <source>Polygon buffer (map units)</source>
      <translation>Búfer de los polígonos (unidades del mapa)</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/results.py" />
      <source>QGIS cannot open the result {path}</source>
      <translation>QGIS no puede abrir el resultado {path}</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/runner.py" />
      <source>Queued '{layer}': {input} -&gt; {folder}</source>
      <translation>'{layer}' en cola: {input} -&gt; {folder}</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>Raster band {band} is chosen for more than one model input; choose a different band for each.</source>
      <translation>La banda {band} del ráster está elegida para más de una entrada del modelo; elija una banda distinta para cada una.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Raster layers</source>
      <translation>Capas ráster</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Remove</source>
      <translation>Quitar</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Remove the chosen model from this list (its files are kept).</source>
      <translation>Quitar el modelo elegido de esta lista (sus archivos se conservan).</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Replace existing files</source>
      <translation>Reemplazar archivos existentes</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/mask_clouds.py" />
      <source>Report</source>
      <translation>Informe</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/runner.py" />
      <source>Report of '{layer}': {path}</source>
      <translation>Informe de '{layer}': {path}</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Reset</source>
      <translation>Restablecer</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Results</source>
      <translation>Resultados</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/devices.py" />
      <source>Runs on the CPU.</source>
      <translation>Se ejecuta en la CPU.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/devices.py" />
      <source>Runs on the CPU: no GPU that onnxruntime can use was found.</source>
      <translation>Se ejecuta en la CPU: no se encontró ninguna GPU que onnxruntime pueda usar.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/devices.py" />
      <source>Runs on the GPU (CUDA).</source>
      <translation>Se ejecuta en la GPU (CUDA).</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/devices.py" />
      <source>Runs on the GPU (CUDA, through torch).</source>
      <translation>Se ejecuta en la GPU (CUDA, mediante torch).</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Save to</source>
      <translation>Guardar en</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/mask_clouds.py" />
      <source>Scale (reflectance = DN x scale + offset)</source>
      <translation>Escala (reflectancia = ND x escala + desplazamiento)</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/clear_fraction.py" />
      <source>Scenes</source>
      <translation>Escenas</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/clear_fraction.py" />
      <source>Scenes picked</source>
      <translation>Escenas elegidas</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>Select a layer in the list above to see and change its bands.</source>
      <translation>Seleccione una capa en la lista de arriba para ver y cambiar sus bandas.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <location filename="../cloud_mask_plugin/processing/clear_fraction.py" />
      <source>Sensor</source>
      <translation>Sensor</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/mask_clouds.py" />
      <source>Sensor (auto: detected from the file)</source>
      <translation>Sensor (auto: detectado a partir del archivo)</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>Set the scaling myself</source>
      <translation>Fijar la escala manualmente</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>Show which raster band feeds each model input, the sensor and the scaling.</source>
      <translation>Mostrar qué banda del ráster alimenta cada entrada del modelo, el sensor y la escala.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/runs.py" />
      <source>Stop this run; it leaves no files behind.</source>
      <translation>Detener esta ejecución; no deja ningún archivo.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Temporary files</source>
      <translation>Archivos temporales</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Temporary files are deleted when QGIS closes; save the layers (Export &gt; Save As…) to keep them.</source>
      <translation>Los archivos temporales se borran al cerrar QGIS; guarde las capas (Exportar &gt; Guardar como…) para conservarlas.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/clear_fraction.py" />
      <source>Text files (*.txt)</source>
      <translation>Archivos de texto (*.txt)</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/i18n.py" />
      <source>The Python package onnxruntime is not installed in QGIS; install it from the Cloud Mask panel.</source>
      <translation>El paquete de Python onnxruntime no está instalado en QGIS; instálelo desde el panel Cloud Mask.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/i18n.py" />
      <source>The band list names {listed} bands but '{raster}' has only {band_count}.</source>
      <translation>La lista de bandas nombra {listed} bandas, pero '{raster}' solo tiene {band_count}.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>The coarse model's verdict per cell: cloudless, overcast, partly cloudy (sent to the fine model) or no data.</source>
      <translation>El veredicto del modelo grueso por celda: sin nubes, cubierta, parcialmente nublada (enviada al modelo fino) o sin datos.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/layers.py" />
      <source>The file of '{layer}' is missing ({path}); fix the layer's source or remove the layer.</source>
      <translation>No se encuentra el archivo de '{layer}' ({path}); corrija la fuente de la capa o quite la capa.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/mask_clouds.py" />
      <source>The model needs the Python package onnxruntime; the Cloud Mask panel offers to install it.</source>
      <translation>El modelo necesita el paquete de Python onnxruntime; el panel Cloud Mask ofrece instalarlo.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>The model shipped with the plugin (the default)</source>
      <translation>El modelo incluido con el complemento (el predeterminado)</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/installer.py" />
      <source>The models run on onnxruntime, which is not installed in QGIS yet.</source>
      <translation>Los modelos se ejecutan con onnxruntime, que aún no está instalado en QGIS.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/jobs.py" />
      <source>The output folder '{folder}' does not exist; choose another one.</source>
      <translation>La carpeta de salida '{folder}' no existe; elija otra.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/runner.py" />
      <source>The results of '{layer}' were written to {folder} but could not be added to the project: {error}</source>
      <translation>Los resultados de '{layer}' se escribieron en {folder}, pero no se pudieron añadir al proyecto: {error}</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>The sensor the raster comes from: its band ids (B02, SR_B4…) and scaling are then read with that sensor's table.</source>
      <translation>El sensor del que procede el ráster: los identificadores de banda (B02, SR_B4…) y la escala se leen entonces con la tabla de ese sensor.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/styles.py" />
      <source>The style file {path} is missing; reinstall the plugin.</source>
      <translation>Falta el archivo de estilo {path}; reinstale el complemento.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/styles.py" />
      <source>The style {path} could not be applied to '{layer}': {message}</source>
      <translation>No se pudo aplicar el estilo {path} a '{layer}': {message}</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/i18n.py" />
      <source>The {band_count} band(s) of '{raster}' have no names the model knows; it needs {needed}.</source>
      <translation>Las {band_count} banda(s) de '{raster}' no tienen nombres que el modelo conozca; necesita {needed}.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>This folder is not a usable model: {reason}</source>
      <translation>Esta carpeta no es un modelo utilizable: {reason}</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Threshold</source>
      <translation>Umbral</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Tick at least one raster layer to mask.</source>
      <translation>Marque al menos una capa ráster que enmascarar.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/layer_list.py" />
      <source>Tick the layers to mask; select one to see its bands below.</source>
      <translation>Marque las capas que enmascarar; seleccione una para ver sus bandas abajo.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Unusable: {folder}</source>
      <translation>No utilizable: {folder}</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/installer.py" />
      <source>about 20 MB</source>
      <translation>unos 20 MB</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/installer.py" />
      <source>about 200 MB</source>
      <translation>unos 200 MB</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>band files</source>
      <translation>archivos de banda</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>band names</source>
      <translation>nombres de las bandas</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/clear_fraction.py" />
      <source>cancelled by the user</source>
      <translation>cancelado por el usuario</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/i18n.py" />
      <source>classifying the coarse grid</source>
      <translation>clasificando la cuadrícula gruesa</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/styles.py" />
      <source>clear</source>
      <translation>despejado</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/styles.py" />
      <source>cloud</source>
      <translation>nube</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/styles.py" />
      <source>cloudless</source>
      <translation>sin nubes</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/runner.py" />
      <source>default</source>
      <translation>predeterminado</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>detected bands</source>
      <translation>bandas detectadas</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/layers.py" />
      <source>export it to a GeoTIFF first (right-click the layer &gt; Export &gt; Save As…) and mask that file.</source>
      <translation>expórtela antes a un GeoTIFF (clic derecho en la capa &gt; Exportar &gt; Guardar como…) y enmascare ese archivo.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/i18n.py" />
      <source>fine model and writing the mask</source>
      <translation>modelo fino y escritura de la máscara</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>guessed</source>
      <translation>estimada</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/mask_clouds.py" />
      <source>layer '{layer}' is not a raster file on disk (provider '{provider}'); export it to GeoTIFF first (right-click the layer &gt; Export &gt; Save As...) and mask that file</source>
      <translation>la capa '{layer}' no es un archivo ráster en disco (proveedor '{provider}'); expórtela primero a GeoTIFF (clic derecho en la capa &gt; Exportar &gt; Guardar como...) y enmascare ese archivo</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/styles.py" />
      <source>no data</source>
      <translation>sin datos</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/clear_fraction.py" />
      <source>no scene could be masked; see the warnings above</source>
      <translation>no se pudo enmascarar ninguna escena; vea las advertencias de arriba</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/clear_fraction.py" />
      <source>no scene given: choose raster layers under Scenes or a folder of scenes</source>
      <translation>no se indicó ninguna escena: elija capas ráster en Escenas o una carpeta de escenas</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>offset</source>
      <translation>desplazamiento</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/devices.py" />
      <source>onnxruntime is not installed in QGIS yet; install it with the button at the top of this panel.</source>
      <translation>onnxruntime aún no está instalado en QGIS; instálelo con el botón de la parte superior de este panel.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/styles.py" />
      <source>overcast</source>
      <translation>cubierta</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/styles.py" />
      <source>partly cloudy</source>
      <translation>parcialmente nublada</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/clear_fraction.py" />
      <source>picked: {scene}</source>
      <translation>elegida: {scene}</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>product name</source>
      <translation>nombre del producto</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/i18n.py" />
      <source>reading the scene</source>
      <translation>leyendo la escena</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>reflectance = DN × scale + offset, for every band. Sentinel-2 from 2022: scale 0.0001, offset -0.1; Landsat Collection 2 Level-2: scale 2.75e-05, offset -0.2.</source>
      <translation>reflectancia = ND × escala + desplazamiento, para todas las bandas. Sentinel-2 desde 2022: escala 0.0001, desplazamiento -0.1; Landsat Colección 2 Nivel 2: escala 2.75e-05, desplazamiento -0.2.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>scale</source>
      <translation>escala</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>sensor preset</source>
      <translation>preajuste del sensor</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/runs.py" />
      <source>starting</source>
      <translation>iniciando</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/plugin.py" />
      <source>the Cloud Mask panel is not available ({error}); use Processing &gt; Toolbox &gt; Cloud Mask</source>
      <translation>el panel Cloud Mask no está disponible ({error}); use Procesos &gt; Caja de herramientas &gt; Cloud Mask</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/clear_fraction.py" />
      <source>the areas of interest have no coordinate reference system; set one (Layer Properties &gt; Source) so they can be placed on the scenes</source>
      <translation>las áreas de interés no tienen sistema de referencia de coordenadas; defina uno (Propiedades de la capa &gt; Fuente) para que puedan situarse sobre las escenas</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>the raster's</source>
      <translation>la del ráster</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/i18n.py" />
      <source>tracing cloud polygons</source>
      <translation>trazando los polígonos de nubes</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/clear_fraction.py" />
      <location filename="../cloud_mask_plugin/processing/mask_clouds.py" />
      <source>unexpected error in the Cloud Mask engine ({error}); please report it with the log of this run</source>
      <translation>error inesperado en el motor de Cloud Mask ({error}); por favor, repórtelo con el registro de esta ejecución</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/runs.py" />
      <source>waiting for the previous run</source>
      <translation>esperando a la ejecución anterior</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/i18n.py" />
      <source>writing the masked image</source>
      <translation>escribiendo la imagen enmascarada</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>your band list</source>
      <translation>su lista de bandas</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>yours</source>
      <translation>la suya</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>{band} ({file})</source>
      <translation>{band} ({file})</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/clear_fraction.py" />
      <source>{count} scene(s) in which an area is at least {percent:g} % clear</source>
      <translation>{count} escena(s) en las que un área está al menos {percent:g} % despejada</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/styles.py" />
      <source>{input} - {product}</source>
      <translation>{input} - {product}</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/results.py" />
      <source>{layer} clouds</source>
      <translation>Nubes de {layer}</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/runs.py" />
      <source>{layer}: {stage}</source>
      <translation>{layer}: {stage}</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>{name} {version} ({folder})</source>
      <translation>{name} {version} ({folder})</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>{name}: {wavelength:g} nm, needed</source>
      <translation>{name}: {wavelength:g} nm, necesaria</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>{name}: {wavelength:g} nm, optional (used when the raster has it)</source>
      <translation>{name}: {wavelength:g} nm, opcional (se usa cuando el ráster la tiene)</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>{naming}, {mapped} of {inputs} inputs mapped, scaling: {scaling}</source>
      <translation>{naming}, {mapped} de {inputs} entradas asignadas, escala: {scaling}</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/installer.py" />
      <source>{package} is installed; the panel is ready.</source>
      <translation>{package} está instalado; el panel está listo.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/installer.py" />
      <source>{package} runs the models on the CPU.</source>
      <translation>{package} ejecuta los modelos en la CPU.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/clear_fraction.py" />
      <source>{parameter}: '{path}' must end in .gpkg or .csv</source>
      <translation>{parameter}: '{path}' debe terminar en .gpkg o .csv</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/mask_clouds.py" />
      <source>{parameter}: '{path}' must end in {extensions}; the engine writes only that format</source>
      <translation>{parameter}: '{path}' debe terminar en {extensions}; el motor solo escribe ese formato</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>{path} path</source>
      <translation>ruta {path}</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/clear_fraction.py" />
      <source>{scene} was not masked: {error}</source>
      <translation>{scene} no se enmascaró: {error}</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/clear_fraction.py" />
      <source>{scene}: mask reused from {mask}</source>
      <translation>{scene}: máscara reutilizada de {mask}</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>— not set —</source>
      <translation>— sin asignar —</translation>
    </message>
    <message>
      <source>'{layer}' has {count} band(s); the model needs at least {needed}: {names}. Stack the bands into one raster (Raster &gt; Miscellaneous &gt; Build Virtual Raster) or choose another layer.</source>
      <translation type="vanished">'{layer}' tiene {count} banda(s); el modelo necesita al menos {needed}: {names}. Apile las bandas en un ráster (Ráster &gt; Miscelánea &gt; Construir ráster virtual) o elija otra capa.</translation>
    </message>
    <message>
      <source>'{layer}': {percent:.1f} % cloud cover (model {model} {version}).</source>
      <translation type="vanished">'{layer}': {percent:.1f} % de nubosidad (modelo {model} {version}).</translation>
    </message>
    <message>
      <source>Band names from: {source}.</source>
      <translation type="vanished">Nombres de banda tomados de: {source}.</translation>
    </message>
    <message>
      <source>Bands of '{layer}'</source>
      <translation type="vanished">Bandas de '{layer}'</translation>
    </message>
    <message>
      <source>Cannot mask '{layer}': {reason}. In QGIS, set which raster band feeds each model input in the Cloud Mask panel (Bands).</source>
      <translation type="vanished">No se puede enmascarar '{layer}': {reason}. En QGIS, indique qué banda del ráster alimenta cada entrada del modelo en el panel Cloud Mask (Bandas).</translation>
    </message>
    <message>
      <source>Default: {name} {version}</source>
      <translation type="vanished">Predeterminado: {name} {version}</translation>
    </message>
    <message>
      <source>Mask the clouds of the selected raster layer with the Cloud Mask panel's settings</source>
      <translation type="vanished">Enmascarar las nubes de la capa ráster seleccionada con la configuración del panel Cloud Mask</translation>
    </message>
    <message>
      <source>Model input</source>
      <translation type="vanished">Entrada del modelo</translation>
    </message>
    <message>
      <source>Raster band</source>
      <translation type="vanished">Banda del ráster</translation>
    </message>
    <message>
      <source>Scaling from: {source}.</source>
      <translation type="vanished">Escala tomada de: {source}.</translation>
    </message>
    <message>
      <source>done</source>
      <translation type="vanished">terminado</translation>
    </message>
    <message>
      <source>fine model on partly cloudy cells</source>
      <translation type="vanished">modelo fino en las celdas parcialmente nubladas</translation>
    </message>
    <message>
      <source>writing the mask</source>
      <translation type="vanished">escribiendo la máscara</translation>
    </message>
    <message>
      <source>{name} ({wavelength:g} nm)</source>
      <translation type="vanished">{name} ({wavelength:g} nm)</translation>
    </message>
    <message>
      <source>{name} ({wavelength:g} nm, optional)</source>
      <translation type="vanished">{name} ({wavelength:g} nm, opcional)</translation>
    </message>
    <message>
      <source>{naming}, {mapped} of {inputs} mapped ({path} path), scaling: {scaling}</source>
      <translation type="vanished">{naming}, {mapped} de {inputs} asignadas (ruta {path}), escala: {scaling}</translation>
    </message>
  </context>
</TS>
