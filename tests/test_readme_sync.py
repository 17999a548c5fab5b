"""tools/readme_sync.py: the README's tables and reproduction section, and 20_paper's statements, match the results files."""
import json
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
import readme_sync  # noqa: E402


def test_committed_readme_matches_results():
    # Fails when a results JSON or statements file changed and `python tools/readme_sync.py` was not run.
    assert readme_sync.stale() == []


def test_stale_parts_are_named_and_mended(tmp_path):
    readme, nb = tmp_path / "README.md", tmp_path / "20_paper.ipynb"
    shutil.copy(readme_sync.README, readme); shutil.copy(readme_sync.PAPER_NB, nb)
    text = readme.read_text()
    row = next(l for l in text.split("\n") if l.startswith("| hsae | 0 |"))            # a planted-table row
    text = text.replace(row, row.replace("| hsae | 0 |", "| hsae | 0 | edited by hand |"))
    text = text.replace("levels 256/512/1024/2048, target L0 20", "levels 256/512/1024/2048, target L0 25")
    readme.write_text(text)
    book = json.loads(nb.read_text())
    readme_sync.statements_cell(book)["source"].append("\nA sentence no results file holds.")
    nb.write_text(json.dumps(book))
    assert readme_sync.stale(readme, nb) == ["README: planted table", "README: reproduction section",
                                             "20_paper.ipynb: 'What the runs show' cell"]
    readme_sync.sync(readme, nb)
    assert readme_sync.stale(readme, nb) == []
    assert readme.read_text() == readme_sync.README.read_text()


def _results(hsae: dict, posthoc: dict) -> dict:
    "Two seeds of each method; `hsae`/`posthoc` give per-seed summaries as {metric: (seed 0, seed 1)}."
    runs = {}
    for variant, vals in (("HSAE", hsae), ("post-hoc", posthoc)):
        for seed in (0, 1):
            summary = {k: v[seed] for k, v in vals.items()} | dict(l0=20.0, explained_variance_legacy=0.8)
            runs[f"{variant} seed {seed}"] = dict(variant=variant, seed=seed, tokens_trained=20_480_000,
                                                  l0_within_5pct=True, summary=summary)
    return dict(runs=runs)


def test_summary_verdict_follows_the_numbers():
    good = dict(hamming=(10.0, 10.4), p_parent_given_child=(0.70, 0.71), p_child_given_parent=(0.40, 0.41))
    bad = dict(hamming=(14.0, 14.5), p_parent_given_child=(0.65, 0.66), p_child_given_parent=(0.36, 0.37))
    s = readme_sync.summary_paragraph(_results(good, bad))
    assert "**better aligned than**" in s and "Hamming 10.20 ± 0.20 vs 14.25 ± 0.25" in s and "larger than the spread" in s
    assert "**worse aligned than**" in readme_sync.summary_paragraph(_results(bad, good))
    close = dict(good, hamming=(13.6, 14.6))                          # HSAE ahead on the mean, seeds overlap
    s = readme_sync.summary_paragraph(_results(close, bad))
    assert "**better aligned than**" in s and "not all larger than the spread" in s
    mixed = dict(bad, hamming=(10.0, 10.4))
    assert "some hierarchy metrics" in readme_sync.summary_paragraph(_results(mixed, bad))


def test_the_rules_winner_is_named_with_its_numbers():
    "Once a candidate replaces the default, the opening paragraph says which weights and how they did at their budget."
    base = dict(hamming=(14.0, 14.5), p_parent_given_child=(0.65, 0.66), p_child_given_parent=(0.36, 0.37))
    res = _results(dict(hamming=(10.0, 10.4), p_parent_given_child=(0.70, 0.71), p_child_given_parent=(0.40, 0.41)), base)
    for variant, ham in (("HSAE 10M", (12.0, 12.4)), ("HSAE ρ=0.1", (8.0, 8.2))):
        for seed in (0, 1):
            res["runs"][f"{variant} seed {seed}"] = dict(variant=variant, seed=seed, tokens_trained=10_240_000, l0_within_5pct=True,
                                                         summary=dict(l0=20.0, explained_variance_legacy=0.78, hamming=ham[seed],
                                                                      p_parent_given_child=0.66, p_child_given_parent=0.40))
    assert "default weights" not in readme_sync.summary_paragraph(res)              # no winner: nothing said
    s = readme_sync.summary_paragraph(res, "HSAE ρ=0.1")
    assert "default weights are now **ρ 0.1, r 0.05** (`HSAE ρ=0.1`)" in s and "10.2M tokens" in s, s
    assert "Hamming 8.10 ± 0.10 vs 12.20 ± 0.20" in s and "post-hoc" not in s.split("default weights")[1], s   # no post-hoc 10M run here


def test_missing_runs_are_named_until_every_run_is_in():
    import paper_runs
    everything = {paper_runs.run_name(v, s): {} for v, s, _, _ in paper_runs.all_runs()}
    assert readme_sync._missing_runs(dict(runs=everything)) == ""
    del everything["HSAE literal seed 1"]
    assert "Not in the table yet" in readme_sync._missing_runs(dict(runs=everything))
    assert readme_sync._missing_runs(dict(runs=everything)).endswith(": HSAE literal seed 1. ")
