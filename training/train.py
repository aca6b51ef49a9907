"""Train both models of a config, save a checkpoint, export the bundle and measure it.

Steps of ``run(config)``:

1. read the training sources (labelled) and clear sources (for synthetic clouds);
   validation splits are never read here;
2. per-band mean and standard deviation of the valid training pixels, which become the
   normalisation inside both models;
3. train the fine U-Net on patches (binary cross-entropy over valid pixels, optionally
   with Cloud Adaptive Labeling on the sources the config names);
4. train the coarse model on mosaics with the loss of Eq. 1 (weighted cross-entropy,
   adjacency term switched on after ``adjacency_after`` of the iterations);
5. save ``<checkpoint_dir>/<name>/checkpoint.pt``, export the bundle, read it back with
   ``load_bundle`` and, when the validation data is present, evaluate it through
   onnxruntime and write the scores into the manifest.

Runs are seeded (numpy, torch) and single-process, so the same config on the same
machine draws the same batches.
"""
from __future__ import annotations

import os
import random
import time
from typing import List, Tuple

import numpy as np
import torch
import torch.nn.functional as F
from tqdm import tqdm

from .cal import CloudAdaptiveLabeling
from .config import TrainConfig
from .data import Scene, read_source
from .export import check_bundle, export_bundle, update_manifest_metrics
from .losses import coarse_loss
from .models import CoarseNet, FineNet
from .paths import git_commit, resolve_repo_path
from .samplers import CoarseSampler, FineSampler


def training_device(requested: str = "auto") -> torch.device:
    """Where the models train: a CUDA GPU when torch sees one (``auto``), else the CPU, or the
    one asked for. The exported models are the same either way (ONNX, exported on the CPU)."""
    if requested not in ("auto", "cpu", "cuda"):
        raise ValueError(f"device '{requested}': choose auto, cpu or cuda")
    if requested == "cuda" and not torch.cuda.is_available():
        raise ValueError("device cuda: torch sees no CUDA GPU here (torch.cuda.is_available() is False); "
                         "install a CUDA build of torch, or train with --device cpu")
    if requested == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(requested)


def describe_device(device: torch.device) -> str:
    return f"cuda ({torch.cuda.get_device_name(device)})" if device.type == "cuda" else "cpu"


def seed_everything(seed: int, threads: int):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(threads)


def load_sources(entries, data_root: str, bands) -> List[Tuple[dict, List[Scene]]]:
    out = []
    for entry in entries:
        scenes = read_source(entry, data_root, bands, streamed=True)
        if not scenes:
            raise ValueError(f"source {entry['name']} ({entry['path']}) gave no scenes")
        out.append((entry, scenes))
    return out


def normalization_stats(sources) -> dict:
    """Per-band mean and std over every valid pixel of the given scenes at native resolution
    (a streamed scene is read whole here, one at a time)."""
    sums = sq = 0.0
    count = 0
    for _, scenes in sources:
        for scene in scenes:
            s = scene.load()
            pixels = s.image[:, s.valid].astype(np.float64)
            sums = sums + pixels.sum(axis=1)
            sq = sq + (pixels ** 2).sum(axis=1)
            count += pixels.shape[1]
    mean = sums / count
    std = np.sqrt(np.maximum(sq / count - mean ** 2, 1e-8))
    return {"mean": mean.tolist(), "std": std.tolist()}


def _cosine_with_warmup(optimizer, iterations: int, warmup: int = 50):
    def factor(step):
        if step < warmup:
            return (step + 1) / warmup
        progress = (step - warmup) / max(1, iterations - warmup)
        return 0.5 * (1 + np.cos(np.pi * min(1.0, progress)))

    return torch.optim.lr_scheduler.LambdaLR(optimizer, factor)


def train_fine(cfg: TrainConfig, labelled, clear, norm, rng, progress: bool = True,
               device: torch.device = torch.device("cpu")):
    f = cfg.fine
    cal = None
    if f.cal.enabled:
        cal = CloudAdaptiveLabeling(f.cal.start, f.cal.step, f.cal.floor, f.cal.update_every, f.cal.combine)
    sampler = FineSampler(cfg, labelled, clear, rng, cal)
    model = FineNet(len(cfg.bands), norm["mean"], norm["std"], f.widths, f.decoder_widths).to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=f.lr, weight_decay=f.weight_decay)
    schedule = _cosine_with_warmup(optimizer, f.iterations)
    pos_weight = torch.tensor([f.pos_weight], device=device)
    model.train()
    history = []
    bar = tqdm(range(f.iterations), desc="fine", disable=not progress, mininterval=2.0)
    for _ in bar:
        image, valid, label, relabelled = sampler.batch(f.batch)
        x = torch.from_numpy(image).to(device)
        v = torch.from_numpy(valid).float()[:, None].to(device)
        y = torch.from_numpy(label).float()[:, None].to(device)
        per_pixel = F.binary_cross_entropy_with_logits(model(x), y, reduction="none", pos_weight=pos_weight) * v
        per_sample = per_pixel.sum(dim=(1, 2, 3)) / v.sum(dim=(1, 2, 3)).clamp(min=1)
        loss = per_sample.mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        schedule.step()
        history.append(float(loss.detach()))
        if cal is not None and relabelled.any():
            # Algorithm 1 compares the loss on the relabelled data, so only those samples count.
            cal.update(float(per_sample.detach()[torch.from_numpy(relabelled).to(device)].mean()))
        postfix = {"loss": f"{np.mean(history[-50:]):.4f}"}
        if cal is not None:
            postfix["cal"] = f"{cal.threshold:g}"
        bar.set_postfix(postfix)
    info = {"final_loss": float(np.mean(history[-50:]))}
    if cal is not None:
        info["cal_threshold"] = cal.threshold
    return model.cpu().eval(), info


def train_coarse(cfg: TrainConfig, labelled, clear, norm, rng, progress: bool = True,
                 device: torch.device = torch.device("cpu")):
    c = cfg.coarse
    sampler = CoarseSampler(cfg, labelled, clear, rng)
    sampler.build_bank(c.mosaics, progress)
    model = CoarseNet(len(cfg.bands), norm["mean"], norm["std"], c.widths, c.context_layers).to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=c.lr, weight_decay=c.weight_decay)
    schedule = _cosine_with_warmup(optimizer, c.iterations)
    alpha = c.normalised_alpha()
    adjacency_start = int(c.adjacency_after * c.iterations)
    model.train()
    history = []
    bar = tqdm(range(c.iterations), desc="coarse", disable=not progress, mininterval=2.0)
    for step in bar:
        inputs, targets = sampler.batch(c.batch)
        gamma = c.gamma if step >= adjacency_start else 0.0
        parts = coarse_loss(model(torch.from_numpy(inputs).to(device)), torch.from_numpy(targets).to(device), alpha,
                            c.beta, gamma, c.temperature)
        optimizer.zero_grad()
        parts["loss"].backward()
        optimizer.step()
        schedule.step()
        history.append({k: float(v.detach()) for k, v in parts.items()})
        recent = history[-50:]
        bar.set_postfix(wce=f"{np.mean([h['wce'] for h in recent]):.4f}",
                        adj=f"{np.mean([h['adjacency'] for h in recent]):.4f}")
    recent = history[-50:]
    return model.cpu().eval(), {"final_wce": float(np.mean([h["wce"] for h in recent])),
                          "final_adjacency": float(np.mean([h["adjacency"] for h in recent]))}


def save_checkpoint(path: str, cfg: TrainConfig, fine, coarse, norm, training_info: dict):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    torch.save({"config": cfg.as_dict(), "fine": fine.state_dict(), "coarse": coarse.state_dict(),
                "normalization": norm, "training": training_info}, path)


def coarse_from_checkpoint(path: str, cfg: TrainConfig):
    """The coarse model of another run's checkpoint, for a run that changes only the fine
    model (its normalisation travels with its state). Bands and geometry must match."""
    from .export import load_checkpoint

    other, _, coarse, _, info = load_checkpoint(path)
    if list(other.bands) != list(cfg.bands) or other.geometry != cfg.geometry:
        raise ValueError(f"{path} was trained for bands {other.bands} and geometry {other.geometry}, "
                         f"this config has {cfg.bands} and {cfg.geometry}")
    return coarse, {**info.get("coarse", {}), "from_checkpoint": os.path.relpath(path, resolve_repo_path("."))}


def fine_from_checkpoint(path: str, cfg: TrainConfig):
    """The fine model of another run's checkpoint, for a run that changes only the coarse model."""
    from .export import load_checkpoint

    other, fine, _, _, info = load_checkpoint(path)
    if list(other.bands) != list(cfg.bands) or other.geometry != cfg.geometry:
        raise ValueError(f"{path} was trained for bands {other.bands} and geometry {other.geometry}, "
                         f"this config has {cfg.bands} and {cfg.geometry}")
    return fine, {**info.get("fine", {}), "from_checkpoint": os.path.relpath(path, resolve_repo_path("."))}


def run(cfg: TrainConfig, data_root: str, out_dir: str | None = None, evaluate: bool = True,
        progress: bool = True, coarse_from: str | None = None, fine_from: str | None = None,
        device: str = "auto") -> dict:
    """Train, export and (optionally) evaluate; returns a summary with paths and numbers.
    ``coarse_from`` / ``fine_from``: take that model from this checkpoint instead of
    training it (the other model still trains from the config's seed, but its random
    draws then differ from a run that trained both). ``device``: see ``training_device``."""
    started = time.time()
    torch_device = training_device(device)
    seed_everything(cfg.seed, cfg.threads)
    rng = np.random.default_rng(cfg.seed)
    labelled = load_sources(cfg.train_sources, data_root, cfg.bands)
    clear = load_sources(cfg.clear_sources, data_root, cfg.bands)
    norm = normalization_stats(labelled + clear)

    t0 = time.time()
    if fine_from:
        fine, fine_info = fine_from_checkpoint(fine_from, cfg)
    else:
        fine, fine_info = train_fine(cfg, labelled, clear, norm, rng, progress, torch_device)
    fine_seconds = time.time() - t0
    t0 = time.time()
    if coarse_from:
        coarse, coarse_info = coarse_from_checkpoint(coarse_from, cfg)
    else:
        coarse, coarse_info = train_coarse(cfg, labelled, clear, norm, rng, progress, torch_device)
    coarse_seconds = time.time() - t0

    training_info = {
        "config": cfg.name,
        "config_file": os.path.relpath(cfg.source_path, resolve_repo_path(".")) if cfg.source_path else None,
        "seed": cfg.seed,
        "git_commit": git_commit(),
        "torch": torch.__version__,
        "device": describe_device(torch_device),
        "fine": {**fine_info, "iterations": cfg.fine.iterations, "seconds": round(fine_seconds, 1)},
        "coarse": {**coarse_info, "iterations": cfg.coarse.iterations, "seconds": round(coarse_seconds, 1)},
        "scenes": {entry["name"]: len(scenes) for entry, scenes in labelled + clear},
    }
    checkpoint = os.path.join(resolve_repo_path(cfg.checkpoint_dir), cfg.name, "checkpoint.pt")
    save_checkpoint(checkpoint, cfg, fine, coarse, norm, training_info)
    bundle_dir = resolve_repo_path(out_dir or cfg.bundle.out)
    export_bundle(fine, coarse, cfg, bundle_dir, norm, training_info)
    shapes = check_bundle(bundle_dir)

    summary = {"checkpoint": checkpoint, "bundle": bundle_dir, "shapes": shapes, "training": training_info}
    if evaluate:
        from .evaluate import evaluate_bundle, manifest_metrics

        report = evaluate_bundle(bundle_dir, data_root)
        update_manifest_metrics(bundle_dir, manifest_metrics(report))
        summary["report"] = report
    summary["seconds"] = round(time.time() - started, 1)
    return summary
