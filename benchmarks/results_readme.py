"""The results table in ``training/README.md``: rendered from the results JSON that
``results_table.py`` writes, and put between the README's ``results-table`` markers."""
from __future__ import annotations

from typing import List

TABLE_START = "<!-- results-table:start (python benchmarks/results_table.py rewrites this part) -->"
TABLE_END = "<!-- results-table:end -->"
SPLIT_TITLES = {"biome_val": "Biome val", "oncloudn_val": "On Cloud N chips 1-3"}
SCORE_KEYS = ("f1", "iou", "precision", "recall", "accuracy")
HELD_OUT_MOSAICS = 40   # fresh training mosaics the coarse model is also scored on
HELD_OUT_SEED = 4242    # not a training seed: other tiles, flips and synthetic clouds
NOISE_SEED = 7          # the label corruption of results_noisy*.toml


def _fmt(v) -> str:
    return f"{v:.3f}" if isinstance(v, (int, float)) else "-"


def render_table(results: dict) -> str:
    """Markdown for the README from the results JSON (see ``collect``): one pixel-score table
    per split, then the coarse models' cell accuracy and S_dn."""
    rows: List[dict] = results["rows"]
    lines = []
    for split, title in SPLIT_TITLES.items():
        lines += [f"**{title}**", "", "| row | method | F1 | IoU | precision | recall | accuracy |",
                  "| --- | --- | --- | --- | --- | --- | --- |"]
        for row in rows:
            s = row["splits"].get(split)
            if s is None:
                continue
            extra = f" ({s['fine_cell_fraction']:.0%} of cells to the fine model)" if "fine_cell_fraction" in s else ""
            lines.append(f"| {row['label']} | {row['method']}{extra} | " +
                         " | ".join(_fmt(s.get(k)) for k in SCORE_KEYS) + " |")
        lines.append("")
    coarse_rows = [r for r in rows if r.get("coarse")]
    if coarse_rows:
        titles = {**SPLIT_TITLES, "held_out_mosaics": f"{HELD_OUT_MOSAICS} held-out training mosaics"}
        lines += ["**Coarse model** (cell classes against grid labels at tolerance 0; S_dn: the normalised "
                  "adjacency score of overcast next to cloudless, Eq. 5, mean over scenes; the truth's own S_dn "
                  "in brackets; held-out mosaics: 8 x 8 cells each, from the training sources with another "
                  f"seed ({HELD_OUT_SEED}))", "",
                  "| row | " + " | ".join(f"{t} cell accuracy | {t} S_dn" for t in titles.values()) + " |",
                  "| --- | " + " | ".join("--- | ---" for _ in titles) + " |"]
        for row in coarse_rows:
            cells = []
            for split in titles:
                c = row["coarse"].get(split, {})
                cells.append(f"{_fmt(c.get('cell_accuracy'))} | {_fmt(c.get('s_dn_overcast_cloudless'))} "
                             f"({_fmt(c.get('s_dn_overcast_cloudless_truth'))})")
            lines.append(f"| {row['label']} | " + " | ".join(cells) + " |")
        lines.append("")
    quality = results.get("cal_label_quality")
    if quality:
        lines += [f"**Cloud Adaptive Labeling on corrupted labels, no training** (Biome train, corrupted with seed "
                  f"{NOISE_SEED}, scored against the clean labels)", "",
                  "| labels | F1 | IoU | precision | recall | accuracy |", "| --- | --- | --- | --- | --- | --- |"]
        lines += [f"| {q['labels']} | " + " | ".join(_fmt(q.get(k)) for k in SCORE_KEYS) + " |" for q in quality]
        lines.append("")
    notes = [f"- {row['label']}: {row['note']}" for row in rows if row.get("note")]
    if notes:
        lines += notes + [""]
    meta = results.get("measured", {})
    if meta:
        lines.append(f"Measured {meta.get('date', '?')} at commit {meta.get('commit', '?')} by "
                     "`python benchmarks/results_table.py`.")
    return "\n".join(lines).rstrip() + "\n"


def update_readme(readme_path: str, table: str) -> bool:
    """Replace the text between the markers (appending a section with them when absent);
    returns whether the file changed."""
    with open(readme_path, encoding="utf-8") as f:
        text = f.read()
    block = f"{TABLE_START}\n\n{table}\n{TABLE_END}"
    if TABLE_START in text and TABLE_END in text:
        start = text.index(TABLE_START)
        end = text.index(TABLE_END) + len(TABLE_END)
        new = text[:start] + block + text[end:]
    else:
        new = text.rstrip("\n") + "\n\n## Results table\n\n" + block + "\n"
    if new == text:
        return False
    with open(readme_path, "w", encoding="utf-8") as f:
        f.write(new)
    return True
