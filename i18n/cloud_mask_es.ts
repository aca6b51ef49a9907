<?xml version='1.0' encoding='utf-8'?>
<!DOCTYPE TS>
<TS version="2.1" language="es">
  <context>
    <name>CloudMask</name>
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
      <source>'{layer}': {percent:.1f} % cloud cover (model {model} {version}).</source>
      <translation>'{layer}': {percent:.1f} % de nubosidad (modelo {model} {version}).</translation>
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
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Automatic</source>
      <translation>Automático</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>Band names from: {source}.</source>
      <translation>Nombres de banda tomados de: {source}.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Bands</source>
      <translation>Bandas</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>Bands of '{layer}'</source>
      <translation>Bandas de '{layer}'</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>CPU</source>
      <translation>CPU</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
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
      <source>Cannot mask '{layer}': {reason}. In QGIS, set which raster band feeds each model input in the Cloud Mask panel (Bands).</source>
      <translation>No se puede enmascarar '{layer}': {reason}. En QGIS, indique qué banda del ráster alimenta cada entrada del modelo en el panel Cloud Mask (Bandas).</translation>
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
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Clear finished</source>
      <translation>Limpiar terminadas</translation>
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
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <location filename="../cloud_mask_plugin/gui/results.py" />
      <source>Cloud mask</source>
      <translation>Máscara de nubes</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/results.py" />
      <source>Cloud mask of '{layer}' made by the Cloud Mask plugin {plugin} with model {model} version {version} (threshold {threshold}, {device}). Cloud cover: {percent:.2f} % of the valid pixels.</source>
      <translation>Máscara de nubes de '{layer}' hecha por el complemento Cloud Mask {plugin} con el modelo {model} versión {version} (umbral {threshold}, {device}). Nubosidad: {percent:.2f} % de los píxeles válidos.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <location filename="../cloud_mask_plugin/gui/results.py" />
      <source>Cloud polygons</source>
      <translation>Polígonos de nubes</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Cloud probability</source>
      <translation>Probabilidad de nube</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/results.py" />
      <source>Cloud probability (%)</source>
      <translation>Probabilidad de nube (%)</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Cloud probability from which a pixel counts as cloud. Lower finds more thin cloud, higher fewer false clouds.</source>
      <translation>Probabilidad de nube a partir de la cual un píxel cuenta como nube. Más baja encuentra más nubes finas; más alta, menos nubes falsas.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <location filename="../cloud_mask_plugin/gui/results.py" />
      <source>Coarse grid</source>
      <translation>Cuadrícula gruesa</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Default model (not installed)</source>
      <translation>Modelo predeterminado (no instalado)</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Default: {name} {version}</source>
      <translation>Predeterminado: {name} {version}</translation>
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
      <source>Device</source>
      <translation>Dispositivo</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Folder for the cloud mask results</source>
      <translation>Carpeta para los resultados de la máscara de nubes</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>Forget the choices made here for this layer and use what is detected.</source>
      <translation>Olvidar lo elegido aquí para esta capa y usar lo que se detecte.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>GPU (CUDA)</source>
      <translation>GPU (CUDA)</translation>
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
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>License: {license}</source>
      <translation>Licencia: {license}</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/__init__.py" />
      <location filename="../cloud_mask_plugin/gui/dock.py" />
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
      <source>Mask the clouds of the selected raster layer with the Cloud Mask panel's settings</source>
      <translation>Enmascarar las nubes de la capa ráster seleccionada con la configuración del panel Cloud Mask</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Mask the ticked layers, one after the other, in the background.</source>
      <translation>Enmascarar las capas marcadas, una tras otra, en segundo plano.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/runner.py" />
      <source>Masking '{layer}' failed: {error}</source>
      <translation>Falló el enmascarado de '{layer}': {error}</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Model</source>
      <translation>Modelo</translation>
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
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>Model input</source>
      <translation>Entrada del modelo</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/layers.py" />
      <source>No layer is selected; select a raster layer in the Layers panel.</source>
      <translation>No hay ninguna capa seleccionada; seleccione una capa ráster en el panel Capas.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/messages.py" />
      <source>Open the log panel (Cloud Mask tab)</source>
      <translation>Abrir el panel de mensajes de registro (pestaña Cloud Mask)</translation>
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
      <source>Raster band</source>
      <translation>Banda del ráster</translation>
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
      <location filename="../cloud_mask_plugin/gui/runner.py" />
      <source>Report of '{layer}': {path}</source>
      <translation>Informe de '{layer}': {path}</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Results</source>
      <translation>Resultados</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Save to</source>
      <translation>Guardar en</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>Scaling from: {source}.</source>
      <translation>Escala tomada de: {source}.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>Select a layer in the list above to see and change its bands.</source>
      <translation>Seleccione una capa en la lista de arriba para ver y cambiar sus bandas.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>Sensor</source>
      <translation>Sensor</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>Set the scaling myself</source>
      <translation>Fijar la escala manualmente</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
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
      <location filename="../cloud_mask_plugin/gui/results.py" />
      <source>The style {path} could not be applied to '{layer}': {message}</source>
      <translation>No se pudo aplicar el estilo {path} a '{layer}': {message}</translation>
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
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Tick the layers to mask; select one to see its bands below.</source>
      <translation>Marque las capas que enmascarar; seleccione una para ver sus bandas abajo.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Unusable: {folder}</source>
      <translation>No utilizable: {folder}</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/runner.py" />
      <source>classifying the coarse grid</source>
      <translation>clasificando la cuadrícula gruesa</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/results.py" />
      <source>clear</source>
      <translation>despejado</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/results.py" />
      <source>cloud</source>
      <translation>nube</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/results.py" />
      <source>cloudless</source>
      <translation>sin nubes</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/runner.py" />
      <source>default</source>
      <translation>predeterminado</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/runner.py" />
      <source>done</source>
      <translation>terminado</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/layers.py" />
      <source>export it to a GeoTIFF first (right-click the layer &gt; Export &gt; Save As…) and mask that file.</source>
      <translation>expórtela antes a un GeoTIFF (clic derecho en la capa &gt; Exportar &gt; Guardar como…) y enmascare ese archivo.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/runner.py" />
      <source>fine model on partly cloudy cells</source>
      <translation>modelo fino en las celdas parcialmente nubladas</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/results.py" />
      <source>no data</source>
      <translation>sin datos</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>offset</source>
      <translation>desplazamiento</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/results.py" />
      <source>overcast</source>
      <translation>cubierta</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/results.py" />
      <source>partly cloudy</source>
      <translation>parcialmente nublada</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/runner.py" />
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
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>starting</source>
      <translation>iniciando</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/runner.py" />
      <source>tracing cloud polygons</source>
      <translation>trazando los polígonos de nubes</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>waiting for the previous run</source>
      <translation>esperando a la ejecución anterior</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/runner.py" />
      <source>writing the mask</source>
      <translation>escribiendo la máscara</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/results.py" />
      <source>{layer} clouds</source>
      <translation>Nubes de {layer}</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>{layer}: {stage}</source>
      <translation>{layer}: {stage}</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>{name} ({wavelength:g} nm)</source>
      <translation>{name} ({wavelength:g} nm)</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>{name} ({wavelength:g} nm, optional)</source>
      <translation>{name} ({wavelength:g} nm, opcional)</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>{name} {version} ({folder})</source>
      <translation>{name} {version} ({folder})</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>— not set —</source>
      <translation>— sin asignar —</translation>
    </message>
  </context>
</TS>
