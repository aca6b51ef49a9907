"""The clear fraction chart (PNG) and page (HTML): over time when every scene has a date,
scene by scene when some have none, and without a point where a scene misses an area."""
import base64
import warnings

import numpy as np
from osgeo import gdal

from cloud_mask_plugin.core.acquisition import Acquisition
from cloud_mask_plugin.core.area_chart import write_chart, write_html
from cloud_mask_plugin.core.area_table import scene_rows, sorted_rows
from cloud_mask_plugin.core.areas import AreaShares


def rows_for(dates):
    """Two fields over scenes taken on ``dates``: field a clear in every scene, field b
    cloudy in every scene but missed by the last one (all no data)."""
    rows = []
    for i, date in enumerate(dates):
        last = i == len(dates) - 1
        shares = [AreaShares("a", 90.0, 10.0, 0.0, 0.0, 100.0),
                  AreaShares("b", 0.0, 0.0, 0.0, 100.0, 50.0) if last else AreaShares("b", 20.0, 80.0, 0.0, 0.0, 50.0)]
        rows += scene_rows(f"/archive/scene_{i}.tif", Acquisition(date, "Sentinel-2A MSI", "file name"),
                           f"/masks/scene_{i}_cloudmask.tif", "0.6.0", shares)
    return sorted_rows(rows, ["a", "b"])


def rightmost_column(path, colour):
    """The rightmost pixel column of a PNG where ``colour`` (RGB) is drawn, or -1."""
    rgb = gdal.Open(str(path)).ReadAsArray()[:3]
    columns = np.nonzero((rgb == np.array(colour)[:, None, None]).all(axis=0).any(axis=0))[0]
    return int(columns.max()) if columns.size else -1


def test_the_chart_is_drawn_over_time_or_scene_by_scene_without_warnings(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        write_chart(str(tmp_path / "time.png"), rows_for(["2021-05-01", "2021-06-15", "2021-08-30"]), 50.0)
        write_chart(str(tmp_path / "scenes.png"), rows_for(["2021-05-01", "unknown", "unknown"]), None)
    for name in ("time.png", "scenes.png"):
        ds = gdal.Open(str(tmp_path / name))
        assert ds.GetDriver().ShortName == "PNG" and (ds.RasterXSize, ds.RasterYSize) == (1000, 500)
    # matplotlib's first two line colours: blue for field a, drawn to the last date; orange
    # for field b, which the last scene misses, stops at the second (a month and a half apart).
    blue, orange = (rightmost_column(tmp_path / "time.png", colour) for colour in ((31, 119, 180), (255, 127, 14)))
    assert orange > 0 and blue - orange > 300, (blue, orange)


def test_the_page_holds_the_chart_and_every_row(tmp_path):
    rows = rows_for(["2021-05-01", "2021-06-15"])
    chart = tmp_path / "chart.png"
    write_chart(str(chart), rows, 50.0)
    write_html(str(tmp_path / "page.html"), rows, str(chart), ["/archive/scene_0.tif"])
    page = (tmp_path / "page.html").read_text(encoding="utf-8")
    assert base64.b64encode(chart.read_bytes()).decode("ascii") in page
    assert "1 scene(s) picked: scene_0.tif" in page
    assert page.count("<tr>") == 1 + len(rows)
    assert "<td>scene_1.tif</td><td>2021-06-15</td><td>Sentinel-2A MSI</td><td>b</td><td>0.00</td>" in page
