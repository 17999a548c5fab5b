"""Keep the README's generated parts in step with the results files they are made from.

    python tools/readme_sync.py           # rewrite the stale parts of README.md and 20_paper's statements cell
    python tools/readme_sync.py --check   # name the stale parts and exit 1 (the test suite runs this)

Generated parts: the opening answer to "does it work?" (HSAE against post-hoc), the speed table (bench/results/step.json), the planted-forest table (bench/results/planted.json),
the section "Reproducing the paper at small scale" (nbs/results/paper_reproduction.json, with the statements
written after reading it: nbs/results/paper_statements.md and paper_semantic.md), and the cell "What the runs
show" of nbs/20_paper.ipynb (the same statements). A results file changes after every finished run or
benchmark; rewriting by hand is how a README comes to quote numbers its JSON no longer holds.
"""
import argparse, json, sys
from pathlib import Path

TOOLS = Path(__file__).resolve().parent
ROOT = TOOLS.parent
sys.path.insert(0, str(TOOLS))
import paper_runs, planted_md, speed_md  # noqa: E402

README, PAPER_NB = ROOT / "README.md", ROOT / "nbs" / "20_paper.ipynb"
STATEMENTS, SEMANTIC = ROOT / "nbs" / "results" / "paper_statements.md", ROOT / "nbs" / "results" / "paper_semantic.md"
REPRO_HEADING, NEXT_HEADING, STATEMENTS_CELL = "## Reproducing the paper at small scale", "\n## ", "## What the runs show"


def rule_list(v: dict) -> str:
    "The rule for changing the default, applied to the finished runs (`v`: tools/paper_runs.py's rule_verdicts)."
    lines = [f"**The rule, applied to the finished runs** (`paper_runs.rule_verdicts`, against `{paper_runs.REFERENCE}` seed "
             f"by seed and the planted forest):", ""]
    lines += [f"- {cand}: **{verdict}**" + (f" ({'; '.join(why)})" if why else "") for cand, (verdict, why) in v.items()]
    return "\n".join(lines)


def _missing_runs(results: dict) -> str:
    "A sentence naming the planned runs the results do not hold yet (empty when every run is in)."
    missing = [paper_runs.run_name(v, sd) for v, sd, _, _ in paper_runs.all_runs() if paper_runs.run_name(v, sd) not in results["runs"]]
    return f"Not in the table yet (training; they resume from their checkpoints): {', '.join(missing)}. " if missing else ""


def reproduction_section(results: dict, rules: str, winner: str | None = None) -> str:
    "The README section from its heading up to (not including) the next one."
    table = paper_runs.markdown_table(results)
    now = f"; `{winner}` is the default now" if winner else ""
    return f"""{REPRO_HEADING}

`tools/paper_runs.py` trains and evaluates every run of the reproduction, resumably (checkpoints every 500
steps; workers share the run list through locks, a worker holding a run from the start of its training to the end
of its evaluation; a restarted worker resumes the runs it
began first, and `--runs DIR --status` says which runs are finished, training, or stopped), and rebuilds
`nbs/results/paper_reproduction.json` after each finished run; `nbs/20_paper.ipynb` explains the protocol and
draws the tables and figures from that file. Protocol: SmolLM2-135M block 15, a cache of 5,000,040 activation
vectors (docstrings of the standard library and 14 installed packages; 95% of the shards for training, every
vector of the other 5% for evaluation), levels 256/512/1024/2048, target L0 20 on every level, batches of 1024,
the package's default recipe (PI controller with the threshold trim, coupling from the end of warm-up,
re-assignment every 1000 steps, dead features revived; every level trained by its thresholds from step 0 - the
start by rank, added after these runs began, is off for all of them), lr 1e-3. `HSAE` and every variant not named by its
ρ use the paper's weights {paper_runs.weights_text(paper_runs.variant_weights("HSAE"))} (the package's default when the runs began{now}).
HSAE and its post-hoc baseline train 20k steps
(20.5M tokens, about 4 passes); the ablations 10k steps (10.2M) beside an HSAE and a post-hoc run of 10k steps.
CE score: each level spliced into the LM in turn on 64 held-out sequences. A row is a comparison only when every
level of every seed ended within ±5% of the target L0 (column "L0 ±5%?"). Means over seeds ± half their spread
(`python tools/paper_runs.py --table`; this section is written by `python tools/readme_sync.py`):

{table}

![every 10M-token setting: Hamming against per-pair P(parent|child), coloured by EV](nbs/figures/paper_settings_map.png)

{STATEMENTS.read_text().strip()}

{rules}

{SEMANTIC.read_text().strip()}

{_missing_runs(results)}The earlier 1M-token
reproduction with the paper's λ rule and coupling from step 0 is kept in `nbs/results/paper_reproduction_1M.json`:
there L0 ended 10–30% off target and differed between runs, which is why its comparisons meant little.

"""


SUMMARY_START = "**Does it work?**"
HIERARCHY = [("hamming", "Hamming", -1), ("p_parent_given_child", "P(parent|child)", 1),
             ("p_child_given_parent", "P(child|parent)", 1)]      # (column, name, +1 when higher is better)


def _seeds(row) -> int: return len(row["seeds"].split(","))


def _mean_pm(row, k: str, digits: int) -> str:
    "A seed-table cell: the mean, ± half the spread when the row has more than one seed."
    return f"{row[k]:.{digits}f}" + (f" ± {row[k + '_spread'] / 2:.{digits}f}" if _seeds(row) > 1 else "")


def default_sentence(t, winner: str | None) -> str:
    "What the rule chose as the default (`t`: the seed table), with its numbers against the paper's weights and post-hoc at the same budget."
    if winner is None or not {winner, paper_runs.REFERENCE} <= set(t.index): return ""
    rows = [t.loc[winner], t.loc[paper_runs.REFERENCE]] + ([t.loc["post-hoc 10M"]] if "post-hoc 10M" in t.index else [])
    vals = lambda k, d: " vs ".join(_mean_pm(row, k, d) for row in rows)
    seeds = lambda row: f"{_seeds(row)} seed{'s' if _seeds(row) > 1 else ''}"
    weights = lambda v: paper_runs.weights_text(paper_runs.variant_weights(v))
    who = f"the paper's {weights(paper_runs.REFERENCE)} ({seeds(rows[1])})" + (f" and post-hoc ({seeds(rows[2])})" if len(rows) > 2 else "")
    return (f"The package's default weights are now **{weights(winner)}** (`{winner}`), chosen by a rule stated before "
            f"its deciding runs: at {rows[0]['tokens_M']:.1f}M tokens ({seeds(rows[0])}) against {who}: "
            f"Hamming {vals('hamming', 2)}, P(parent|child) {vals('p_parent_given_child', 3)}, P(child|parent) "
            f"{vals('p_child_given_parent', 3)}, EV {vals('explained_variance_legacy', 3)}. ")


def summary_paragraph(results: dict, winner: str | None = None) -> str:
    "The README's opening answer, HSAE against post-hoc, worded from the numbers (the verdict too), and the default the rule chose."
    t = paper_runs.seed_table(results)
    if not {"HSAE", "post-hoc"} <= set(t.index): return f"{SUMMARY_START} The main pair has not finished yet."
    h, p = t.loc["HSAE"], t.loc["post-hoc"]
    wins = [sign * (h[k] - p[k]) > 0 for k, _, sign in HIERARCHY]
    verdict = ("better aligned than" if all(wins) else "worse aligned than" if not any(wins)
               else "better on some hierarchy metrics and worse on others than")
    seeds = _seeds(h)
    # one seed's margin beats the spread when the worse HSAE seed still beats the better post-hoc seed
    separated = all(sign * (h[k] - p[k]) > (h[k + "_spread"] + p[k + "_spread"]) / 2 for k, _, sign in HIERARCHY)
    matched = "every level of every run within ±5% of L0 20" if h["l0_ok"] and p["l0_ok"] else "**not** every level within ±5% of L0 20"
    metrics = ", ".join(f"{name} {_mean_pm(h, k, 3)} vs {_mean_pm(p, k, 3)}" if k != "hamming" else
                        f"{name} {_mean_pm(h, k, 2)} vs {_mean_pm(p, k, 2)} (lower is better)" for k, name, _ in HIERARCHY)
    return (f"{SUMMARY_START} On SmolLM2-135M activations (block 15; levels 256/512/1024/2048; {h['tokens_M']:.1f}M training "
            f"tokens; {matched}; {seeds} seed{'s' if seeds > 1 else ''} each), HSAE's forest (the paper's weights "
            f"{paper_runs.weights_text(paper_runs.variant_weights('HSAE'))}) "
            f"is **{verdict}** the same "
            f"SAEs linked after training (post-hoc): {metrics}, at explained variance {h['explained_variance_legacy']:.3f} vs "
            f"{p['explained_variance_legacy']:.3f}" + (" (mean ± half the spread over seeds). " if seeds > 1 else ". ")
            + ("The margins are larger than the spread between seeds. " if seeds > 1 and separated else
               "The margins are not all larger than the spread between seeds. " if seeds > 1 else "One seed: not yet a result. ")
            + default_sentence(t, winner) + "Seeds, ablations and what is still open: [Reproducing the paper at small scale](#reproducing-the-paper-at-small-scale).")


def replace_paragraph(text: str, start: str, paragraph: str) -> str:
    "Swap the paragraph (up to the next blank line) that begins with `start`."
    i = text.index(start)
    j = text.find("\n\n", i)
    return text[:i] + paragraph + (text[j:] if j >= 0 else "\n")


def replace_table(text: str, table: str) -> str:
    "Swap the markdown table whose header line is `table`'s first line for `table`."
    lines, new = text.split("\n"), table.split("\n")
    if new[0] not in lines:             # a changed header: the old table has to be replaced by hand once
        raise SystemExit(f"README.md has no table with the header {new[0][:80]!r}...: paste the new table in once by hand")
    start = lines.index(new[0])
    end = next((i for i in range(start, len(lines)) if not lines[i].startswith("|")), len(lines))
    return "\n".join(lines[:start] + new + lines[end:])


def synced_readme(text: str, results: dict, rules: str, winner: str | None = None) -> dict:
    "{part name: README text with that part regenerated}, applied in turn, so the last value is the whole new README."
    out = {}
    out["summary"] = text = replace_paragraph(text, SUMMARY_START, summary_paragraph(results, winner))
    speed = "\n".join(l for l in speed_md.speed_table().split("\n") if l.startswith("|"))
    out["speed table"] = text = replace_table(text, speed)
    out["planted table"] = text = replace_table(text, planted_md.planted_table())
    start = text.index(REPRO_HEADING)
    end = text.index(NEXT_HEADING, start + len(REPRO_HEADING)) + 1
    out["reproduction section"] = text[:start] + reproduction_section(results, rules, winner) + text[end:]
    return out


def synced_statements_cell(rules: str) -> list[str]:
    "The source lines 20_paper's statements cell should have."
    text = (f"{STATEMENTS_CELL}\n\nThe same statements as the README's, from the committed results (each run's numbers "
            f"are in the table above).\n\n{STATEMENTS.read_text().strip()}\n\n{rules}")
    return text.splitlines(keepends=True)


def statements_cell(nb: dict) -> dict:
    return next(c for c in nb["cells"] if c["cell_type"] == "markdown" and "".join(c["source"]).startswith(STATEMENTS_CELL))


def _generate(readme: Path, paper_nb: Path) -> tuple:
    "(stale part names, the new README text, 20_paper with its new statements cell), the results files read once."
    results = json.loads(paper_runs.RESULTS.read_text())
    verdicts = paper_runs.rule_verdicts(results, json.loads(planted_md.PLANTED_JSON.read_text()))
    rules = rule_list(verdicts)
    winner = next((c for c, (v, _) in verdicts.items() if v == "replaces the default"), None)
    before, names = readme.read_text(), []
    for name, after in synced_readme(before, results, rules, winner).items():
        if after != before: names.append(f"README: {name}")
        before = after
    nb = json.loads(paper_nb.read_text())
    cell, source = statements_cell(nb), synced_statements_cell(rules)
    if "".join(cell["source"]) != "".join(source): names.append(f"{paper_nb.name}: '{STATEMENTS_CELL[3:]}' cell")
    cell["source"] = source
    return names, before, nb


def stale(readme: Path = README, paper_nb: Path = PAPER_NB) -> list[str]:
    "The generated parts that differ from what the results files give."
    return _generate(readme, paper_nb)[0]


def sync(readme: Path = README, paper_nb: Path = PAPER_NB) -> list[str]:
    "Rewrite the stale parts; returns their names."
    names, text, nb = _generate(readme, paper_nb)
    if names:
        readme.write_text(text)
        paper_nb.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
    return names


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="only report stale parts (exit 1 if any)")
    a = ap.parse_args()
    names = stale() if a.check else sync()
    if a.check:
        print("\n".join(f"stale: {n} (run python tools/readme_sync.py)" for n in names) or "README and 20_paper are in step with the results")
        sys.exit(1 if names else 0)
    print("rewrote: " + ", ".join(names) if names else "nothing to rewrite")
