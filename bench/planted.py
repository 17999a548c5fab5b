"""Planted-forest benchmark: dead latents, feature recovery, L0 and edge recovery per level.

A forest of 64 roots -> 256 -> 1024 features in d = 256 (children orthogonal to their parent, each
child firing only with its parent, siblings exclusive; deep features fire on ~0.4% of inputs) is
sampled; HSAE levels of 64/320/1344 features with target L0 13 are trained on 1,500 x 1,024 vectors
(1.5M) and evaluated on 20,000 held-out vectors. Variants: the package's defaults (JumpReLU levels), its
post-hoc baseline, the paper's recipe read literally (`literal_recipe`), and the same with TopK or BatchTopK
levels (k = 13: an HSAE of TopK levels and its post-hoc baseline, which is plain TopK SAEs of these widths,
L0 and budget). Writes bench/results/planted.json.

    python bench/planted.py [--steps 1500] [--seeds 0] [--variants hsae,posthoc,literal,topk,topk-posthoc,batchtopk]
"""
import argparse, json, platform, time
from pathlib import Path
import torch
from hsae_nb.core import HSAEConfig, TrainConfig, baseline_config, literal_recipe, seed_everything
from hsae_nb.model import HSAE
from hsae_nb.trainer import Trainer, TensorBatches
from hsae_nb.synthetic import make_forest, sample_forest, tree_recovery, level_scores

WIDTHS, TARGET, D = (64, 320, 1344), 13.0, 256

def configs(variant: str, steps: int, seed: int):
    cfg = HSAEConfig(d_in=D, widths=WIDTHS, target_l0=TARGET, update_every=250)
    tcfg = TrainConfig(lr=3e-3, batch_size=1024, total_steps=steps, threshold_lr_mult=20.0, seed=seed,
                       checkpoint_every=10 ** 9, log_every=50)
    if variant == "posthoc": return baseline_config(cfg, tcfg)
    if variant == "literal": return literal_recipe(cfg, tcfg)
    if variant == "hsae": return cfg, tcfg
    if variant in ("topk", "batchtopk"): return HSAEConfig(**{**vars(cfg), "activation": variant}), tcfg
    if variant == "topk-posthoc": return baseline_config(HSAEConfig(**{**vars(cfg), "activation": "topk"}), tcfg)
    raise SystemExit(f"unknown variant {variant!r}")

def score(model: HSAE, forest, held_out) -> dict:
    out = level_scores(model.levels, forest, held_out)
    rec = tree_recovery(forest, [lv.W_dec for lv in model.levels], model.hierarchy, 0.5)
    return dict(out, edge_precision=rec["edge_precision"], edge_recall=rec["edge_recall"], edge_f1=rec["edge_f1"])

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=1500)
    ap.add_argument("--seeds", default="0")
    ap.add_argument("--variants", default="hsae,posthoc,literal")
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--out", default=str(Path(__file__).parent / "results" / "planted.json"))
    a = ap.parse_args()
    if a.threads: torch.set_num_threads(a.threads)
    out = Path(a.out)
    res = json.loads(out.read_text()) if out.exists() else {}
    res.update(machine=dict(cpu=platform.processor() or platform.machine(), threads=torch.get_num_threads(), torch=torch.__version__),
               setup=dict(d=D, widths=WIDTHS, target_l0=TARGET, forest="64 roots, branching (4, 4), cos_child 0",
                          train_vectors=a.steps * 1024, held_out=20_000))
    runs = res.setdefault("runs", {})
    for seed in map(int, a.seeds.split(",")):
        g = seed_everything(seed)
        forest = make_forest(D, 64, (4, 4), 0.0, generator=g)
        x, held_out = sample_forest(forest, 300_000, generator=g), sample_forest(forest, 20_000, generator=g)
        for variant in a.variants.split(","):
            cfg, tcfg = configs(variant, a.steps, seed)
            model = HSAE(cfg, generator=seed_everything(seed + 100))
            t0 = time.perf_counter()
            tr = Trainer(model, tcfg, TensorBatches(x, 1024, seed=seed), progress=False)
            tr.fit(); model.eval()
            runs[f"{variant}/seed{seed}/steps{a.steps}"] = dict(variant=variant, seed=seed, steps=a.steps,
                                                                 seconds=time.perf_counter() - t0, **score(model, forest, held_out))
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(json.dumps(res, indent=1) + "\n")            # after every run
            r = runs[f"{variant}/seed{seed}/steps{a.steps}"]
            print(variant, seed, "dead", r["dead"], "L0", [round(v, 2) for v in r["l0"]], "MCC", [round(v, 3) for v in r["mcc"]],
                  "edge F1", round(r["edge_f1"], 3), flush=True)

if __name__ == "__main__":
    main()
