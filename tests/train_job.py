"""A small, fully seeded training run, driven by the kill-and-resume tests as a subprocess.

    python tests/train_job.py RUN_DIR [--resume] [--sleep S] [--kill-at-save N]

--sleep S        pause S seconds before every batch, so a test can kill the run mid-way
--kill-at-save N SIGKILL this process inside the N-th checkpoint save, after the temporary file
                 is written and before it is renamed into place
"""
import argparse, os, signal, sys, time
import torch

torch.set_num_threads(1)
from hsae_nb.core import TrainConfig, TrainingInterrupted, preset, seed_everything, sparse_stream
from hsae_nb.model import HSAE
from hsae_nb.trainer import TensorBatches, Trainer

TOTAL, CKPT_EVERY = 120, 20


class SlowBatches(TensorBatches):
    def __init__(self, *a, sleep=0.0, **kw):
        super().__init__(*a, **kw); self.sleep = sleep

    def __next__(self):
        time.sleep(self.sleep)
        return super().__next__()


def kill_inside_save(n):
    "Make the n-th fsync of a temporary checkpoint file kill the process (the rename never happens)."
    real_fsync, seen = os.fsync, [0]

    def fsync(fd):
        real_fsync(fd)
        name = os.readlink(f"/proc/self/fd/{fd}")
        if name.endswith(".tmp") and ".step_" in name and ".sha256." not in name:   # the checkpoint itself, not its checksum file
            seen[0] += 1
            if seen[0] == n: os.kill(os.getpid(), signal.SIGKILL)
    os.fsync = fsync


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("run_dir"); ap.add_argument("--resume", action="store_true")
    ap.add_argument("--sleep", type=float, default=0.0); ap.add_argument("--kill-at-save", type=int, default=0)
    a = ap.parse_args()
    if a.kill_at_save: kill_inside_save(a.kill_at_save)
    g = seed_everything(0)
    stream = sparse_stream(16, 40, 3, 2048, g)
    x = torch.cat([next(stream) for _ in range(2)])
    cfg = preset("tiny", bandwidth=0.02, rho=0.05, perturb_rate=0.2, update_every=30, lambda_init=0.1)
    tcfg = TrainConfig(lr=3e-3, batch_size=64, total_steps=TOTAL, checkpoint_every=CKPT_EVERY, dead_window=25, log_every=5)
    model = HSAE(cfg, generator=g)
    trainer = Trainer(model, tcfg, SlowBatches(x, 64, seed=1, sleep=a.sleep), run_dir=a.run_dir, resume=a.resume, progress=False)
    try: trainer.fit()
    except TrainingInterrupted as e:                      # as the CLI does: one line, the shell's exit status
        print(e, file=sys.stderr); sys.exit(e.exit_code)


if __name__ == "__main__":
    main()
