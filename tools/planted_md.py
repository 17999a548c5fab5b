"""Print the README's planted-forest table from bench/results/planted.json (python tools/planted_md.py [path])."""
import json, sys
from pathlib import Path

from hsae_nb.synthetic import PLANTED_VARIANTS as ORDER   # the variants in the order the notebook lists them

path = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent.parent / "bench" / "results" / "planted.json"
res = json.loads(path.read_text())
print("| variant | seed | dead latents per level | L0 per level | EV per level | MCC per level (all directions) | MCC per level (own depth) | "
      "planted directions recovered (cos ≥ 0.5 / 0.7), widest level | edge P / R / F1 | Hamming / P(p\\|c) / P(c\\|p) | converged |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for name, r in sorted(res["runs"].items(), key=lambda kv: (ORDER.index(kv[1]["variant"]), kv[1]["seed"])):
    f = lambda xs, d=2: "/".join(f"{x:.{d}f}" for x in xs)
    mcc = f(r["mcc"], 3) if "mcc" in r else "–"            # runs from before MCC was recorded
    own = f(r["mcc_own"], 3) if "mcc_own" in r else "–"
    cof = f"{r['hamming']:.2f} / {r['p_parent_given_child']:.3f} / {r['p_child_given_parent']:.3f}" if "hamming" in r else "–"
    conv = ("yes" if r["converged"] else "**no**") if "converged" in r else "–"
    print(f"| {r['variant']} | {r['seed']} | {'/'.join(map(str, r['dead']))} | {f(r['l0'], 1)} | {f(r['ev'])} | {mcc} | {own} | "
          f"{r['recovered_any_0p5'][-1]:.2f} / {r['recovered_any_0p7'][-1]:.2f} | "
          f"{r['edge_precision']:.2f} / {r['edge_recall']:.2f} / {r['edge_f1']:.3f} | {cof} | {conv} |")
