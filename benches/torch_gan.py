#!/usr/bin/env python3
"""The PyTorch twin of ganscope's benchmark GAN, for a side-by-side timing.

The same model as `benches/train_step.rs` and `benches/compare.rs`:
G and D are MLPs 1 → h → h → 1 with ReLU, initialised as nn.Linear does
(weights and biases U(−1/√fan_in, 1/√fan_in), ganscope's `init = default`);
noise z ~ N(0, 1), data ~ N(2, 0.5); the non-saturating loss with D in
logits (BCEWithLogits); Adam(lr 1e-3, betas (0.5, 0.999)) for both players;
k = 1. One step is what ganscope's `Trainer::step` does: one D update on a
fresh real batch and a fresh noise batch (G's output detached), then one G
update on a fresh noise batch.

Prints one JSON object: {"steps_per_sec": ..., "steps": ..., "seconds": ...,
"batch": ..., "hidden": ..., "threads": ..., "device": ..., "torch": ...}.

    pip install torch
    python3 benches/torch_gan.py --batch 256 --hidden 32 --threads 1
"""

import argparse
import json
import time

import torch
from torch import nn


def mlp(h: int) -> nn.Module:
    return nn.Sequential(
        nn.Linear(1, h), nn.ReLU(), nn.Linear(h, h), nn.ReLU(), nn.Linear(h, 1)
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--hidden", type=int, default=32)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    ap.add_argument("--seconds", type=float, default=3.0, help="time budget of the timed part")
    ap.add_argument("--warmup", type=int, default=20)
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    dev = torch.device(args.device)
    g, d = mlp(args.hidden).to(dev), mlp(args.hidden).to(dev)
    opt_g = torch.optim.Adam(g.parameters(), lr=1e-3, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(d.parameters(), lr=1e-3, betas=(0.5, 0.999))
    bce = nn.BCEWithLogitsLoss()
    m = args.batch
    ones = torch.ones(m, 1, device=dev)
    zeros = torch.zeros(m, 1, device=dev)

    def step() -> None:
        real = 2.0 + 0.5 * torch.randn(m, 1, device=dev)
        z = torch.randn(m, 1, device=dev)
        with torch.no_grad():
            fake = g(z)
        opt_d.zero_grad(set_to_none=True)
        loss_d = bce(d(real), ones) + bce(d(fake), zeros)
        loss_d.backward()
        opt_d.step()

        z = torch.randn(m, 1, device=dev)
        opt_g.zero_grad(set_to_none=True)
        loss_g = bce(d(g(z)), ones)
        loss_g.backward()
        opt_g.step()

    def sync() -> None:
        if dev.type == "cuda":
            torch.cuda.synchronize()

    for _ in range(args.warmup):
        step()
    sync()
    # Calibrate a batch of steps to about a tenth of the budget, then run
    # whole batches until the budget is spent.
    n, t0 = 0, time.perf_counter()
    chunk = 1
    while True:
        for _ in range(chunk):
            step()
        sync()
        n += chunk
        elapsed = time.perf_counter() - t0
        if elapsed >= args.seconds:
            break
        if elapsed < args.seconds / 10:
            chunk *= 2
    print(
        json.dumps(
            {
                "steps_per_sec": n / elapsed,
                "steps": n,
                "seconds": elapsed,
                "batch": m,
                "hidden": args.hidden,
                "threads": args.threads,
                "device": args.device,
                "torch": torch.__version__,
            }
        )
    )


if __name__ == "__main__":
    main()
