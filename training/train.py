"""Train both models of a config, save a checkpoint, export the bundle and measure it.

Steps of ``run(config)``:

1. read the training sources (labelled) and clear sources (for synthetic clouds);
   validation splits are never read here;
2. for a fixed-band config, the per-band mean and standard deviation of the valid training
   pixels, which become the normalisation inside both models (a sensor-independent model
   normalises each band from its descriptor instead);
3. train the fine U-Net on patches (binary cross-entropy over valid pixels, optionally
   with Cloud Adaptive Labeling on the sources the config names);
4. train the coarse model on mosaics with the loss of Eq. 1 (weighted cross-entropy,
   adjacency term switched on after ``adjacency_after`` of the iterations);
5. save ``<checkpoint_dir>/<name>/checkpoint.pt``, export the bundle, read it back with
   ``load_bundle`` and, when asked, evaluate it through onnxruntime and write the scores
   into the manifest.

Runs are seeded (numpy, torch) and single-process, so the same config on the same
machine draws the same batches.
"""
from __future__ import annotations

import os
import random
import time
from typing import Optional

import numpy as np
import torch
import torch.nn.functional as F
from tqdm import tqdm

from cloud_mask_plugin.core.backend import DEVICES

from .cal import CloudAdaptiveLabeling
from .checkpoints import model_from_checkpoint, new_model, save_checkpoint
from .config import TrainConfig
from .export import check_bundle, export_bundle
from .losses import coarse_loss
from .paths import git_commit, resolve_repo_path
from .samplers import CoarseSampler, FineSampler, forward, load_sources


def training_device(requested: str = "auto") -> torch.device:
    """Where the models train: a CUDA GPU when torch sees one (``auto``), else the CPU, or the
    one asked for. The exported models are the same either way (ONNX, exported on the CPU)."""
    if requested not in DEVICES:
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


def normalization_stats(sources) -> dict:
    """Per-band mean and std over every valid pixel of the given scenes at native resolution
    (a streamed scene is read whole here, one at a time)."""
    sums = sq = 0.0
    count = 0
    for source in sources:
        for scene in source.scenes:
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


def _trainable(model):
    """The parameters that train (an ``ExtraBands`` model's base stays frozen)."""
    return [p for p in model.parameters() if p.requires_grad]


def train_fine(cfg: TrainConfig, sampler: FineSampler, model, cal: Optional[CloudAdaptiveLabeling] = None,
               progress: bool = True, device: torch.device = torch.device("cpu")):
    f = cfg.fine
    model = model.to(device)
    optimizer = torch.optim.AdamW(_trainable(model), lr=f.lr, weight_decay=f.weight_decay)
    schedule = _cosine_with_warmup(optimizer, f.iterations)
    pos_weight = torch.tensor([f.pos_weight], device=device)
    model.train()
    history = []
    bar = tqdm(range(f.iterations), desc="fine", disable=not progress, mininterval=2.0)
    for _ in bar:
        inputs, valid, label, relabelled = sampler.batch(f.batch)
        logits = forward(model, inputs, device)
        v = torch.from_numpy(valid).float()[:, None].to(device)
        y = torch.from_numpy(label).float()[:, None].to(device)
        per_pixel = F.binary_cross_entropy_with_logits(logits, y, reduction="none", pos_weight=pos_weight) * v
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


def train_coarse(cfg: TrainConfig, sampler: CoarseSampler, model, progress: bool = True,
                 device: torch.device = torch.device("cpu")):
    c = cfg.coarse
    model = model.to(device)
    optimizer = torch.optim.AdamW(_trainable(model), lr=c.lr, weight_decay=c.weight_decay)
    schedule = _cosine_with_warmup(optimizer, c.iterations)
    alpha = c.normalised_alpha()
    adjacency_start = int(c.adjacency_after * c.iterations)
    model.train()
    history = []
    bar = tqdm(range(c.iterations), desc="coarse", disable=not progress, mininterval=2.0)
    for step in bar:
        inputs, targets = sampler.batch(c.batch)
        gamma = c.gamma if step >= adjacency_start else 0.0
        parts = coarse_loss(forward(model, inputs, device), torch.from_numpy(targets).to(device), alpha,
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


def run(cfg: TrainConfig, data_root: str, out_dir: Optional[str] = None, evaluate: bool = True,
        progress: bool = True, coarse_from: Optional[str] = None, fine_from: Optional[str] = None,
        device: str = "auto", train_coarse_model: bool = True) -> dict:
    """Train, export and (optionally) evaluate; returns a summary with paths and numbers.
    ``coarse_from`` / ``fine_from``: take that model from this checkpoint instead of
    training it (the other model still trains from the config's seed, but its random
    draws then differ from a run that trained both). ``train_coarse_model`` False exports
    an untrained coarse model (fine-only comparison runs; the manifest says so).
    ``device``: see ``training_device``."""
    started = time.time()
    torch_device = training_device(device)
    seed_everything(cfg.seed, cfg.threads)
    rng = np.random.default_rng(cfg.seed)
    labelled = load_sources(cfg.train_sources, data_root, cfg)
    clear = load_sources(cfg.clear_sources, data_root, cfg)
    norm = None if cfg.sensor_independent else normalization_stats(labelled + clear)

    t0 = time.time()
    if fine_from:
        fine, fine_info = model_from_checkpoint(fine_from, cfg, "fine")
    else:
        f = cfg.fine
        cal = CloudAdaptiveLabeling(f.cal.start, f.cal.step, f.cal.floor, f.cal.update_every,
                                    f.cal.combine) if f.cal.enabled else None
        sampler = FineSampler(cfg, labelled, clear, rng, cal)
        fine, fine_info = train_fine(cfg, sampler, new_model(cfg, "fine", norm), cal, progress, torch_device)
    fine_seconds = time.time() - t0
    t0 = time.time()
    if coarse_from:
        coarse, coarse_info = model_from_checkpoint(coarse_from, cfg, "coarse")
    elif not train_coarse_model:
        # An untrained coarse model would be meaningless in the cascade, so say so.
        coarse, coarse_info = new_model(cfg, "coarse", norm).eval(), {"untrained": True}
    else:
        sampler = CoarseSampler(cfg, labelled, clear, rng)
        sampler.build_bank(cfg.coarse.mosaics, progress)
        coarse, coarse_info = train_coarse(cfg, sampler, new_model(cfg, "coarse", norm), progress, torch_device)
    coarse_seconds = time.time() - t0

    training_info = {
        "config": cfg.name,
        "config_file": os.path.relpath(cfg.source_path, resolve_repo_path(".")) if cfg.source_path else None,
        "seed": cfg.seed,
        "git_commit": git_commit(),
        "torch": torch.__version__,
        "device": describe_device(torch_device),
        "fine": {**fine_info, "iterations": cfg.fine.iterations, "seconds": round(fine_seconds, 1)},
        "coarse": {**coarse_info, "iterations": cfg.coarse.iterations if train_coarse_model else 0,
                   "seconds": round(coarse_seconds, 1)},
        "scenes": {source.name: len(source.scenes) for source in labelled + clear},
    }
    if cfg.si is not None:
        training_info["si"] = dict(cfg.si.__dict__, required_bands=list(cfg.si.required_bands))
    checkpoint = os.path.join(resolve_repo_path(cfg.checkpoint_dir), cfg.name, "checkpoint.pt")
    save_checkpoint(checkpoint, cfg, fine, coarse, norm, training_info)
    bundle_dir = resolve_repo_path(out_dir or cfg.bundle.out)
    export_bundle(fine, coarse, cfg, bundle_dir, norm, training_info)
    shapes = check_bundle(bundle_dir)

    summary = {"checkpoint": checkpoint, "bundle": bundle_dir, "shapes": shapes, "training": training_info}
    if evaluate:
        from cloud_mask_plugin.core.bundle import update_manifest

        from .evaluate import evaluate_bundle, manifest_metrics

        report = evaluate_bundle(bundle_dir, data_root)
        update_manifest(bundle_dir, lambda manifest: manifest.update(metrics=manifest_metrics(report)))
        summary["report"] = report
    summary["seconds"] = round(time.time() - started, 1)
    return summary
