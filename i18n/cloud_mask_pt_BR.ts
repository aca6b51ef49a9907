<?xml version='1.0' encoding='utf-8'?>
<!DOCTYPE TS>
<TS version="2.1" language="pt_BR">
  <context>
    <name>CloudMask</name>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source> (+{bands} when the raster has them)</source>
      <translation> (+{bands} quando o raster as tem)</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source> (+{count} optional)</source>
      <translation> (+{count} opcionais)</translation>
    </message>
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
      <source>'{layer}': {percent:.1f} % cloud cover (model {model} {version}, threshold {threshold}).</source>
      <translation>'{layer}': {percent:.1f} % de cobertura de nuvens (modelo {model} {version}, limiar {threshold}).</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/i18n.py" />
      <source>'{raster}' has integer bands and no scale: reflectance × 10000 was assumed; set the scaling if that is wrong.</source>
      <translation>'{raster}' tem bandas inteiras e nenhuma escala: foi assumida refletância × 10000; defina a escala se isso estiver errado.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/i18n.py" />
      <source>'{raster}' has {band_count} band(s); the model needs at least {needed_count}: {needed}. Stack the band files into one raster (Raster &gt; Miscellaneous &gt; Build Virtual Raster, each file in a separate band), or give the folder of band files to the command line or Processing.</source>
      <translation>'{raster}' tem {band_count} banda(s); o modelo precisa de pelo menos {needed_count}: {needed}. Empilhe os arquivos de banda em um raster (Raster &gt; Miscelânea &gt; Construir raster virtual, cada arquivo em uma banda separada) ou passe a pasta dos arquivos de banda para a linha de comando ou o Processamento.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/i18n.py" />
      <source>'{raster}' has {band_count} band(s); the model needs {needed} and does not find {missing}.</source>
      <translation>'{raster}' tem {band_count} banda(s); o modelo precisa de {needed} e não encontra {missing}.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/i18n.py" />
      <source>'{raster}' has {band_count} bands without band ids; the {sensor} preset has {preset_count}.</source>
      <translation>'{raster}' tem {band_count} bandas sem identificadores; a predefinição {sensor} tem {preset_count}.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/i18n.py" />
      <source>'{raster}': Level-1 band files without their MTL file, so the sun elevation is unknown; put the *_MTL.txt file beside the bands or set the scaling.</source>
      <translation>'{raster}': arquivos de banda de Nível 1 sem o arquivo MTL, então a elevação solar é desconhecida; coloque o arquivo *_MTL.txt junto das bandas ou defina a escala.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/clear_fraction.py" />
      <source>&lt;b&gt;Areas of interest&lt;/b&gt;: polygons in any CRS, reprojected to each scene's. Pixels on an area's outline count by the share of their surface inside the area; the part of an area outside a scene counts as no data.</source>
      <translation>&lt;b&gt;Áreas de interesse&lt;/b&gt;: polígonos em qualquer SRC, reprojetados para o de cada cena. Os pixels no contorno de uma área contam pela parte da sua superfície dentro da área; a parte de uma área fora de uma cena conta como sem dados.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/mask_clouds.py" />
      <source>&lt;b&gt;Cloud mask&lt;/b&gt;: 0 clear, 1 cloud, 255 no data. &lt;b&gt;Cloud probability&lt;/b&gt;: percent 0-100. &lt;b&gt;Coarse grid&lt;/b&gt;: the coarse class of every cell. &lt;b&gt;Cloud polygons&lt;/b&gt;: a GeoPackage, after &lt;b&gt;Buffer&lt;/b&gt; and &lt;b&gt;Minimum polygon area&lt;/b&gt; (map units). &lt;b&gt;Masked image&lt;/b&gt;: the input with cloud pixels (and the buffer around them) set to no data, for mosaics and classifications. &lt;b&gt;Report&lt;/b&gt;: a JSON file with cloud cover, cell counts, timings and the model.</source>
      <translation>&lt;b&gt;Máscara de nuvens&lt;/b&gt;: 0 limpo, 1 nuvem, 255 sem dados. &lt;b&gt;Probabilidade de nuvem&lt;/b&gt;: porcentagem 0-100. &lt;b&gt;Grade grossa&lt;/b&gt;: a classe grossa de cada célula. &lt;b&gt;Polígonos de nuvem&lt;/b&gt;: um GeoPackage, após o &lt;b&gt;Buffer&lt;/b&gt; e a &lt;b&gt;Área mínima do polígono&lt;/b&gt; (unidades do mapa). &lt;b&gt;Imagem mascarada&lt;/b&gt;: a entrada com os pixels de nuvem (e o buffer ao redor) como sem dados, para mosaicos e classificações. &lt;b&gt;Relatório&lt;/b&gt;: um arquivo JSON com a cobertura de nuvens, contagens de células, tempos e o modelo.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/mask_clouds.py" />
      <source>&lt;b&gt;Input&lt;/b&gt; must be a raster file on disk (GeoTIFF, VRT, JP2...); from scripts and qgis_process it may also be a folder of band files (a Landsat or Sentinel-2 product, B02.tif-style chips) or a Landsat MTL file. Band files stacked with Build Virtual Raster ('Place each input file into a separate band') are named from their file names. Bands are matched to the model's inputs from the band descriptions, or from &lt;b&gt;Sensor&lt;/b&gt;, or from &lt;b&gt;Bands&lt;/b&gt;: a comma list with one name per raster band, e.g. 'blue,green,red,nir' ('-' skips a band). &lt;b&gt;Scale&lt;/b&gt; and &lt;b&gt;Offset&lt;/b&gt; turn DN into reflectance (reflectance = DN x scale + offset) when the file does not say.</source>
      <translation>&lt;b&gt;Entrada&lt;/b&gt; deve ser um arquivo raster em disco (GeoTIFF, VRT, JP2...); em scripts e no qgis_process também pode ser uma pasta de arquivos de banda (um produto Landsat ou Sentinel-2, recortes no estilo B02.tif) ou um arquivo MTL do Landsat. Arquivos de banda empilhados com Construir raster virtual ('Colocar cada arquivo de entrada em uma banda separada') são nomeados pelos nomes dos arquivos. As bandas são associadas às entradas do modelo pelas descrições das bandas, pelo &lt;b&gt;Sensor&lt;/b&gt; ou por &lt;b&gt;Bandas&lt;/b&gt;: uma lista separada por vírgulas com um nome por banda do raster, p. ex. 'blue,green,red,nir' ('-' pula uma banda). &lt;b&gt;Escala&lt;/b&gt; e &lt;b&gt;Deslocamento&lt;/b&gt; convertem ND em refletância (refletância = ND x escala + deslocamento) quando o arquivo não informa.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/clear_fraction.py" />
      <source>&lt;b&gt;Pick&lt;/b&gt;: with a minimum clear share, the scenes in which at least one area is that clear are listed (and loaded into the project).</source>
      <translation>&lt;b&gt;Escolher&lt;/b&gt;: com uma parcela mínima sem nuvens, as cenas em que pelo menos uma área está assim limpa são listadas (e carregadas no projeto).</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/clear_fraction.py" />
      <source>&lt;b&gt;Scenes&lt;/b&gt;: raster layers, and/or a &lt;b&gt;folder&lt;/b&gt; of scenes (rasters, MTL files, band-file product folders). Each is masked into the &lt;b&gt;Cloud masks folder&lt;/b&gt;; a mask already there from an earlier run or a 'cloud-mask batch' with the same model and options is reused, not recomputed.</source>
      <translation>&lt;b&gt;Cenas&lt;/b&gt;: camadas raster e/ou uma &lt;b&gt;pasta&lt;/b&gt; de cenas (rasters, arquivos MTL, pastas de produtos com um arquivo por banda). Cada uma é mascarada na &lt;b&gt;Pasta das máscaras de nuvens&lt;/b&gt;; uma máscara que já esteja lá, de uma execução anterior ou de um 'cloud-mask batch' com o mesmo modelo e as mesmas opções, é reutilizada, não recalculada.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>A copy of the image with cloud pixels (and the polygon buffer) set to no data: all bands, same type and grid, for mosaics and classifications.</source>
      <translation>Uma cópia da imagem com os pixels de nuvem (e o buffer dos polígonos) como sem dados: todas as bandas, mesmo tipo e grade, para mosaicos e classificações.</translation>
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
      <location filename="../cloud_mask_plugin/gui/installer.py" />
      <source>An NVIDIA GPU was found: {package} runs on it (and on the CPU).</source>
      <translation>Uma GPU NVIDIA foi encontrada: o {package} roda nela (e na CPU).</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/clear_fraction.py" />
      <source>Area id field (empty: feature id)</source>
      <translation>Campo de identificação da área (vazio: id da feição)</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/clear_fraction.py" />
      <source>Areas of interest</source>
      <translation>Áreas de interesse</translation>
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
      <translation>Bandas (um nome por banda do raster, p. ex. blue,green,red,nir)</translation>
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
      <source>Cannot mask '{layer}': {reason} Choose its bands under Bands in the Cloud Mask panel.</source>
      <translation>Não é possível mascarar '{layer}': {reason} Escolha as bandas em Bandas, no painel Cloud Mask.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/clear_fraction.py" />
      <source>Chart and table (HTML)</source>
      <translation>Gráfico e tabela (HTML)</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/clear_fraction.py" />
      <source>Chart of clear % over time</source>
      <translation>Gráfico de % sem nuvens ao longo do tempo</translation>
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
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>Choose the raster band of each model input above, or the sensor.</source>
      <translation>Escolha acima a banda do raster de cada entrada do modelo, ou o sensor.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/runs.py" />
      <source>Clear finished</source>
      <translation>Limpar concluídas</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/clear_fraction.py" />
      <source>Clear fraction per area</source>
      <translation>Fração sem nuvens por área</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/clear_fraction.py" />
      <source>Clear fraction table</source>
      <translation>Tabela da fração sem nuvens</translation>
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
      <location filename="../cloud_mask_plugin/processing/mask_clouds.py" />
      <source>Cloud cover (%)</source>
      <translation>Cobertura de nuvens (%)</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/mask_clouds.py" />
      <source>Cloud cover: {percent:.2f}%</source>
      <translation>Cobertura de nuvens: {percent:.2f}%</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <location filename="../cloud_mask_plugin/processing/mask_clouds.py" />
      <location filename="../cloud_mask_plugin/styles.py" />
      <source>Cloud mask</source>
      <translation>Máscara de nuvens</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/results.py" />
      <source>Cloud mask of '{layer}' made by the Cloud Mask plugin {plugin} with model {model} version {version} (threshold {threshold}, {device}). Cloud cover: {percent:.2f} % of the valid pixels.</source>
      <translation>Máscara de nuvens de '{layer}' feita pelo complemento Cloud Mask {plugin} com o modelo {model} versão {version} (limiar {threshold}, {device}). Cobertura de nuvens: {percent:.2f} % dos pixels válidos.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/algorithm.py" />
      <source>Cloud masking</source>
      <translation>Mascaramento de nuvens</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/clear_fraction.py" />
      <source>Cloud masks folder (masks already there are reused)</source>
      <translation>Pasta das máscaras de nuvens (as máscaras que já estão lá são reutilizadas)</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <location filename="../cloud_mask_plugin/processing/mask_clouds.py" />
      <location filename="../cloud_mask_plugin/styles.py" />
      <source>Cloud polygons</source>
      <translation>Polígonos de nuvens</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <location filename="../cloud_mask_plugin/processing/mask_clouds.py" />
      <source>Cloud probability</source>
      <translation>Probabilidade de nuvem</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/styles.py" />
      <source>Cloud probability (%)</source>
      <translation>Probabilidade de nuvem (%)</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Cloud probability from which a pixel counts as cloud. Lower finds more thin cloud, higher fewer false clouds.</source>
      <translation>Probabilidade de nuvem a partir da qual um pixel conta como nuvem. Mais baixa encontra mais nuvens finas; mais alta, menos nuvens falsas.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/mask_clouds.py" />
      <source>Cloud probability threshold (empty: the model's)</source>
      <translation>Limiar de probabilidade de nuvem (vazio: o do modelo)</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <location filename="../cloud_mask_plugin/processing/mask_clouds.py" />
      <location filename="../cloud_mask_plugin/styles.py" />
      <source>Coarse grid</source>
      <translation>Grade grosseira</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Default model (not installed)</source>
      <translation>Modelo padrão (não instalado)</translation>
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
      <location filename="../cloud_mask_plugin/processing/clear_fraction.py" />
      <source>Device</source>
      <translation>Dispositivo</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/mask_clouds.py" />
      <source>Device (auto: the GPU when one can be used, else the CPU)</source>
      <translation>Dispositivo (auto: a GPU quando houver uma utilizável, senão a CPU)</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/installer.py" />
      <source>Download and install {package} ({size}) from the Python Package Index into {folder}?</source>
      <translation>Baixar e instalar o {package} ({size}) do Python Package Index em {folder}?</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/installer.py" />
      <source>Downloads {package} from the Python Package Index into the QGIS profile (QGIS's own Python is not changed).</source>
      <translation>Baixa o {package} do Python Package Index para o perfil do QGIS (o Python do próprio QGIS não é alterado).</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>Edit bands…</source>
      <translation>Editar bandas…</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Folder for the cloud mask results</source>
      <translation>Pasta para os resultados da máscara de nuvens</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/clear_fraction.py" />
      <source>Folder of scenes</source>
      <translation>Pasta de cenas</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/clear_fraction.py" />
      <source>For every scene and every area of interest: the share of the area that is clear, cloudy, in cloud shadow and without data, with the scene's acquisition date and sensor (from its MTL file, Sentinel-2 metadata, tags or file name; 'unknown' when none says).</source>
      <translation>Para cada cena e cada área de interesse: a parcela da área sem nuvens, com nuvens, em sombra de nuvem e sem dados, com a data de aquisição e o sensor da cena (do arquivo MTL, dos metadados do Sentinel-2, das tags ou do nome do arquivo; 'unknown' quando nenhum deles informa).</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>Forget the choices made here for this layer and use what is detected.</source>
      <translation>Esquecer as escolhas feitas aqui para esta camada e usar o que for detectado.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/devices.py" />
      <source>GPU (CUDA)</source>
      <translation>GPU (CUDA)</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/clear_fraction.py" />
      <source>GeoPackage (*.gpkg);;CSV files (*.csv)</source>
      <translation>GeoPackage (*.gpkg);;Arquivos CSV (*.csv)</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Go back to the model's own threshold.</source>
      <translation>Voltar ao limiar do próprio modelo.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/clear_fraction.py" />
      <source>HTML files (*.html)</source>
      <translation>Arquivos HTML (*.html)</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/mask_clouds.py" />
      <source>Incorrect parameter value for {parameter}</source>
      <translation>Valor incorreto para o parâmetro {parameter}</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>Input</source>
      <translation>Entrada</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/mask_clouds.py" />
      <source>Input raster</source>
      <translation>Raster de entrada</translation>
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
      <translation>A instalação do {package} falhou; o painel de log (aba Cloud Mask) diz por quê. O README traz um comando para cada plataforma.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/installer.py" />
      <source>Installing {package} into {folder}</source>
      <translation>Instalando {package} em {folder}</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/installer.py" />
      <source>Installing {package}…</source>
      <translation>Instalando {package}…</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/mask_clouds.py" />
      <source>JSON files (*.json)</source>
      <translation>Arquivos JSON (*.json)</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>License: {license}</source>
      <translation>Licença: {license}</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/clear_fraction.py" />
      <source>List of picked scenes</source>
      <translation>Lista das cenas escolhidas</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/clear_fraction.py" />
      <source>Load the picked scenes into the project</source>
      <translation>Carregar as cenas escolhidas no projeto</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>MTL file</source>
      <translation>arquivo MTL</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/__init__.py" />
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <location filename="../cloud_mask_plugin/gui/runs.py" />
      <location filename="../cloud_mask_plugin/i18n.py" />
      <location filename="../cloud_mask_plugin/processing/mask_clouds.py" />
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
      <source>Mask the clouds of this raster layer with the Cloud Mask panel's settings</source>
      <translation>Mascarar as nuvens desta camada raster com as configurações do painel Cloud Mask</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/__init__.py" />
      <source>Mask the layers ticked in the Cloud Mask panel with its settings</source>
      <translation>Mascarar as camadas marcadas no painel Cloud Mask com as configurações dele</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/__init__.py" />
      <source>Mask the ticked layers</source>
      <translation>Mascarar as camadas marcadas</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/runs.py" />
      <source>Mask the ticked layers, one after the other, in the background.</source>
      <translation>Mascarar as camadas marcadas, uma após a outra, em segundo plano.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <location filename="../cloud_mask_plugin/styles.py" />
      <source>Masked image</source>
      <translation>Imagem mascarada</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/mask_clouds.py" />
      <source>Masked image (clouds set to no data)</source>
      <translation>Imagem mascarada (nuvens como sem dados)</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/runner.py" />
      <source>Masking '{layer}' failed: {error}</source>
      <translation>Falha ao mascarar '{layer}': {error}</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/mask_clouds.py" />
      <source>Masks the clouds of a multispectral raster file with the model bundle's coarse/fine CNN cascade: a coarse model sorts the scene into cloudless, overcast and partly cloudy cells, and only partly cloudy cells go to the fine model at full resolution.</source>
      <translation>Mascara as nuvens de um arquivo raster multiespectral com a cascata de CNNs grossa/fina do pacote de modelo: um modelo grosso separa a cena em células sem nuvens, encobertas e parcialmente nubladas, e só as parcialmente nubladas vão ao modelo fino em resolução total.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/mask_clouds.py" />
      <source>Minimum polygon area (map units squared)</source>
      <translation>Área mínima do polígono (unidades do mapa ao quadrado)</translation>
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
      <translation>Pasta do pacote de modelo (vazio: o modelo incluído)</translation>
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
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Model default ({thresholds})</source>
      <translation>Padrão do modelo ({thresholds})</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/mask_clouds.py" />
      <source>Name the raster's bands in Bands (e.g. blue,green,red,nir) or choose a Sensor.</source>
      <translation>Nomeie as bandas do raster em Bandas (p. ex. blue,green,red,nir) ou escolha um Sensor.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/devices.py" />
      <source>No GPU that the models can use was found; install onnxruntime-gpu matching your CUDA, or choose Automatic or CPU.</source>
      <translation>Nenhuma GPU utilizável pelos modelos foi encontrada; instale o onnxruntime-gpu compatível com o seu CUDA ou escolha Automático ou CPU.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/layers.py" />
      <source>No layer is selected; select a raster layer in the Layers panel.</source>
      <translation>Nenhuma camada selecionada; selecione uma camada raster no painel Camadas.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/mask_clouds.py" />
      <source>Offset</source>
      <translation>Deslocamento</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/messages.py" />
      <source>Open the log panel (Cloud Mask tab)</source>
      <translation>Abrir o painel de mensagens de log (aba Cloud Mask)</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/clear_fraction.py" />
      <source>PNG images (*.png)</source>
      <translation>Imagens PNG (*.png)</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/clear_fraction.py" />
      <source>Pick the scenes in which an area is at least this clear (%; empty: no picking)</source>
      <translation>Escolher as cenas em que uma área está pelo menos esta % sem nuvens (vazio: não escolher)</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/mask_clouds.py" />
      <source>Pixels that are 0 in every band are data (for rasters without a no-data value; by default they are no data)</source>
      <translation>Pixels com 0 em todas as bandas são dados (para rasters sem valor de sem-dados; por padrão são sem dados)</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/mask_clouds.py" />
      <source>Polygon buffer (map units)</source>
      <translation>Buffer dos polígonos (unidades do mapa)</translation>
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
      <location filename="../cloud_mask_plugin/processing/mask_clouds.py" />
      <source>Report</source>
      <translation>Relatório</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/runner.py" />
      <source>Report of '{layer}': {path}</source>
      <translation>Relatório de '{layer}': {path}</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Reset</source>
      <translation>Redefinir</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Results</source>
      <translation>Resultados</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/devices.py" />
      <source>Runs on the CPU.</source>
      <translation>Roda na CPU.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/devices.py" />
      <source>Runs on the CPU: no GPU that onnxruntime can use was found.</source>
      <translation>Roda na CPU: nenhuma GPU utilizável pelo onnxruntime foi encontrada.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/devices.py" />
      <source>Runs on the GPU (CUDA).</source>
      <translation>Roda na GPU (CUDA).</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/devices.py" />
      <source>Runs on the GPU (CUDA, through torch).</source>
      <translation>Roda na GPU (CUDA, pelo torch).</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Save to</source>
      <translation>Salvar em</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/mask_clouds.py" />
      <source>Scale (reflectance = DN x scale + offset)</source>
      <translation>Escala (refletância = ND x escala + deslocamento)</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/clear_fraction.py" />
      <source>Scenes</source>
      <translation>Cenas</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/clear_fraction.py" />
      <source>Scenes picked</source>
      <translation>Cenas escolhidas</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>Select a layer in the list above to see and change its bands.</source>
      <translation>Selecione uma camada na lista acima para ver e alterar as suas bandas.</translation>
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
      <translation>Sensor (auto: detectado a partir do arquivo)</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>Set the scaling myself</source>
      <translation>Definir a escala manualmente</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>Show which raster band feeds each model input, the sensor and the scaling.</source>
      <translation>Mostrar qual banda do raster alimenta cada entrada do modelo, o sensor e a escala.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/runs.py" />
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
      <location filename="../cloud_mask_plugin/processing/clear_fraction.py" />
      <source>Text files (*.txt)</source>
      <translation>Arquivos de texto (*.txt)</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/i18n.py" />
      <source>The Python package onnxruntime is not installed in QGIS; install it from the Cloud Mask panel.</source>
      <translation>O pacote Python onnxruntime não está instalado no QGIS; instale-o pelo painel Cloud Mask.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/i18n.py" />
      <source>The band list names {listed} bands but '{raster}' has only {band_count}.</source>
      <translation>A lista de bandas nomeia {listed} bandas, mas '{raster}' tem só {band_count}.</translation>
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
      <location filename="../cloud_mask_plugin/processing/mask_clouds.py" />
      <source>The model needs the Python package onnxruntime; the Cloud Mask panel offers to install it.</source>
      <translation>O modelo precisa do pacote Python onnxruntime; o painel Cloud Mask oferece instalá-lo.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>The model shipped with the plugin (the default)</source>
      <translation>O modelo que acompanha o plugin (o padrão)</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/installer.py" />
      <source>The models run on onnxruntime, which is not installed in QGIS yet.</source>
      <translation>Os modelos rodam no onnxruntime, que ainda não está instalado no QGIS.</translation>
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
      <location filename="../cloud_mask_plugin/styles.py" />
      <source>The style file {path} is missing; reinstall the plugin.</source>
      <translation>O arquivo de estilo {path} está faltando; reinstale o complemento.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/styles.py" />
      <source>The style {path} could not be applied to '{layer}': {message}</source>
      <translation>Não foi possível aplicar o estilo {path} a '{layer}': {message}</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/i18n.py" />
      <source>The {band_count} band(s) of '{raster}' have no names the model knows; it needs {needed}.</source>
      <translation>As {band_count} banda(s) de '{raster}' não têm nomes que o modelo conheça; ele precisa de {needed}.</translation>
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
      <location filename="../cloud_mask_plugin/gui/layer_list.py" />
      <source>Tick the layers to mask; select one to see its bands below.</source>
      <translation>Marque as camadas a mascarar; selecione uma para ver as suas bandas abaixo.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/dock.py" />
      <source>Unusable: {folder}</source>
      <translation>Inutilizável: {folder}</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/installer.py" />
      <source>about 20 MB</source>
      <translation>cerca de 20 MB</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/installer.py" />
      <source>about 200 MB</source>
      <translation>cerca de 200 MB</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>band files</source>
      <translation>arquivos de banda</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>band names</source>
      <translation>nomes das bandas</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/clear_fraction.py" />
      <source>cancelled by the user</source>
      <translation>cancelado pelo usuário</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/i18n.py" />
      <source>classifying the coarse grid</source>
      <translation>classificando a grade grosseira</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/styles.py" />
      <source>clear</source>
      <translation>limpo</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/styles.py" />
      <source>cloud</source>
      <translation>nuvem</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/styles.py" />
      <source>cloudless</source>
      <translation>sem nuvens</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/runner.py" />
      <source>default</source>
      <translation>padrão</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>detected bands</source>
      <translation>bandas detectadas</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/layers.py" />
      <source>export it to a GeoTIFF first (right-click the layer &gt; Export &gt; Save As…) and mask that file.</source>
      <translation>exporte-a antes para um GeoTIFF (clique direito na camada &gt; Exportar &gt; Salvar Como…) e mascare esse arquivo.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/i18n.py" />
      <source>fine model and writing the mask</source>
      <translation>modelo fino e gravação da máscara</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>guessed</source>
      <translation>estimada</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/mask_clouds.py" />
      <source>layer '{layer}' is not a raster file on disk (provider '{provider}'); export it to GeoTIFF first (right-click the layer &gt; Export &gt; Save As...) and mask that file</source>
      <translation>a camada '{layer}' não é um arquivo raster em disco (provedor '{provider}'); exporte-a primeiro para GeoTIFF (clique direito na camada &gt; Exportar &gt; Salvar como...) e mascare esse arquivo</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/styles.py" />
      <source>no data</source>
      <translation>sem dados</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/clear_fraction.py" />
      <source>no scene could be masked; see the warnings above</source>
      <translation>nenhuma cena pôde ser mascarada; veja os avisos acima</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/clear_fraction.py" />
      <source>no scene given: choose raster layers under Scenes or a folder of scenes</source>
      <translation>nenhuma cena informada: escolha camadas raster em Cenas ou uma pasta de cenas</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>offset</source>
      <translation>deslocamento</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/devices.py" />
      <source>onnxruntime is not installed in QGIS yet; install it with the button at the top of this panel.</source>
      <translation>O onnxruntime ainda não está instalado no QGIS; instale-o com o botão no topo deste painel.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/styles.py" />
      <source>overcast</source>
      <translation>encoberta</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/styles.py" />
      <source>partly cloudy</source>
      <translation>parcialmente nublada</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/clear_fraction.py" />
      <source>picked: {scene}</source>
      <translation>escolhida: {scene}</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>product name</source>
      <translation>nome do produto</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/i18n.py" />
      <source>reading the scene</source>
      <translation>lendo a cena</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>reflectance = DN × scale + offset, for every band. Sentinel-2 from 2022: scale 0.0001, offset -0.1; Landsat Collection 2 Level-2: scale 2.75e-05, offset -0.2.</source>
      <translation>refletância = ND × escala + deslocamento, para todas as bandas. Sentinel-2 a partir de 2022: escala 0.0001, deslocamento -0.1; Landsat Coleção 2 Nível 2: escala 2.75e-05, deslocamento -0.2.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>scale</source>
      <translation>escala</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>sensor preset</source>
      <translation>predefinição do sensor</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/runs.py" />
      <source>starting</source>
      <translation>iniciando</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/plugin.py" />
      <source>the Cloud Mask panel is not available ({error}); use Processing &gt; Toolbox &gt; Cloud Mask</source>
      <translation>o painel Cloud Mask não está disponível ({error}); use Processamento &gt; Caixa de ferramentas &gt; Cloud Mask</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/clear_fraction.py" />
      <source>the areas of interest have no coordinate reference system; set one (Layer Properties &gt; Source) so they can be placed on the scenes</source>
      <translation>as áreas de interesse não têm sistema de referência de coordenadas; defina um (Propriedades da camada &gt; Fonte) para que possam ser posicionadas sobre as cenas</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>the raster's</source>
      <translation>a do raster</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/i18n.py" />
      <source>tracing cloud polygons</source>
      <translation>traçando os polígonos de nuvens</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/clear_fraction.py" />
      <location filename="../cloud_mask_plugin/processing/mask_clouds.py" />
      <source>unexpected error in the Cloud Mask engine ({error}); please report it with the log of this run</source>
      <translation>erro inesperado no motor do Cloud Mask ({error}); por favor, relate-o com o log desta execução</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/runs.py" />
      <source>waiting for the previous run</source>
      <translation>aguardando a execução anterior</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/i18n.py" />
      <source>writing the masked image</source>
      <translation>gravando a imagem mascarada</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>your band list</source>
      <translation>sua lista de bandas</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>yours</source>
      <translation>a sua</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>{band} ({file})</source>
      <translation>{band} ({file})</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/clear_fraction.py" />
      <source>{count} scene(s) in which an area is at least {percent:g} % clear</source>
      <translation>{count} cena(s) em que uma área está pelo menos {percent:g} % sem nuvens</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/styles.py" />
      <source>{input} - {product}</source>
      <translation>{input} - {product}</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/results.py" />
      <source>{layer} clouds</source>
      <translation>Nuvens de {layer}</translation>
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
      <translation>{name}: {wavelength:g} nm, necessária</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>{name}: {wavelength:g} nm, optional (used when the raster has it)</source>
      <translation>{name}: {wavelength:g} nm, opcional (usada quando o raster a tem)</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>{naming}, {mapped} of {inputs} inputs mapped, scaling: {scaling}</source>
      <translation>{naming}, {mapped} de {inputs} entradas associadas, escala: {scaling}</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/installer.py" />
      <source>{package} is installed; the panel is ready.</source>
      <translation>{package} está instalado; o painel está pronto.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/installer.py" />
      <source>{package} runs the models on the CPU.</source>
      <translation>O {package} roda os modelos na CPU.</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/clear_fraction.py" />
      <source>{parameter}: '{path}' must end in .gpkg or .csv</source>
      <translation>{parameter}: '{path}' deve terminar em .gpkg ou .csv</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/mask_clouds.py" />
      <source>{parameter}: '{path}' must end in {extensions}; the engine writes only that format</source>
      <translation>{parameter}: '{path}' deve terminar em {extensions}; o motor grava apenas esse formato</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>{path} path</source>
      <translation>caminho {path}</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/clear_fraction.py" />
      <source>{scene} was not masked: {error}</source>
      <translation>{scene} não foi mascarada: {error}</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/processing/clear_fraction.py" />
      <source>{scene}: mask reused from {mask}</source>
      <translation>{scene}: máscara reutilizada de {mask}</translation>
    </message>
    <message>
      <location filename="../cloud_mask_plugin/gui/band_mapping.py" />
      <source>— not set —</source>
      <translation>— não definida —</translation>
    </message>
    <message>
      <source>'{layer}' has {count} band(s); the model needs at least {needed}: {names}. Stack the bands into one raster (Raster &gt; Miscellaneous &gt; Build Virtual Raster) or choose another layer.</source>
      <translation type="vanished">'{layer}' tem {count} banda(s); o modelo precisa de pelo menos {needed}: {names}. Empilhe as bandas em um raster (Raster &gt; Miscelânea &gt; Construir raster virtual) ou escolha outra camada.</translation>
    </message>
    <message>
      <source>'{layer}': {percent:.1f} % cloud cover (model {model} {version}).</source>
      <translation type="vanished">'{layer}': {percent:.1f} % de cobertura de nuvens (modelo {model} {version}).</translation>
    </message>
    <message>
      <source>Band names from: {source}.</source>
      <translation type="vanished">Nomes das bandas obtidos de: {source}.</translation>
    </message>
    <message>
      <source>Bands of '{layer}'</source>
      <translation type="vanished">Bandas de '{layer}'</translation>
    </message>
    <message>
      <source>Cannot mask '{layer}': {reason}. In QGIS, set which raster band feeds each model input in the Cloud Mask panel (Bands).</source>
      <translation type="vanished">Não é possível mascarar '{layer}': {reason}. No QGIS, defina qual banda do raster alimenta cada entrada do modelo no painel Cloud Mask (Bandas).</translation>
    </message>
    <message>
      <source>Default: {name} {version}</source>
      <translation type="vanished">Padrão: {name} {version}</translation>
    </message>
    <message>
      <source>Mask the clouds of the selected raster layer with the Cloud Mask panel's settings</source>
      <translation type="vanished">Mascarar as nuvens da camada raster selecionada com as configurações do painel Cloud Mask</translation>
    </message>
    <message>
      <source>Model input</source>
      <translation type="vanished">Entrada do modelo</translation>
    </message>
    <message>
      <source>Raster band</source>
      <translation type="vanished">Banda do raster</translation>
    </message>
    <message>
      <source>Scaling from: {source}.</source>
      <translation type="vanished">Escala obtida de: {source}.</translation>
    </message>
    <message>
      <source>done</source>
      <translation type="vanished">concluído</translation>
    </message>
    <message>
      <source>fine model on partly cloudy cells</source>
      <translation type="vanished">modelo fino nas células parcialmente nubladas</translation>
    </message>
    <message>
      <source>writing the mask</source>
      <translation type="vanished">gravando a máscara</translation>
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
      <translation type="vanished">{naming}, {mapped} de {inputs} associadas (caminho {path}), escala: {scaling}</translation>
    </message>
  </context>
</TS>
