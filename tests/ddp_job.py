"""The seeded run of the data-parallel tests (on the sparse step path); `torchrun --nproc_per_node 2 tests/ddp_job.py OUT [gloo|nccl]` runs it distributed."""
import sys

import torch
import torch.distributed as dist

from hsae_nb.core import TrainConfig, preset, seed_everything, sparse_stream
from hsae_nb.model import HSAE
from hsae_nb.trainer import TensorBatches, Trainer
from hsae_nb.runtime import dist_info, init_distributed

STEPS = 12


def setup():
    "Model, train config and data, identical in every process."
    torch.set_num_threads(1)
    g = seed_everything(0)
    stream = sparse_stream(16, 40, 3, 1024, g)
    x = torch.cat([next(stream) for _ in range(2)])
    cfg = preset("tiny", bandwidth=0.02, rho=0.1, perturb_rate=0.3, update_every=5, lambda_init=0.1)
    tcfg = TrainConfig(lr=3e-3, batch_size=128, total_steps=STEPS, dead_window=4, log_every=1, kernel="sparse")  # the default at real shapes
    return HSAE(cfg, generator=g), tcfg, TensorBatches(x, 128, seed=2)


def train(out=None, device="cpu"):
    "Train; rank 0 saves what the test compares."
    model, tcfg, data = setup()
    trainer = Trainer(model, tcfg, data, device=device, progress=False)
    trainer.fit()
    result = {"weights": model.state_dict(), "lambdas": trainer.lambdas, "step": trainer.step,
              "parents": model.hierarchy.parents, "dead": trainer.since_fired, "world": dist_info()[1]}
    if out and dist_info()[0] == 0: torch.save(result, out)
    return result


if __name__ == "__main__":
    device = init_distributed(backend=sys.argv[2] if len(sys.argv) > 2 else "gloo")     # tests/test_cuda.py passes nccl
    try: train(sys.argv[1], device)
    finally: dist.destroy_process_group()
