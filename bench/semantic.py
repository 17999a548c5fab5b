"""The semantic check on trained runs: each judge calibrated on pairs with known answers, then the embedding judge's
forest, sibling and control scores (nbs/11a_semantic.ipynb), merged into nbs/results/semantic_judge.json.

    python bench/semantic.py RUN_DIR[=NAME] ... [--n 200] [--seed 0] [--llm smollm2-135m,...] [--llm-n 50] [--out F]

A run needs contexts.json (hsae_view computes them). `--llm` names local or served judges (`make_judge` specs) to
calibrate too: their AUC on the known pairs says whether their verdicts (hsae_eval --autointerp) can mean anything.
"""
import argparse, json, time
from pathlib import Path
import torch
from hsae_nb.core import write_json, read_json
from hsae_nb.runtime import cpu_name
from hsae_nb.viewer import Forest
from hsae_nb.semantic import Embedder, semantic_check, judge_calibration

ROOT = Path(__file__).resolve().parent.parent


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("runs", nargs="+", help="run folders, each optionally =NAME (the key in the JSON)")
    ap.add_argument("--n", type=int, default=200, help="pairs per group for the embedding judge")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--llm", default="", help="comma-separated judges to calibrate (make_judge specs, each optionally =NAME), e.g. smollm2-135m")
    ap.add_argument("--llm-n", type=int, default=50, help="known pairs of each kind per LLM judge")
    ap.add_argument("--no-embedding", action="store_true", help="keep each run's embedding-judge entry; only calibrate --llm judges")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", default=str(ROOT / "nbs" / "results" / "semantic_judge.json"))
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    out = Path(a.out)
    res = read_json(out) if out.exists() else dict(runs={})
    res["machine"] = dict(cpu=cpu_name(), threads=a.threads, torch=torch.__version__)
    emb = None if a.no_embedding else Embedder()
    for spec in a.runs:
        run, _, name = spec.partition("=")
        name = name or Path(run).name
        forest = Forest.from_run(run)
        r = res["runs"].get(name, {})
        if emb is not None:
            t0 = time.time()
            r = {**r, **semantic_check(forest, emb, n=a.n, seed=a.seed)}      # judges calibrated before on this run stay
            r["seconds"] = round(time.time() - t0, 1)
            print(name, json.dumps({k: r[k] for k in ("calibration", "forest", "siblings", "control", "forest_vs_control")}))
        cfg = read_json(Path(run) / "config.json")
        r["run"] = dict(widths=cfg["hsae"]["widths"], rho=cfg["hsae"]["rho"], perturb_rate=cfg["hsae"]["perturb_rate"],
                        steps=cfg["train"]["total_steps"], seed=cfg["train"]["seed"])
        if a.llm:
            from hsae_nb.autointerp import make_judge
            done = {c["judge"]: c for c in r.get("llm_calibration", [])}          # judges calibrated before stay
            for j in a.llm.split(","):
                spec, _, label = j.partition("=")                               # SPEC=NAME: a folder judge under a readable name
                cal = judge_calibration(forest, make_judge(spec), n=a.llm_n, seed=a.seed, progress=True)
                name_j = label or cal["judge"]
                done[name_j] = {**cal, "judge": name_j}
            r["llm_calibration"] = list(done.values())
            print(name, json.dumps(r["llm_calibration"]))
        res["runs"][name] = r
        write_json(out, res)                       # after each run: a kill loses one run at most


if __name__ == "__main__":
    main()
