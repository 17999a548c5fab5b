"""Planted-forest benchmarks from the command line: dead latents, L0, EV, MCC and recovery per level, and edge P/R/F1.

--forest simple (default): `hsae_nb.synthetic.planted_benchmark` (nbs/10_synthetic.ipynb describes the forest and the
variants): 64 roots -> 256 -> 1024 planted features in d = 256, levels of 64/320/1344 features at target L0 13,
1,500 x 1,024 training vectors, 20,000 held out.
--forest realistic: `hsae_nb.planted.realistic_benchmark` (nbs/10a_planted.ipynb): Zipfian and correlated firing,
exclusive siblings, parentless features, 1,728 features in d = 256; levels 64/320/1344 at target L0 5/10/13, batch
4,096; absorption too. Default output nbs/results/realistic_planted.json.
Variants: hsae (the paper's weights), posthoc, literal, topk, batchtopk, topk-posthoc, matryoshka (10b), and the ablations r0, rho0,
rho0.1 (the package default), rho0.1-r0, rho1-r0 (`PLANTED_ABLATIONS`).
Each finished run is merged into the JSON under a file lock (several processes may share one file; a kill loses one
run at most).

    python bench/planted.py [--forest simple|realistic] [--steps 1500] [--seeds 0,1] [--variants hsae,posthoc] [--batch N] [--threads N] [--out F]
"""
import argparse, fcntl, json
from contextlib import contextmanager
from pathlib import Path
import torch
from hsae_nb.core import write_json
from hsae_nb.runtime import cpu_name
from hsae_nb.synthetic import planted_benchmark, PLANTED_VARIANTS
from hsae_nb.planted import realistic_benchmark, REALISTIC_SETUP

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def locked(path: Path):
    "Hold an exclusive lock beside `path` while reading and rewriting it."
    with open(path.with_suffix(path.suffix + ".lock"), "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try: yield
        finally: fcntl.flock(f, fcntl.LOCK_UN)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--steps", type=int, default=1500)
    ap.add_argument("--seeds", default="0")
    ap.add_argument("--variants", default="hsae,posthoc,literal", help=f"comma-separated, from {PLANTED_VARIANTS}")
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--forest", default="simple", choices=("simple", "realistic"))
    ap.add_argument("--batch", type=int, default=None, help="default: 1,024 (simple), 4,096 (realistic)")
    ap.add_argument("--out", default=None, help="default: bench/results/planted.json or nbs/results/realistic_planted.json")
    ap.add_argument("--save-models", default=None, help="realistic: keep each trained model in DIR/VARIANT_seedN_stepsS[_initI] (outside git)")
    ap.add_argument("--lr", type=float, default=None, help="instead of each variant's learning rate (recorded in the key: .../lrX)")
    ap.add_argument("--inits", default=None, help="realistic: comma-separated init seeds per forest seed (default: the seed itself)")
    a = ap.parse_args()
    realistic = a.forest == "realistic"
    a.batch = a.batch or (REALISTIC_SETUP["batch"] if realistic else 1024)
    a.out = a.out or str(ROOT / ("nbs/results/realistic_planted.json" if realistic else "bench/results/planted.json"))
    variants = a.variants.split(",")
    bad = [v for v in variants if v not in PLANTED_VARIANTS]
    if bad: ap.error(f"unknown variant(s) {bad}; choose from {PLANTED_VARIANTS}")
    if a.threads: torch.set_num_threads(a.threads)
    out = Path(a.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    default_batch = REALISTIC_SETUP["batch"] if realistic else 1024
    inits = lambda seed: [int(i) for i in a.inits.split(",")] if a.inits else [seed]
    for seed, init, variant in [(s, i, v) for s in map(int, a.seeds.split(",")) for i in inits(s) for v in variants]:
        tag = f"_init{init}" if init != seed else ""
        if realistic:
            keep = Path(a.save_models) / f"{variant}_seed{seed}_steps{a.steps}{tag}{f'_lr{a.lr:g}' if a.lr else ''}" if a.save_models else None
            r = realistic_benchmark(variant, seed=seed, steps=a.steps, batch=a.batch, init_seed=init, save_to=keep, lr=a.lr)
        else: r = planted_benchmark(variant, seed=seed, steps=a.steps, batch=a.batch, lr=a.lr)
        with locked(out):                     # read, merge and write under the lock; the write itself is atomic
            res = json.loads(out.read_text()) if out.exists() else {}
            res.update(machine=dict(cpu=cpu_name(), threads=torch.get_num_threads(), torch=torch.__version__))
            if not realistic:
                res.update(setup=dict(d=256, widths=[64, 320, 1344], target_l0=13.0, forest="64 roots, branching (4, 4), cos_child 0",
                                      train_vectors=a.steps * a.batch, batch=a.batch, held_out=20_000))
            key = f"{variant}/seed{seed}/steps{a.steps}" + (f"/batch{a.batch}" if a.batch != default_batch else "") + tag.replace("_", "/") + (f"/lr{a.lr:g}" if a.lr else "")
            res.setdefault("runs", {})[key] = r
            write_json(out, res)
        print(variant, seed, "dead", r["dead"], "L0", [round(v, 2) for v in r["l0"]], "MCC", [round(v, 3) for v in r["mcc"]], "own depth", [round(v, 3) for v in r["mcc_own"]],
              "edge F1", round(r["edge_f1"], 3), "Hamming", round(r["hamming"], 2), "converged", r["converged"],
              *(["absorption", [round(v, 3) for v in r["absorption"]]] if realistic else []), "seconds", round(r["seconds"]), flush=True)

if __name__ == "__main__":
    main()
