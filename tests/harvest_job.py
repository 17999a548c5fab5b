"""A small seeded harvest with the tiny Llama, run as a subprocess by test_harvest_kill.py.

    python tests/harvest_job.py OUT_DIR [--sleep S]      (S: pause before every forward batch)
"""
import argparse, time
import torch

torch.set_num_threads(1)
from hsae_nb.cache import harvest
from hsae_nb.data import open_corpus, tiny_lm

N_TOKENS, CONTEXT, PER_SHARD = 10 * 4 * 31, 32, 4

if __name__ == "__main__":
    ap = argparse.ArgumentParser(); ap.add_argument("out"); ap.add_argument("--sleep", type=float, default=0.0)
    a = ap.parse_args()
    lm = tiny_lm()
    if a.sleep: lm.model.register_forward_pre_hook(lambda *_: time.sleep(a.sleep))
    harvest(lm, open_corpus(), a.out, layer=1, n_tokens=N_TOKENS, context_size=CONTEXT, batch_size=2,
            seqs_per_shard=PER_SHARD, progress=False)
