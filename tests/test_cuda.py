"""The CUDA path: the sparse step against the dense oracle, the same step on CUDA and CPU, resume, bf16, NCCL.

Skipped where torch sees no CUDA device (CI, the CPU development machines); `bench/gpu.sh` runs it on a GPU machine.
"""
import os, subprocess, sys
from pathlib import Path

import pytest
import torch

from hsae_nb.core import HSAEConfig, TrainConfig, preset, seed_everything, sparse_stream
from hsae_nb.model import HSAE
from hsae_nb.sparse import compare_paths
from hsae_nb.trainer import TensorBatches, Trainer

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device")
CUDA = torch.device("cuda")


def random_model(seed, **kw):
    "A small HSAE with random thresholds, biases and forest (as in the 04a_sparse lesson)."
    seed_everything(seed)
    cfg = HSAEConfig(d_in=12, widths=(8, 16, 32), target_l0=3, rho=0.5, perturb_rate=0.3, bandwidth=0.05, update_every=10, **kw)
    m = HSAE(cfg)
    for lv in m.levels:
        with torch.no_grad(): lv.threshold.uniform_(0.2, 0.8); lv.b_enc.normal_(0, 0.1); lv.b_dec.normal_(0, 0.1)
    m.assign_hierarchy()
    return m


@pytest.mark.parametrize("centred,per_example,activation", [(False, False, "jumprelu"), (True, True, "jumprelu"),
                                                             (False, True, ("topk", "batchtopk", "jumprelu"))])
def test_sparse_step_matches_dense_oracle_on_cuda(centred, per_example, activation):
    m = random_model(0, apply_b_dec_to_input=centred, perturb_per_example=per_example, activation=activation).to(CUDA)
    lams = [0.0, 0.0, 0.3] if activation != "jumprelu" else [0.1, 0.2, 0.3]
    d = compare_paths(m, torch.randn(48, 12, device=CUDA), lams, 0)
    assert max(d.values()) < 1e-4, d


def test_forest_follows_the_model_to_cuda():
    m = random_model(2)                                   # forest assigned on the CPU, then the model moves
    parents = [p.clone() for p in m.hierarchy.parents]
    m.to(CUDA)
    assert all(p.device.type == "cuda" for p in m.hierarchy.parents)
    assert all(torch.equal(a, b.cpu()) for a, b in zip(parents, m.hierarchy.parents))


def test_same_gradients_on_cuda_and_cpu():
    x = torch.randn(64, 12)
    grads = {}
    for dev in ("cpu", "cuda"):
        m = random_model(1).to(dev)
        out = m.run_batch(x.to(dev), [0.1, 0.2, 0.3], generator=torch.Generator().manual_seed(3), kernel="sparse")
        out.parts.total.backward()
        grads[dev] = {n: p.grad.cpu() for n, p in m.named_parameters() if p.grad is not None}
    for n, g in grads["cpu"].items(): assert torch.allclose(g, grads["cuda"][n], atol=1e-4, rtol=1e-3), n


def small_run(run_dir, steps, bf16=False, resume=False):
    "A seeded tiny training run on CUDA, checkpointing every 10 steps."
    g = seed_everything(0)
    stream = sparse_stream(16, 40, 3, 2048, g)
    x = torch.cat([next(stream) for _ in range(2)])
    cfg = preset("tiny", bandwidth=0.02, rho=0.1, perturb_rate=0.3, update_every=10, lambda_init=0.1)
    tcfg = TrainConfig(lr=3e-3, batch_size=128, total_steps=40, dead_window=8, log_every=1, kernel="sparse",
                       checkpoint_every=10, bf16=bf16)
    t = Trainer(HSAE(cfg, generator=g), tcfg, TensorBatches(x, 128, seed=2), run_dir=run_dir, resume=resume,
                device=CUDA, progress=False)
    t.fit(steps)
    return t


def test_resume_on_cuda_continues_the_run(tmp_path):
    straight = small_run(tmp_path / "a", 40).model.state_dict()
    small_run(tmp_path / "b", 20)
    resumed = small_run(tmp_path / "b", None, resume=True).model.state_dict()
    # CUDA's index_add and sparse kernels accumulate with atomics, so equal to rounding, not always to the bit
    for k in straight: assert torch.allclose(straight[k], resumed[k], atol=1e-4, rtol=1e-4), k


def test_bf16_autocast_trains_finite_and_learns(tmp_path):
    t = small_run(tmp_path / "bf16", 40, bf16=True)
    h = t.history
    assert all(torch.isfinite(p).all() for p in t.model.parameters())
    assert h["loss"].iloc[-1] < h["loss"].iloc[0]


@pytest.mark.skipif(torch.cuda.device_count() < 2, reason="NCCL data parallelism needs two GPUs")
def test_nccl_two_processes_match_one(tmp_path):
    out = tmp_path / "ddp.pt"
    job = Path(__file__).with_name("ddp_job.py")
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2", str(job), str(out), "nccl"]
    r = subprocess.run(cmd, env=dict(os.environ, OMP_NUM_THREADS="1"), capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    ddp = torch.load(out, weights_only=True)
    assert ddp["world"] == 2 and ddp["step"] > 0


def test_per_example_coins_are_the_same_on_cuda():
    "A RowSubstitution's coins are a hash of (row, parent, seed): CUDA draws exactly the CPU's."
    from hsae_nb.perturb import perturb_mask
    parent = torch.randint(-1, 64, (256,), generator=torch.Generator().manual_seed(1))
    cpu = perturb_mask(parent, 64, 0.2, batch=512, generator=torch.Generator().manual_seed(2))
    gpu = perturb_mask(parent.to(CUDA), 64, 0.2, batch=512, generator=torch.Generator().manual_seed(2))
    assert gpu.seed == cpu.seed
    assert torch.equal(gpu.keep.cpu(), cpu.keep) and torch.equal(gpu.child_on.cpu(), cpu.child_on)
