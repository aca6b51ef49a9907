"""The results table (benchmarks/results_table.py) renders its table from a small JSON and rewrites only the README's marked part."""
from benchmarks.results_readme import TABLE_END, TABLE_START, render_table, update_readme

RESULTS = {
    "measured": {"date": "2026-01-01", "commit": "abc"},
    "rows": [
        {"id": "default/cascade", "label": "default bundle", "method": "cascade",
         "splits": {"biome_val": {"f1": 0.95512, "iou": 0.9, "precision": 0.96, "recall": 0.94, "accuracy": 0.93,
                                  "fine_cell_fraction": 0.5},
                    "oncloudn_val": {"f1": 0.81, "iou": 0.7, "precision": 0.9, "recall": 0.7, "accuracy": 0.8}},
         "coarse": {"biome_val": {"cell_accuracy": 0.8, "s_dn_overcast_cloudless": 0.01,
                                  "s_dn_overcast_cloudless_truth": 0.02}}},
        {"id": "peer/blue", "label": "`blue > 0.25`", "method": "threshold",
         "splits": {"oncloudn_val": {"f1": 0.633, "iou": 0.46, "precision": 1.0, "recall": 0.46, "accuracy": 0.74}},
         "note": "only On Cloud N here"},
    ],
}


def test_render_table_has_one_line_per_row_and_split():
    table = render_table(RESULTS)
    assert "| default bundle | cascade (50% of cells to the fine model) | 0.955 | 0.900 |" in table
    assert table.count("`blue > 0.25`") == 2  # its On Cloud N row and its note; no Biome row
    assert "| default bundle | 0.800 | 0.010 (0.020) | - | - (-) |" in table
    assert "commit abc" in table


def test_update_readme_replaces_only_between_markers(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# Title\n\nintro\n")
    assert update_readme(str(readme), "first\n")
    text = readme.read_text()
    assert text.startswith("# Title\n\nintro\n") and TABLE_START in text and "first" in text
    readme.write_text(text + "\nafter\n")
    assert update_readme(str(readme), "second\n")
    text = readme.read_text()
    assert "second" in text and "first" not in text and text.endswith("after\n")
    assert text.count(TABLE_START) == 1 and text.count(TABLE_END) == 1
    assert not update_readme(str(readme), "second\n")
