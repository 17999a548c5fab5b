"""Data parallelism: 2 gloo processes on half-batches end with the weights of 1 process on whole batches."""
import os, subprocess, sys
from pathlib import Path

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp

sys.path.insert(0, str(Path(__file__).parent))
from ddp_job import STEPS, train


@pytest.fixture(scope="module")
def single():
    r = train()
    assert r["step"] == STEPS and r["world"] == 1
    return r


def assert_matches(single, ddp):
    assert ddp["world"] == 2
    for k, v in single["weights"].items():
        assert torch.allclose(v, ddp["weights"][k], atol=1e-5, rtol=0), k
    # λ of a level that started by rank restarts from `balanced_lambda`, a mean over float weights that agree to ~1e-6
    assert all(abs(a - b) <= 1e-5 * abs(a) for a, b in zip(single["lambdas"], ddp["lambdas"])), (single["lambdas"], ddp["lambdas"])
    for a, b in zip(single["parents"], ddp["parents"]): assert torch.equal(a, b)
    for a, b in zip(single["dead"], ddp["dead"]): assert torch.equal(a, b)


def _worker(rank, world, rdv, out):
    dist.init_process_group("gloo", init_method=f"file://{rdv}", rank=rank, world_size=world)
    try: train(out)
    finally: dist.destroy_process_group()


def test_spawned_processes_match_one(tmp_path, single):
    out = tmp_path / "ddp.pt"
    mp.spawn(_worker, args=(2, str(tmp_path / "rdv"), str(out)), nprocs=2, join=True)
    assert_matches(single, torch.load(out, weights_only=True))


def test_torchrun_matches_one(tmp_path, single):
    out = tmp_path / "ddp.pt"
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2",
           str(Path(__file__).with_name("ddp_job.py")), str(out)]
    r = subprocess.run(cmd, env=dict(os.environ, OMP_NUM_THREADS="1"), capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    assert_matches(single, torch.load(out, weights_only=True))
