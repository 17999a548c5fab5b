"""Print the README's results tables (markdown) from the JSON the notebooks and benchmarks write.

    python tools/results_md.py            # reproduction table (nbs/results/paper_reproduction.json) + speed table (bench/results/step.json)

The README quotes these numbers; generating the tables keeps the two from drifting apart.
"""
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COLS = [("l0", "L0", "{:.1f}"), ("explained_variance_legacy", "EV", "{:.3f}"), ("p_parent_given_child", "P(p\\|c) ↑", "{:.3f}"),
        ("p_child_given_parent", "P(c\\|p) ↑", "{:.3f}"), ("hamming", "Hamming ↓", "{:.2f}")]


def reproduction_table(path=ROOT / "nbs" / "results" / "paper_reproduction_1M.json") -> str:
    r = json.loads(Path(path).read_text())
    PAPER = r["paper_reference"]                      # written by nbs/20_paper.ipynb next to our numbers
    lines = ["| run | " + " | ".join(c[1] for c in COLS) + " | Hamming / L0 | paper's Hamming | train min |",
             "|---|" + "---|" * (len(COLS) + 3)]
    for name, run in r["runs"].items():
        s = run["summary"]
        ours = " | ".join(f.format(s[k]) for k, _, f in COLS)
        paper = PAPER.get(name, {}).get("hamming")
        lines.append(f"| {name} | {ours} | {s['hamming'] / s['l0']:.2f} | {paper if paper is not None else '–'} | {run['train_seconds'] / 60:.1f} |")
    lines += ["", "The paper's Table 3 rows for the same comparison (Gemma-2-2B layer 13, L0 50):", "",
              "| run | " + " | ".join(c[1] for c in COLS) + " |", "|---|" + "---|" * len(COLS)]
    for name in ("HSAE", "post-hoc"):
        lines.append(f"| {name} (paper) | " + " | ".join(f.format(PAPER[name][k]) for k, _, f in COLS) + " |")
    return "\n".join(lines)


def speed_table(path=ROOT / "bench" / "results" / "step.json") -> str:
    r = json.loads(Path(path).read_text())
    lines = ["| shape | HSAE step (path) | sparse / dense path | dense reference SAE step | GEMM roofline | × roofline | hierarchy share | peak RSS |",
             "|---|---|---|---|---|---|---|---|"]
    for name in ("small", "paper"):
        if name not in r: continue
        s = r[name]
        by = s["tokens_per_s_by_path"]
        lines.append(f"| {name} | {s['tokens_per_s']:,.0f} tok/s ({s['auto_path']}) | {by.get('sparse', float('nan')):,.0f} / "
                     f"{by.get('dense', float('nan')):,.0f} | {s['dense_reference_tokens_per_s']:,.0f} | {s['roofline_tokens_per_s']:,.0f} | "
                     f"{s['vs_roofline']:.2f} | {100 * s['hierarchy_fraction']:.0f}% | {s['peak_rss_mb'] / 1024:.1f} GB |")
    m = r["machine"]
    return "\n".join(lines) + f"\n\n({m['cpu']}, {m['threads']} threads, torch {m['torch']}; `{r['command']}`)"


if __name__ == "__main__":
    for f in (reproduction_table, speed_table):
        try: print(f(), end="\n\n")
        except FileNotFoundError as e: print(f"(missing {e.filename})\n")
