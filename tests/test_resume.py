"""Kill-and-resume: a run killed with SIGKILL and resumed ends bit-identical to an uninterrupted one."""
import os, re, signal, subprocess, sys, time
from pathlib import Path

import pytest
import torch

from hsae_nb.model import HSAE
from hsae_nb.runtime import checkpoint_paths, read_checkpoint

JOB = Path(__file__).with_name("train_job.py")
ENV = dict(os.environ, OMP_NUM_THREADS="1")


def job(run_dir, *args, wait=True):
    cmd = [sys.executable, str(JOB), str(run_dir), *args]
    if wait: return subprocess.run(cmd, env=ENV, capture_output=True, text=True, timeout=300)
    return subprocess.Popen(cmd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def weights(run_dir):
    return HSAE.load(run_dir).state_dict()


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    run_dir = tmp_path_factory.mktemp("straight")
    r = job(run_dir)
    assert r.returncode == 0, r.stderr
    return weights(run_dir)


def assert_same(a, b):
    assert a.keys() == b.keys()
    for k in a: assert torch.equal(a[k], b[k]), k


def test_sigkill_after_checkpoint_then_resume(tmp_path, uninterrupted):
    p = job(tmp_path, "--sleep", "0.05", wait=False)
    deadline = time.time() + 120
    while time.time() < deadline and not any(c.name == "step_000000040.pt" for c in checkpoint_paths(tmp_path)):
        assert p.poll() is None, p.stderr.read()
        time.sleep(0.05)
    p.send_signal(signal.SIGKILL); p.wait()
    assert p.returncode == -signal.SIGKILL
    saved = read_checkpoint(checkpoint_paths(tmp_path)[-1])["step"]
    assert 40 <= saved < 120                      # killed mid-run, after at least two checkpoints
    r = job(tmp_path, "--resume")
    assert r.returncode == 0, r.stderr
    assert_same(weights(tmp_path), uninterrupted)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_or_sigterm_saves_at_the_step_then_resume(tmp_path, uninterrupted, sig):
    p = job(tmp_path, "--sleep", "0.05", wait=False)
    deadline = time.time() + 120
    while time.time() < deadline and not any(c.name == "step_000000020.pt" for c in checkpoint_paths(tmp_path)):
        assert p.poll() is None, p.stderr.read()
        time.sleep(0.05)
    time.sleep(0.3)                               # a few steps past the checkpoint
    p.send_signal(sig)
    err = p.communicate(timeout=60)[1]
    assert p.returncode == 128 + sig, err         # 130 for Ctrl-C, 143 for SIGTERM
    assert f"interrupted by {signal.Signals(sig).name}" in err and "resume" in err and "Traceback" not in err
    reached = int(re.search(r"saved at step (\d+)", err)[1])
    assert 20 < reached < 120
    assert read_checkpoint(checkpoint_paths(tmp_path)[-1])["step"] == reached   # saved at the step it reached
    r = job(tmp_path, "--resume")
    assert r.returncode == 0, r.stderr
    assert_same(weights(tmp_path), uninterrupted)


def test_kill_during_checkpoint_write_keeps_previous(tmp_path, uninterrupted):
    r = job(tmp_path, "--kill-at-save", "3")      # dies inside the save of step 60
    assert r.returncode == -signal.SIGKILL
    names = [c.name for c in checkpoint_paths(tmp_path)]
    assert names == ["step_000000020.pt", "step_000000040.pt"]
    leftovers = list((tmp_path / "checkpoints").glob(".step_000000060.pt.*.tmp"))
    assert len(leftovers) == 1                    # the interrupted write is only a hidden temp file
    assert read_checkpoint(tmp_path / "checkpoints" / names[-1])["step"] == 40
    r = job(tmp_path, "--resume")
    assert r.returncode == 0, r.stderr
    assert_same(weights(tmp_path), uninterrupted)


def test_flipped_bytes_in_newest_checkpoint_resume_from_the_previous(tmp_path, uninterrupted):
    r = job(tmp_path, "--kill-at-save", "3")      # checkpoints at steps 20 and 40, killed inside the save of step 60
    assert r.returncode == -signal.SIGKILL
    newest = checkpoint_paths(tmp_path)[-1]
    data = bytearray(newest.read_bytes()); data[len(data) // 2:len(data) // 2 + 4] = b"\xde\xad\xbe\xef"
    newest.write_bytes(bytes(data))               # a disk fault: same size, other bytes
    r = job(tmp_path, "--resume")
    assert r.returncode == 0, r.stderr
    assert "fails its checksum" in r.stderr and "resuming from the previous checkpoint, step_000000020.pt" in r.stderr, r.stderr
    assert (newest.parent / (newest.name + ".corrupt")).exists()   # kept for a look, never read again
    assert_same(weights(tmp_path), uninterrupted)  # exact: the run redid steps 20-40 from intact weights
