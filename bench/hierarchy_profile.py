"""Where the hierarchy's share of the step goes: the paper-shape step profiled with and without ρ, r.

    python bench/hierarchy_profile.py [--shape paper] [--out bench/results/hierarchy_profile.json]

Times the sparse Trainer.train_step four ways (full; ρ = r = 0; structural loss only; perturbation
only; medians over rounds in which the four alternate), profiles one step of each with torch.profiler, and writes the step times, the ops whose self
time grew most from the plain step to the full one (by op and input shape), and what the structural loss's batch
sums touch (`pc_stats`: links and sibling pairs that met in the batch, per level pair). A measurement, not a test.
"""
import argparse, json, os, sys
from pathlib import Path

import torch
from torch.profiler import profile, ProfilerActivity

sys.path.insert(0, str(Path(__file__).parent))
from step import SHAPES, step_rate, interleaved, calibrated_model, machine  # noqa: E402
from hsae_nb.sparse import sparse_encode, pc_stats  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shape", default="paper", choices=sorted(SHAPES)); ap.add_argument("--rounds", type=int, default=8)
    ap.add_argument("--out", default=str(Path(__file__).parent / "results" / "hierarchy_profile.json"))
    a = ap.parse_args()
    torch.set_num_threads(os.cpu_count())
    s = SHAPES[a.shape]
    _, cfg, x, model, _ = calibrated_model(s)
    with torch.no_grad():
        sa = [sparse_encode(lv, x) for lv in model.levels]
        six = model.sibling_index()
        stats = [pc_stats(sa[l], sa[l + 1], model.hierarchy.parents[l], six[l].has_kids) for l in range(len(sa) - 1)]
        entries = sum(t.pat.nnz for t in sa)
    variants = {"full": (cfg.rho, cfg.perturb_rate), "plain": (0.0, 0.0),
                "structural_loss_only": (cfg.rho, 0.0), "perturbation_only": (0.0, cfg.perturb_rate)}
    seconds = interleaved(model, s, x, "sparse", variants, a.rounds)          # medians of alternating steps
    ops = {}
    for name, (rho, r) in variants.items():
        model.cfg.rho, model.cfg.perturb_rate = rho, r
        _, trainer = step_rate(model, s, x, "sparse", 1)
        with profile(activities=[ProfilerActivity.CPU], record_shapes=True) as prof: trainer.train_step(x)
        ops[name] = {f"{e.key} {e.input_shapes}": e.self_cpu_time_total / 1e6 for e in prof.key_averages(group_by_input_shape=True)}
    grew = {k: ops["full"].get(k, 0) - ops["plain"].get(k, 0) for k in set(ops["full"]) | set(ops["plain"])}
    res = dict(machine=machine(),
               command=f"python bench/hierarchy_profile.py --shape {a.shape} --rounds {a.rounds}",
               step_seconds=seconds, hierarchy_seconds=seconds["full"] - seconds["plain"],
               hierarchy_share=(seconds["full"] - seconds["plain"]) / seconds["full"],
               entries=entries, links_met=[len(st.link_child) for st in stats], sibling_pairs_met=[len(st.sib) for st in stats],
               ops_grown_most_seconds=dict(sorted(((k, round(v, 4)) for k, v in grew.items()), key=lambda kv: -kv[1])[:20]))
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text(json.dumps(res, indent=1))
    print(json.dumps({k: v for k, v in res.items() if k != "ops_grown_most_seconds"}, indent=1))


if __name__ == "__main__":
    main()
