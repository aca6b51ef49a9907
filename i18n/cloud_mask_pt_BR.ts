<?xml version='1.0' encoding='utf-8'?>
<!DOCTYPE TS>
<TS version="2.1" language="pt_BR">
  <context>
    <name>CloudMask</name>
    <message>
      <location filename="../cloud_mask_plugin/gui/layers.py" />
      <source>'{layer}' comes from the '{provider}' data provider (a web service or database), which Cloud Mask cannot read directly; {hint}</source>
      <translation>'{layer}' vem do provedor de dados '{provider}' (um serviço web ou banco de dados), que o Cloud Mask não consegue ler diretamente; {hint}</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/layers.py" />
      <source>'{layer}' is a web service read through GDAL, which Cloud Mask does not download; {hint}</source>
      <translation>'{layer}' é um serviço web lido pelo GDAL, que o Cloud Mask não baixa; {hint}</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/layers.py" />
      <source>'{layer}' is not a raster layer; Cloud Mask works on satellite images (raster layers).</source>
      <translation>'{layer}' não é uma camada raster; o Cloud Mask trabalha com imagens de satélite (camadas raster).</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/layers.py" />
      <source>'{layer}' is opened with GDAL open options ({options}), which Cloud Mask cannot pass on; {hint}</source>
      <translation>'{layer}' é aberta com opções de abertura do GDAL ({options}), que o Cloud Mask não consegue repassar; {hint}</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/runner.py" />
      <source>'{layer}': {percent:.1f} % cloud cover (model {model} {version}).</source>
      <translation>'{layer}': {percent:.1f} % de cobertura de nuvens (modelo {model} {version}).</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>A folder</source>
      <translation>Uma pasta</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Add a model bundle folder (manifest.json, coarse.onnx, fine.onnx).</source>
      <translation>Adicionar a pasta de um pacote de modelo (manifest.json, coarse.onnx, fine.onnx).</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Add…</source>
      <translation>Adicionar…</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Always written: 0 clear, 1 cloud, 255 no data.</source>
      <translation>Sempre gravada: 0 limpo, 1 nuvem, 255 sem dados.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Automatic</source>
      <translation>Automático</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>Band names from: {source}.</source>
      <translation>Nomes das bandas obtidos de: {source}.</translation>
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
      <translation>'{layer}' cancelada antes de começar.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/runner.py" />
      <source>Cancelled '{layer}'; no files were written.</source>
      <translation>'{layer}' cancelada; nenhum arquivo foi gravado.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/jobs.py" />
      <source>Cannot mask '{layer}': {reason}</source>
      <translation>Não é possível mascarar '{layer}': {reason}</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/jobs.py" />
      <source>Cannot mask '{layer}': {reason}. In QGIS, set which raster band feeds each model input in the Cloud Mask panel (Bands).</source>
      <translation>Não é possível mascarar '{layer}': {reason}. No QGIS, defina qual banda do raster alimenta cada entrada do modelo no painel Cloud Mask (Bandas).</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Choose a model bundle folder</source>
      <translation>Escolha a pasta de um pacote de modelo</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/jobs.py" />
      <source>Choose the folder to save the results in, or save them as temporary files.</source>
      <translation>Escolha a pasta onde salvar os resultados, ou salve-os como arquivos temporários.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Clear finished</source>
      <translation>Limpar concluídas</translation>
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
      <translation>Painel Cloud Mask</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <location filename="../cloud_mask_plugin/gui/results.py" />
      <source>Cloud mask</source>
      <translation>Máscara de nuvens</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/results.py" />
      <source>Cloud mask of '{layer}' made by the Cloud Mask plugin {plugin} with model {model} version {version} (threshold {threshold}, {device}). Cloud cover: {percent:.2f} % of the valid pixels.</source>
      <translation>Máscara de nuvens de '{layer}' feita pelo complemento Cloud Mask {plugin} com o modelo {model} versão {version} (limiar {threshold}, {device}). Cobertura de nuvens: {percent:.2f} % dos pixels válidos.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <location filename="../cloud_mask_plugin/gui/results.py" />
      <source>Cloud polygons</source>
      <translation>Polígonos de nuvens</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Cloud probability</source>
      <translation>Probabilidade de nuvem</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/results.py" />
      <source>Cloud probability (%)</source>
      <translation>Probabilidade de nuvem (%)</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Cloud probability from which a pixel counts as cloud. Lower finds more thin cloud, higher fewer false clouds.</source>
      <translation>Probabilidade de nuvem a partir da qual um pixel conta como nuvem. Mais baixa encontra mais nuvens finas; mais alta, menos nuvens falsas.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <location filename="../cloud_mask_plugin/gui/results.py" />
      <source>Coarse grid</source>
      <translation>Grade grosseira</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Default model (not installed)</source>
      <translation>Modelo padrão (não instalado)</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Default: {name} {version}</source>
      <translation>Padrão: {name} {version}</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/messages.py" />
      <source>Details</source>
      <translation>Detalhes</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>Detect again</source>
      <translation>Detectar de novo</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>Detect automatically</source>
      <translation>Detectar automaticamente</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Device</source>
      <translation>Dispositivo</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Folder for the cloud mask results</source>
      <translation>Pasta para os resultados da máscara de nuvens</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>Forget the choices made here for this layer and use what is detected.</source>
      <translation>Esquecer as escolhas feitas aqui para esta camada e usar o que for detectado.</translation>
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
      <translation>Licença: {license}</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/__init__.py" />
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Mask clouds</source>
      <translation>Mascarar nuvens</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Mask clouds ({count} layers)</source>
      <translation>Mascarar nuvens ({count} camadas)</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/task.py" />
      <source>Mask clouds: {layer}</source>
      <translation>Mascarar nuvens: {layer}</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/__init__.py" />
      <source>Mask the clouds of the selected raster layer with the Cloud Mask panel's settings</source>
      <translation>Mascarar as nuvens da camada raster selecionada com as configurações do painel Cloud Mask</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Mask the ticked layers, one after the other, in the background.</source>
      <translation>Mascarar as camadas marcadas, uma após a outra, em segundo plano.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/runner.py" />
      <source>Masking '{layer}' failed: {error}</source>
      <translation>Falha ao mascarar '{layer}': {error}</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Model</source>
      <translation>Modelo</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Model default</source>
      <translation>Padrão do modelo</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Model default ({threshold:g})</source>
      <translation>Padrão do modelo ({threshold:g})</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>Model input</source>
      <translation>Entrada do modelo</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/layers.py" />
      <source>No layer is selected; select a raster layer in the Layers panel.</source>
      <translation>Nenhuma camada selecionada; selecione uma camada raster no painel Camadas.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/messages.py" />
      <source>Open the log panel (Cloud Mask tab)</source>
      <translation>Abrir o painel de mensagens de log (aba Cloud Mask)</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/results.py" />
      <source>QGIS cannot open the result {path}</source>
      <translation>O QGIS não consegue abrir o resultado {path}</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/runner.py" />
      <source>Queued '{layer}': {input} -&gt; {folder}</source>
      <translation>'{layer}' na fila: {input} -&gt; {folder}</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>Raster band</source>
      <translation>Banda do raster</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>Raster band {band} is chosen for more than one model input; choose a different band for each.</source>
      <translation>A banda {band} do raster foi escolhida para mais de uma entrada do modelo; escolha uma banda diferente para cada uma.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Raster layers</source>
      <translation>Camadas raster</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Remove</source>
      <translation>Remover</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Remove the chosen model from this list (its files are kept).</source>
      <translation>Remover o modelo escolhido desta lista (os seus arquivos são mantidos).</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Replace existing files</source>
      <translation>Substituir arquivos existentes</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/runner.py" />
      <source>Report of '{layer}': {path}</source>
      <translation>Relatório de '{layer}': {path}</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Results</source>
      <translation>Resultados</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Save to</source>
      <translation>Salvar em</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>Scaling from: {source}.</source>
      <translation>Escala obtida de: {source}.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>Select a layer in the list above to see and change its bands.</source>
      <translation>Selecione uma camada na lista acima para ver e alterar as suas bandas.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>Sensor</source>
      <translation>Sensor</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>Set the scaling myself</source>
      <translation>Definir a escala manualmente</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Stop this run; it leaves no files behind.</source>
      <translation>Interromper esta execução; nenhum arquivo é deixado para trás.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Temporary files</source>
      <translation>Arquivos temporários</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Temporary files are deleted when QGIS closes; save the layers (Export &gt; Save As…) to keep them.</source>
      <translation>Os arquivos temporários são apagados quando o QGIS fecha; salve as camadas (Exportar &gt; Salvar Como…) para mantê-las.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>The coarse model's verdict per cell: cloudless, overcast, partly cloudy (sent to the fine model) or no data.</source>
      <translation>O veredito do modelo grosseiro por célula: sem nuvens, encoberta, parcialmente nublada (enviada ao modelo fino) ou sem dados.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/layers.py" />
      <source>The file of '{layer}' is missing ({path}); fix the layer's source or remove the layer.</source>
      <translation>O arquivo de '{layer}' não foi encontrado ({path}); corrija a fonte da camada ou remova a camada.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/jobs.py" />
      <source>The output folder '{folder}' does not exist; choose another one.</source>
      <translation>A pasta de saída '{folder}' não existe; escolha outra.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/runner.py" />
      <source>The results of '{layer}' were written to {folder} but could not be added to the project: {error}</source>
      <translation>Os resultados de '{layer}' foram gravados em {folder}, mas não puderam ser adicionados ao projeto: {error}</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>The sensor the raster comes from: its band ids (B02, SR_B4…) and scaling are then read with that sensor's table.</source>
      <translation>O sensor de origem do raster: os identificadores das bandas (B02, SR_B4…) e a escala passam a ser lidos com a tabela desse sensor.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/results.py" />
      <source>The style {path} could not be applied to '{layer}': {message}</source>
      <translation>Não foi possível aplicar o estilo {path} a '{layer}': {message}</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>This folder is not a usable model: {reason}</source>
      <translation>Esta pasta não é um modelo utilizável: {reason}</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Threshold</source>
      <translation>Limiar</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Tick at least one raster layer to mask.</source>
      <translation>Marque pelo menos uma camada raster para mascarar.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Tick the layers to mask; select one to see its bands below.</source>
      <translation>Marque as camadas a mascarar; selecione uma para ver as suas bandas abaixo.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Unusable: {folder}</source>
      <translation>Inutilizável: {folder}</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/runner.py" />
      <source>classifying the coarse grid</source>
      <translation>classificando a grade grosseira</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/results.py" />
      <source>clear</source>
      <translation>limpo</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/results.py" />
      <source>cloud</source>
      <translation>nuvem</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/results.py" />
      <source>cloudless</source>
      <translation>sem nuvens</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/runner.py" />
      <source>default</source>
      <translation>padrão</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/runner.py" />
      <source>done</source>
      <translation>concluído</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/layers.py" />
      <source>export it to a GeoTIFF first (right-click the layer &gt; Export &gt; Save As…) and mask that file.</source>
      <translation>exporte-a antes para um GeoTIFF (clique direito na camada &gt; Exportar &gt; Salvar Como…) e mascare esse arquivo.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/runner.py" />
      <source>fine model on partly cloudy cells</source>
      <translation>modelo fino nas células parcialmente nubladas</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/results.py" />
      <source>no data</source>
      <translation>sem dados</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>offset</source>
      <translation>deslocamento</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/results.py" />
      <source>overcast</source>
      <translation>encoberta</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/results.py" />
      <source>partly cloudy</source>
      <translation>parcialmente nublada</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/runner.py" />
      <source>reading the scene</source>
      <translation>lendo a cena</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>reflectance = DN × scale + offset, for every band. Sentinel-2 from 2022: scale 0.0001, offset -0.1; Landsat Collection 2 Level-2: scale 2.75e-05, offset -0.2.</source>
      <translation>reflectância = ND × escala + deslocamento, para todas as bandas. Sentinel-2 a partir de 2022: escala 0.0001, deslocamento -0.1; Landsat Coleção 2 Nível 2: escala 2.75e-05, deslocamento -0.2.</translation>
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
      <translation>traçando os polígonos de nuvens</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>waiting for the previous run</source>
      <translation>aguardando a execução anterior</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/runner.py" />
      <source>writing the mask</source>
      <translation>gravando a máscara</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/results.py" />
      <source>{layer} clouds</source>
      <translation>Nuvens de {layer}</translation>
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
      <translation>— não definida —</translation>
    </message>
  </context>
</TS>
