"""The planted-forest table of 06_trainer from bench/results/planted.json (python tools/planted_md.py [path] prints it)."""
import json, sys
from pathlib import Path

from hsae_nb.synthetic import PLANTED_VARIANTS as ORDER   # the variants in the order the notebook lists them

PLANTED_JSON = Path(__file__).resolve().parent.parent / "bench" / "results" / "planted.json"


def planted_table(path=PLANTED_JSON) -> str:
    "One row per planted run, in the notebook's variant order, then by seed."
    res = json.loads(Path(path).read_text())
    lines = ["| variant | seed | dead latents per level | L0 per level | EV per level | MCC per level (all directions) | "
             "MCC per level (own depth) | planted directions recovered (cos ≥ 0.5 / 0.7), widest level | edge P / R / F1 | "
             "Hamming / P(p\\|c) / P(c\\|p) | converged |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    f = lambda xs, d=2: "/".join(f"{x:.{d}f}" for x in xs)
    for r in sorted(res["runs"].values(), key=lambda r: (ORDER.index(r["variant"]), r["seed"])):
        mcc = f(r["mcc"], 3) if "mcc" in r else "–"            # runs from before MCC was recorded
        own = f(r["mcc_own"], 3) if "mcc_own" in r else "–"
        cof = f"{r['hamming']:.2f} / {r['p_parent_given_child']:.3f} / {r['p_child_given_parent']:.3f}" if "hamming" in r else "–"
        conv = ("yes" if r["converged"] else "**no**") if "converged" in r else "–"
        lines.append(f"| {r['variant']} | {r['seed']} | {'/'.join(map(str, r['dead']))} | {f(r['l0'], 1)} | {f(r['ev'])} | {mcc} | "
                     f"{own} | {r['recovered_any_0p5'][-1]:.2f} / {r['recovered_any_0p7'][-1]:.2f} | "
                     f"{r['edge_precision']:.2f} / {r['edge_recall']:.2f} / {r['edge_f1']:.3f} | {cof} | {conv} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(planted_table(Path(sys.argv[1]) if len(sys.argv) > 1 else PLANTED_JSON))
