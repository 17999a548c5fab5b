"""The speed table of 04a_sparse from bench/results/step.json (python tools/speed_md.py [path] prints it, with the machine)."""
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def quartiles(s: dict) -> str:
    "The paired differences' quartiles of the hierarchy share, where the bench measured them (--rounds)."
    q = s.get("hierarchy_fraction_quartiles")
    return f" [{100 * q[0]:.1f}-{100 * q[1]:.1f}%]" if q else ""


def speed_table(path=ROOT / "bench" / "results" / "step.json") -> str:
    r = json.loads(Path(path).read_text())
    lines = ["| shape | HSAE step (path) | sparse / dense path | dense reference SAE step | GEMM roofline | × roofline | hierarchy share [quartiles] | HSAE / post-hoc step | peak RSS |",
             "|---|---|---|---|---|---|---|---|---|"]
    for name in ("small", "planted", "paper"):
        if name not in r: continue
        s = r[name]
        by = s["tokens_per_s_by_path"]
        lines.append(f"| {name} | {s['tokens_per_s']:,.0f} tok/s ({s['auto_path']}) | {by.get('sparse', float('nan')):,.0f} / "
                     f"{by.get('dense', float('nan')):,.0f} | {s['dense_reference_tokens_per_s']:,.0f} | {s['roofline_tokens_per_s']:,.0f} | "
                     f"{s['vs_roofline']:.2f} | {100 * s['hierarchy_fraction']:.1f}%{quartiles(s)} | {s.get('hsae_over_posthoc', float('nan')):.2f} | "
                     f"{s['peak_rss_mb'] / 1024:.1f} GB |")
    m = r["machine"]
    return "\n".join(lines) + f"\n\n({m['cpu']}, {m['threads']} threads, torch {m['torch']}; `{r['command']}`)"


if __name__ == "__main__":
    import sys
    print(speed_table(*sys.argv[1:2]))
