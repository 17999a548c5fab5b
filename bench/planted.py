"""Planted-forest benchmark from the command line: dead latents, L0, EV, MCC and recovery per level, and edge P/R/F1.

The benchmark itself is `hsae_nb.synthetic.planted_benchmark` (nbs/10_synthetic.ipynb describes the forest and the
variants): 64 roots -> 256 -> 1024 planted features in d = 256, levels of 64/320/1344 features at target L0 13,
1,500 x 1,024 training vectors, 20,000 held out. Variants: hsae, posthoc, literal, topk, batchtopk, topk-posthoc, and the
ablations r0, rho0, rho0.1, rho0.1-r0, rho1-r0 (`PLANTED_ABLATIONS`).
Results are merged into the JSON after every run (a kill loses one run at most).

    python bench/planted.py [--steps 1500] [--seeds 0,1] [--variants hsae,posthoc,topk,topk-posthoc] [--out bench/results/planted.json]
"""
import argparse, json, platform
from pathlib import Path
import torch
from hsae_nb.core import write_json
from hsae_nb.synthetic import planted_benchmark, PLANTED_VARIANTS


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--steps", type=int, default=1500)
    ap.add_argument("--seeds", default="0")
    ap.add_argument("--variants", default="hsae,posthoc,literal", help=f"comma-separated, from {PLANTED_VARIANTS}")
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--out", default=str(Path(__file__).parent / "results" / "planted.json"))
    a = ap.parse_args()
    variants = a.variants.split(",")
    bad = [v for v in variants if v not in PLANTED_VARIANTS]
    if bad: ap.error(f"unknown variant(s) {bad}; choose from {PLANTED_VARIANTS}")
    if a.threads: torch.set_num_threads(a.threads)
    out = Path(a.out)
    res = json.loads(out.read_text()) if out.exists() else {}
    res.update(machine=dict(cpu=platform.processor() or platform.machine(), threads=torch.get_num_threads(), torch=torch.__version__),
               setup=dict(d=256, widths=[64, 320, 1344], target_l0=13.0, forest="64 roots, branching (4, 4), cos_child 0",
                          train_vectors=a.steps * 1024, held_out=20_000))
    runs = res.setdefault("runs", {})
    for seed in map(int, a.seeds.split(",")):
        for variant in variants:
            r = planted_benchmark(variant, seed=seed, steps=a.steps)
            runs[f"{variant}/seed{seed}/steps{a.steps}"] = r
            write_json(out, res)                  # atomic: a kill mid-write keeps the previous file
            print(variant, seed, "dead", r["dead"], "L0", [round(v, 2) for v in r["l0"]], "MCC", [round(v, 3) for v in r["mcc"]], "own depth", [round(v, 3) for v in r["mcc_own"]],
                  "edge F1", round(r["edge_f1"], 3), "Hamming", round(r["hamming"], 2), "converged", r["converged"], flush=True)


if __name__ == "__main__":
    main()
