"""Score models kept by `bench/planted.py --forest realistic --save-models DIR` again, without training them again.

    python bench/planted_rescore.py DIR [--out nbs/results/realistic_planted.json]

For every kept model DIR/VARIANT_seedN_stepsS[_initI] whose run is in the results JSON, the seed's planted forest is
drawn again from the recorded settings and `edges_by_rule` (the same levels re-linked by each rule of `EDGE_RULES`) is
written into that run's record, with `true_parent_rank` (how often a child's encoder points at its true parent). Models of one variant learnt on one forest from several starts (--inits) are
compared pairwise by `forest_agreement`, written under "agreement". A Matryoshka run recorded without its prefixes'
EV gets it. All writes hold the lock `bench/planted.py` uses.
"""
import argparse, itertools, json, re, sys
from pathlib import Path

from hsae_nb.core import seed_everything, write_json
from hsae_nb.model import HSAE
from hsae_nb.matryoshka import prefix_ev
from hsae_nb.planted import ForestSpec, plant_forest, realistic_data, edges_by_rule, forest_agreement, true_parent_rank

sys.path.insert(0, str(Path(__file__).parent))
from planted import locked, ROOT  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("models")
    ap.add_argument("--out", default=str(ROOT / "nbs/results/realistic_planted.json"))
    ap.add_argument("--again", action="store_true", help="score runs that already have edges_by_rule again")
    a = ap.parse_args()
    out = Path(a.out)
    runs = json.loads(out.read_text())["runs"]
    kept = {}                                            # (variant, seed, steps) -> {init: model}
    for folder in sorted(Path(a.models).iterdir()):
        m = re.fullmatch(r"(.+)_seed(\d+)_steps(\d+)(?:_init(\d+))?(?:_lr([0-9.e-]+))?", folder.name)
        key = m and f"{m[1]}/seed{m[2]}/steps{m[3]}" + (f"/init{m[4]}" if m[4] else "") + (f"/lr{m[5]}" if m[5] else "")
        if key not in runs or not (folder / "config.json").exists():          # a run still going writes config.json last
            print("no finished run recorded for", folder.name, "- skipped"); continue
        r, model = runs[key], HSAE.load(folder)
        if not m[5]: kept.setdefault((m[1], int(m[2]), int(m[3])), {})[int(m[4] or m[2])] = model   # starts compared at one lr
        if r["variant"] == "matryoshka" and "ev_prefix" not in r:          # runs from before prefix EV was recorded
            _, _, held_out, _ = realistic_data(ForestSpec(**r["spec"]), r["seed"], r["setup"]["n_train"], r["setup"]["n_held"])
            with locked(out):
                res = json.loads(out.read_text()); res["runs"][key]["ev_prefix"] = prefix_ev(model, held_out); write_json(out, res)
        if "true_parent" in r and not a.again: continue
        spec, setup = ForestSpec(**r["spec"]), r["setup"]
        if "edges_by_rule" in r and not a.again:               # the forest alone: the seed's first draw
            forest, rules = plant_forest(spec, seed_everything(r["seed"])), r["edges_by_rule"]
        else:                                                   # forest and held-out data, as the run drew them
            forest, _, held_out, _ = realistic_data(spec, r["seed"], setup["n_train"], setup["n_held"])
            rules = edges_by_rule(model, forest, held_out)
        with locked(out):
            res = json.loads(out.read_text())
            res["runs"][key]["edges_by_rule"] = rules
            res["runs"][key]["true_parent"] = true_parent_rank(model, forest)
            write_json(out, res)
        print(key, {k: round(v["f1"], 3) for k, v in rules.items()}, flush=True)
    for (variant, seed, steps), models in kept.items():
        if len(models) < 2: continue
        pairs = [dict(a=i, b=j, **forest_agreement(models[i], models[j])) for i, j in itertools.permutations(sorted(models), 2)]
        with locked(out):
            res = json.loads(out.read_text())
            res.setdefault("agreement", {})[f"{variant}/seed{seed}/steps{steps}"] = pairs
            write_json(out, res)
        print("agreement", variant, seed, [round(p["shared_pooled"], 3) for p in pairs], flush=True)

if __name__ == "__main__":
    main()
