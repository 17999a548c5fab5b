"""Check that a saved HSAE level folder loads in SAELens and encodes/decodes identically.

Not part of `make test` (sae-lens is a heavy optional dependency). Run it in an environment that has
both hsae_nb and sae-lens, e.g.:

    python3 -m venv /tmp/saelens && /tmp/saelens/bin/pip install torch==2.13.0 sae-lens==6.54.12 -e .
    /tmp/saelens/bin/python tools/check_saelens_compat.py
"""
import sys, tempfile
from pathlib import Path

import torch
from sae_lens import SAE
import sae_lens

from hsae_nb.core import preset, seed_everything, sparse_stream
from hsae_nb.model import HSAE

g = seed_everything(0)
cfg = preset("tiny", threshold_init=0.05)
model = HSAE(cfg, generator=g)
with torch.no_grad():
    for lv in model.levels: lv.b_enc.normal_(0, 0.1, generator=g); lv.b_dec.normal_(0, 0.1, generator=g)
model.assign_hierarchy()
x = next(sparse_stream(cfg.d_in, 40, 3, 64, g))
scale = 0.5
worst = 0.0
with tempfile.TemporaryDirectory() as tmp:
    model.save(tmp, metadata={"hook_name": "blocks.15.hook_resid_post", "model_name": "toy"}, activation_scale=scale)
    for l, lv in enumerate(model.levels):
        sae = SAE.load_from_disk(str(Path(tmp) / f"level_{l}"))
        with torch.no_grad():
            ours_acts = lv.encode(x)
            theirs_acts = sae.encode(x / scale)          # folded weights work on raw activations
            ours = lv(x) / scale
            theirs = sae.decode(theirs_acts)
        err = max((ours_acts - theirs_acts).abs().max().item(), (ours - theirs).abs().max().item())
        worst = max(worst, err)
        print(f"level {l}: {type(sae).__name__} d_in={sae.cfg.d_in} d_sae={sae.cfg.d_sae} "
              f"hook={sae.cfg.metadata.hook_name} max|diff|={err:.2e}")
print(f"sae_lens {sae_lens.__version__}, torch {torch.__version__}: worst max|diff| = {worst:.2e}")
sys.exit(0 if worst < 1e-4 else 1)
