"""Runs ukis-csmask inside its own virtual environment (made by ``peers.py``).

Reads a JSON list of jobs from argv[1]; each job names an .npy image (rows, cols, bands,
float32 reflectance), its band order and product level, and where to write the cloud
mask (.npy, uint8: 1 cloud, else 0). Writes the wall and CPU seconds of each ``CSmask``
call (model loading and inference, as a user's call costs) as JSON to argv[2]. Imports nothing from
the Cloud Mask project.
"""
import json
import os
import sys
import time

import numpy as np
from ukis_csmask.mask import CSmask


def main():
    with open(sys.argv[1]) as f:
        jobs = json.load(f)
    seconds = []
    for job in jobs:
        image = np.load(job["image"])
        start, cpu_start = time.perf_counter(), time.process_time()
        csmask = CSmask(img=image, band_order=job["band_order"], product_level=job["product_level"],
                        nodata_value=0, intra_op_num_threads=job.get("threads", 0),
                        providers=["CPUExecutionProvider"], batch_size=job.get("batch_size", 1))
        seconds.append((time.perf_counter() - start, time.process_time() - cpu_start))
        # csm classes: 0 background, 1 cloud, 2 cloud shadow.
        np.save(job["output"], (csmask.csm[..., 0] == 1).astype(np.uint8))
        del csmask, image
    with open(sys.argv[2], "w") as f:
        json.dump({"seconds": seconds, "model_files": sorted(os.listdir(os.path.dirname(
            sys.modules["ukis_csmask.mask"].__file__)))}, f)


if __name__ == "__main__":
    main()
