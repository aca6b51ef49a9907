<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<qgis version="3.22.16-Białowieża" styleCategories="Symbology">
  <pipe-data-defined-properties>
    <Option type="Map">
      <Option value="" type="QString" name="name"/>
      <Option name="properties"/>
      <Option value="collection" type="QString" name="type"/>
    </Option>
  </pipe-data-defined-properties>
  <pipe>
    <provider>
      <resampling zoomedOutResamplingMethod="nearestNeighbour" enabled="false" maxOversampling="2" zoomedInResamplingMethod="nearestNeighbour"/>
    </provider>
    <rasterrenderer classificationMin="0" band="1" type="singlebandpseudocolor" classificationMax="100" nodataColor="" opacity="1" alphaBand="-1">
      <minMaxOrigin>
        <limits>None</limits>
        <extent>WholeRaster</extent>
        <statAccuracy>Estimated</statAccuracy>
        <cumulativeCutLower>0.02</cumulativeCutLower>
        <cumulativeCutUpper>0.98</cumulativeCutUpper>
        <stdDevFactor>2</stdDevFactor>
      </minMaxOrigin>
      <rastershader>
        <colorrampshader clip="0" minimumValue="0" colorRampType="INTERPOLATED" classificationMode="1" maximumValue="100" labelPrecision="0">
          <colorramp type="gradient" name="[source]">
            <Option type="Map">
              <Option value="0,90,255,0" type="QString" name="color1"/>
              <Option value="170,0,40,225" type="QString" name="color2"/>
              <Option value="0" type="QString" name="discrete"/>
              <Option value="gradient" type="QString" name="rampType"/>
              <Option value="0.25;0,110,255,120:0.5;140,40,230,170:0.75;220,0,140,200" type="QString" name="stops"/>
            </Option>
            <prop k="color1" v="0,90,255,0"/>
            <prop k="color2" v="170,0,40,225"/>
            <prop k="discrete" v="0"/>
            <prop k="rampType" v="gradient"/>
            <prop k="stops" v="0.25;0,110,255,120:0.5;140,40,230,170:0.75;220,0,140,200"/>
          </colorramp>
          <item value="0" color="#005aff" alpha="0" label="0 %"/>
          <item value="25" color="#006eff" alpha="120" label="25 %"/>
          <item value="50" color="#8c28e6" alpha="170" label="50 %"/>
          <item value="75" color="#dc008c" alpha="200" label="75 %"/>
          <item value="100" color="#aa0028" alpha="225" label="100 %"/>
          <rampLegendSettings minimumLabel="" prefix="" maximumLabel="" suffix="" orientation="2" useContinuousLegend="1" direction="0">
            <numericFormat id="basic">
              <Option type="Map">
                <Option value="" type="QChar" name="decimal_separator"/>
                <Option value="6" type="int" name="decimals"/>
                <Option value="0" type="int" name="rounding_type"/>
                <Option value="false" type="bool" name="show_plus"/>
                <Option value="true" type="bool" name="show_thousand_separator"/>
                <Option value="false" type="bool" name="show_trailing_zeros"/>
                <Option value="" type="QChar" name="thousand_separator"/>
              </Option>
            </numericFormat>
          </rampLegendSettings>
        </colorrampshader>
      </rastershader>
    </rasterrenderer>
    <brightnesscontrast brightness="0" contrast="0" gamma="1"/>
    <huesaturation invertColors="0" colorizeRed="255" colorizeGreen="128" colorizeOn="0" colorizeBlue="128" grayscaleMode="0" saturation="0" colorizeStrength="100"/>
    <rasterresampler maxOversampling="2"/>
    <resamplingStage>resamplingFilter</resamplingStage>
  </pipe>
  <blendMode>0</blendMode>
</qgis>
