"""tools/paper_runs.py: a run's entry from a real (tiny) trained and evaluated run folder, and the seed table."""
import json
import sys
from pathlib import Path

import pytest
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
import paper_runs  # noqa: E402


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    "A tiny Llama cache, an HSAE trained on it through the CLI functions, and its evaluation."
    from hsae_nb.cache import harvest
    from hsae_nb.cli import hsae_eval, hsae_train
    from hsae_nb.data import open_corpus, tiny_lm
    torch.set_num_threads(1)
    tmp = tmp_path_factory.mktemp("paper_runs")
    harvest(tiny_lm(), open_corpus(), tmp / "cache", layer=1, n_tokens=3000, context_size=32, seqs_per_shard=8, progress=False)
    hsae_train(str(tmp / "cache"), str(tmp / "run"), preset="tiny", steps=30, batch_size=64, test_fraction=0.3, quiet=True)
    hsae_eval(str(tmp / "run"), batch_size=64)
    return tmp / "run"


def test_entry_from_a_real_run(tiny_run):
    e = paper_runs.entry(tiny_run, "HSAE", 0, 30, {}, seconds=1.0, steps_run=30)
    metrics = json.loads((tiny_run / "metrics.json").read_text())
    assert e["steps"] == 30 and e["tokens_trained"] == 30 * paper_runs.PROTOCOL["batch_size"]
    assert e["l0_levels"] == [lv["l0"] for lv in metrics["levels"]]
    within = all(abs(x / paper_runs.TARGET_L0 - 1) <= paper_runs.L0_TOLERANCE for x in e["l0_levels"])
    assert e["l0_within_5pct"] is within and within is False        # the tiny preset steers to L0 4, not 20
    s = e["summary"]
    assert s["hamming_per_l0"] == pytest.approx(s["hamming"] / s["l0"])
    assert 0 <= s["p_parent_given_child_pooled"] <= 1 and 0 <= s["p_child_given_parent_pooled"] <= 1
    assert len(e["pairs"]) == 2 and all("hamming_per_l0" in p for p in e["pairs"])
    assert "ce_loss_score" not in s                                # no splicing was asked for


def _fake(variant, seed, hamming, l0s):
    return dict(variant=variant, seed=seed, tokens_trained=20_480_000, l0_within_5pct=all(abs(x / 20 - 1) <= 0.05 for x in l0s),
                summary=dict(l0=sum(l0s) / len(l0s), hamming=hamming, hamming_per_l0=hamming / (sum(l0s) / len(l0s))))


def test_seed_table_means_spreads_and_the_l0_flag():
    res = {"runs": {"a": _fake("HSAE", 0, 6.0, [20, 20, 20, 20]), "b": _fake("HSAE", 1, 8.0, [20, 20.5, 19.5, 20]),
                    "c": _fake("post-hoc", 0, 7.0, [20, 20, 20, 23])}}
    t = paper_runs.seed_table(res)
    assert t.loc["HSAE", "hamming"] == pytest.approx(7.0) and t.loc["HSAE", "hamming_spread"] == pytest.approx(2.0)
    assert t.loc["HSAE", "seeds"] == "0,1" and bool(t.loc["HSAE", "l0_ok"]) is True
    assert bool(t.loc["post-hoc", "l0_ok"]) is False                 # one level 15% off target
    md = paper_runs.markdown_table(res)
    assert "| HSAE | 0,1 | 20.5M | yes | 20.0 ± 0.0 | – | – | 7.00 ± 1.00 |" in md
    assert "| post-hoc | 0 | 20.5M | **no** |" in md


def test_a_killed_run_resumes_from_its_checkpoint(tiny_run, monkeypatch):
    "A run killed after a checkpoint (no config.json yet: it is written at the end) is resumed, not refused."
    from hsae_nb.cli import hsae_train
    from hsae_nb.runtime import checkpoint_paths
    monkeypatch.setattr(paper_runs, "PROTOCOL", dict(preset="tiny", batch_size=64, checkpoint_every=10, test_fraction=0.3))
    cache, runs = tiny_run.parent / "cache", tiny_run.parent / "runs"
    rd = paper_runs.run_folder(runs, "HSAE", 0)
    hsae_train(str(cache), str(rd), preset="tiny", steps=20, batch_size=64, checkpoint_every=10, test_fraction=0.3, quiet=True)
    (rd / "config.json").unlink()                                  # as if killed before the end of the run
    assert checkpoint_paths(rd)
    paper_runs.train_and_eval(str(cache), runs, "HSAE", 0, 20, {}, threads=1, splice=0)
    e = json.loads((rd / paper_runs.ENTRY).read_text())
    assert e["steps"] == 20 and (rd / "config.json").exists()


def test_a_variants_weights_win_over_the_protocols(tiny_run, monkeypatch):
    "The protocol writes ρ and r out (the paper's weights); a variant's own ρ, r replace them, and post-hoc still trains at 0."
    from hsae_nb.core import read_json
    monkeypatch.setattr(paper_runs, "PROTOCOL", dict(preset="tiny", batch_size=64, checkpoint_every=10, test_fraction=0.3,
                                                     rho=0.01, perturb_rate=0.05))
    cache, runs = str(tiny_run.parent / "cache"), tiny_run.parent / "runs"
    for variant, over, want in [("HSAE ρ=0.1 r=0", dict(rho=0.1, perturb_rate=0.0), (0.1, 0.0)), ("HSAE 10M", {}, (0.01, 0.05)),
                                ("post-hoc 10M", dict(baseline=True), (0.0, 0.0))]:
        paper_runs.train_and_eval(cache, runs, variant, 0, 10, over, threads=1, splice=0)
        hsae = read_json(paper_runs.run_folder(runs, variant, 0) / "config.json")["hsae"]
        assert (hsae["rho"], hsae["perturb_rate"]) == want, variant


def test_variant_weights_follow_protocol_and_overrides():
    from hsae_nb.core import PAPER_WEIGHTS
    assert paper_runs.variant_weights("HSAE") == paper_runs.variant_weights("HSAE literal") == PAPER_WEIGHTS
    assert paper_runs.variant_weights("HSAE ρ=0.1") == dict(PAPER_WEIGHTS, rho=paper_runs.VARIANTS["HSAE ρ=0.1"][2]["rho"])
    assert paper_runs.variant_weights("HSAE ρ=0.1 r=0") == paper_runs.VARIANTS["HSAE ρ=0.1 r=0"][2]
    assert paper_runs.variant_weights("post-hoc 10M") == dict(rho=0.0, perturb_rate=0.0)
    assert paper_runs.weights_text(dict(rho=0.1, perturb_rate=0.0)) == "ρ 0.1, r 0"


def test_again_evaluates_without_touching_the_model(tiny_run, monkeypatch):
    "--again re-evaluates a finished run: model files keep their times, so results kept by hsae_eval survive."
    monkeypatch.setattr(paper_runs, "PROTOCOL", dict(preset="tiny", batch_size=64, checkpoint_every=10, test_fraction=0.3))
    runs = tiny_run.parent / "runs"
    rd = paper_runs.run_folder(runs, "HSAE", 0)
    if not (rd / paper_runs.ENTRY).exists():
        paper_runs.train_and_eval(str(tiny_run.parent / "cache"), runs, "HSAE", 0, 20, {}, threads=1, splice=0)
    m = json.loads((rd / "metrics.json").read_text())
    (rd / "metrics.json").write_text(json.dumps({**m, "geometry": {"score": 0.5}}))   # as if added by a later call
    before = (rd / "hierarchy.safetensors").stat().st_mtime_ns
    paper_runs.train_and_eval(str(tiny_run.parent / "cache"), runs, "HSAE", 0, 20, {}, threads=1, splice=0, again=True)
    assert (rd / "hierarchy.safetensors").stat().st_mtime_ns == before
    assert json.loads((rd / "metrics.json").read_text())["geometry"] == {"score": 0.5}


def test_a_claimed_run_is_left_to_its_worker(tiny_run, monkeypatch):
    "A worker holds a run's claim through training and evaluation: a second one is told it is in use and touches nothing."
    import subprocess, sys
    from hsae_nb.core import HSAEError, lock_holder
    monkeypatch.setattr(paper_runs, "PROTOCOL", dict(preset="tiny", batch_size=64, checkpoint_every=10, test_fraction=0.3))
    runs = tiny_run.parent / "runs"
    claim = paper_runs.claim_folder(runs, "post-hoc", 1)
    hold = f"from hsae_nb.core import lock_folder; import time; lock_folder({str(claim)!r}); print('held', flush=True); time.sleep(60)"
    other = subprocess.Popen([sys.executable, "-c", hold], stdout=subprocess.PIPE, text=True)
    try:
        assert other.stdout.readline().strip() == "held"
        with pytest.raises(HSAEError, match=f"is in use by pid {other.pid}"):
            paper_runs.train_and_eval(str(tiny_run.parent / "cache"), runs, "post-hoc", 1, 20, dict(baseline=True), threads=1, splice=0)
        assert not paper_runs.run_folder(runs, "post-hoc", 1).exists()
        assert paper_runs.run_status(runs).loc["post-hoc seed 1", "state"] == f"training ({lock_holder(claim)})"
    finally: other.kill(); other.wait()


def test_semantic_table_reads_the_checks():
    yes = lambda p, n: dict(yes_rate=p, ci_low=p - 0.1, ci_high=p + 0.1, n=n, malformed=0)
    res = {"runs": {"HSAE seed 0": dict(autointerp=dict(judge="j", pairs=yes(0.6, 100), control=yes(0.4, 100), separation_auc=0.62),
                                        geometry=dict(score=0.8, spread=0.2, triples=150)),
                    "post-hoc seed 1": {}}}
    t = paper_runs.semantic_table(res)
    assert list(t.index) == ["HSAE seed 0"]                                  # runs without checks are left out
    assert t.loc["HSAE seed 0", "forest_pairs"] == "0.60 [0.50, 0.70] (n 100, 0 malformed)"
    assert t.loc["HSAE seed 0", "separation_auc"] == 0.62 and t.loc["HSAE seed 0", "geometry"] == 0.8


def test_run_order_and_restarted_worker(tmp_path):
    order = [(v, s) for v, s, _, _ in paper_runs.all_runs()]
    assert order[:4] == [("HSAE", 0), ("post-hoc", 0), ("HSAE", 1), ("post-hoc", 1)]
    assert order.index(("HSAE 10M", 1)) > max(order.index((v, 1)) for v in ("HSAE r=0", "HSAE ρ=0", "HSAE literal"))
    assert len(order) == len(set(order)) == sum(len(seeds) for _, seeds, _ in paper_runs.VARIANTS.values())
    # a run with a checkpoint goes first; the others keep their order
    ck = paper_runs.run_folder(tmp_path, "HSAE literal", 1) / "checkpoints"
    ck.mkdir(parents=True); (ck / "step_000000500.pt").write_bytes(b"")
    todo = paper_runs.all_runs()
    got = [(v, s) for v, s, _, _ in paper_runs.started_first(todo, tmp_path)]
    assert got[0] == ("HSAE literal", 1) and got[1:] == [vs for vs in order if vs != ("HSAE literal", 1)]


def test_run_status_tells_finished_training_stopped(tmp_path):
    from hsae_nb.core import lock_folder, unlock_folder
    def checkpoint(v, s, step):
        ck = paper_runs.run_folder(tmp_path, v, s) / "checkpoints"; ck.mkdir(parents=True, exist_ok=True)
        (ck / f"step_{step:09d}.pt").write_bytes(b"")
    checkpoint("HSAE", 0, 20_000); (paper_runs.run_folder(tmp_path, "HSAE", 0) / paper_runs.ENTRY).write_text("{}")
    checkpoint("post-hoc", 0, 20_000)
    checkpoint("HSAE", 1, 500)
    checkpoint("post-hoc", 1, 1500); busy = lock_folder(paper_runs.run_folder(tmp_path, "post-hoc", 1))
    checkpoint("HSAE 10M", 0, 10_000); claim = lock_folder(paper_runs.claim_folder(tmp_path, "HSAE 10M", 0))
    try: st = paper_runs.run_status(tmp_path)
    finally: unlock_folder(busy); unlock_folder(claim)
    assert st.loc["HSAE 10M seed 0", "state"].startswith("evaluating (this process")
    assert st.loc["HSAE seed 0", "state"] == "finished"
    assert st.loc["post-hoc seed 0", "state"] == "trained, not yet evaluated"
    assert st.loc["HSAE seed 1", "state"] == "stopped" and st.loc["HSAE seed 1", "steps"] == "500/20000"
    assert st.loc["post-hoc seed 1", "state"].startswith("training (this process")
    assert st.loc["HSAE literal seed 1", "state"] == "not started"
    assert paper_runs.run_status(tmp_path).loc["post-hoc seed 1", "state"] == "stopped"    # the lock went with its holder


def test_rule_verdicts():
    def run(variant, seed, ppc, ham, ev=0.78, ce=0.98, ok=True):
        return dict(variant=variant, seed=seed, l0_within_5pct=ok,
                    summary=dict(p_parent_given_child=ppc, hamming=ham, explained_variance_legacy=ev, ce_loss_score=ce))
    ref = [run("HSAE 10M", s, 0.62, 12.0) for s in (0, 1)]
    planted = dict(runs={f"{v} {s}": dict(variant=v, seed=s, edge_f1=f) for v, fs in
                         dict(hsae=(0.81, 0.83), rho0=(0.80, 0.81), r0=(0.70, 0.72)).items() for s, f in enumerate(fs)})
    results = dict(runs={f"{r['variant']} {r['seed']}": r for r in ref + [
        run("HSAE ρ=0", 0, 0.65, 11.0, ev=0.79), run("HSAE ρ=0", 1, 0.64, 11.5),        # better on both (a higher EV is no fault), planted F1 within range
        run("HSAE r=0", 0, 0.66, 10.0), run("HSAE r=0", 1, 0.66, 10.0),                # better, but the planted edges are lost
        run("HSAE ρ=0.1", 0, 0.70, 9.0, ev=0.774),                                      # co-firing bought with EV
        run("HSAE ρ=0.1 r=0", 0, 0.70, 9.0)]})                                          # good so far, seed 1 missing
    v = paper_runs.rule_verdicts(results, planted)
    assert v["HSAE ρ=0"] == ("passes", ["the choice among passing settings waits for HSAE ρ=0.1 r=0"])
    assert v["HSAE r=0"][0] == "does not replace the default" and "planted edge F1 0.710" in v["HSAE r=0"][1][0]
    assert v["HSAE ρ=0.1"][0] == "does not replace the default" and v["HSAE ρ=0.1"][1] == ["seed 0: EV 0.774 below 0.780"]
    assert v["HSAE ρ=0.1 r=0"] == ("waiting", ["not finished: HSAE ρ=0.1 r=0 seed 1, planted runs of 'rho0.1-r0' and 'hsae'"])
    results["runs"]["HSAE ρ=0.1 r=0 1"] = run("HSAE ρ=0.1 r=0", 1, 0.69, 9.5)       # both seeds in: two pass, P(p|c) chooses
    planted["runs"].update({f"rho0.1-r0 {s}": dict(variant="rho0.1-r0", seed=s, edge_f1=0.82) for s in (0, 1)})
    v = paper_runs.rule_verdicts(results, planted)
    assert v["HSAE ρ=0.1 r=0"] == ("replaces the default", [])
    assert v["HSAE ρ=0"] == ("passes, not chosen", ["HSAE ρ=0.1 r=0 has the higher per-pair P(p|c): 0.695 against 0.645"])
    assert v["HSAE r=0"][0] == v["HSAE ρ=0.1"][0] == "does not replace the default"
    results["runs"]["HSAE ρ=0 1"]["l0_within_5pct"] = False
    assert paper_runs.rule_verdicts(results, planted)["HSAE ρ=0"][1] == ["seed 1: L0 not within ±5% on every level"]


def test_collect_keeps_old_runs_and_replaces_those_found(tiny_run, monkeypatch, tmp_path):
    "Run folders live outside git: collecting on a machine with only new runs keeps the JSON's older entries."
    monkeypatch.setattr(paper_runs, "PROTOCOL", dict(preset="tiny", batch_size=64, checkpoint_every=10, test_fraction=0.3))
    monkeypatch.setattr(paper_runs, "RESULTS", tmp_path / "results.json")
    cache, runs = tiny_run.parent / "cache", tmp_path / "runs"
    old = dict(variant="post-hoc", seed=0, marker="trained elsewhere")
    stale = dict(variant="post-hoc 10M", seed=1, marker="replaced by the folder found here")
    gone = dict(variant="no longer a variant", seed=0)
    paper_runs.RESULTS.write_text(json.dumps(dict(runs={"post-hoc seed 0": old, "post-hoc 10M seed 1": stale, "gone seed 0": gone})))
    paper_runs.train_and_eval(str(cache), runs, "post-hoc 10M", 1, 10, dict(baseline=True), threads=1, splice=0)
    out = paper_runs.collect(runs, str(cache))
    assert out["runs"]["post-hoc seed 0"] == old                          # no folder here: kept as it was
    new = out["runs"]["post-hoc 10M seed 1"]
    assert "marker" not in new and new["steps"] == 10                     # the folder found here wins
    assert "gone seed 0" not in out["runs"]                               # entries of removed variants are not carried
    manifest = json.loads((cache / "manifest.json").read_text())
    assert new["cache_fingerprint"] == out["cache"]["fingerprint"] == paper_runs.cache_fingerprint(manifest)
    assert "cache_fingerprint" not in out["runs"]["post-hoc seed 0"]       # an old run's cache is not guessed
    assert json.loads(paper_runs.RESULTS.read_text())["runs"].keys() == out["runs"].keys()


def test_a_matryoshka_run_is_trained_evaluated_and_entered(tiny_run, monkeypatch, tmp_path):
    "The Matryoshka variant: a dictionary at the protocol's widths on the same cache and split, scored like the HSAE runs."
    monkeypatch.setattr(paper_runs, "PROTOCOL", dict(preset="tiny", widths="8,16,32", batch_size=64, checkpoint_every=10, test_fraction=0.3))
    monkeypatch.setattr(paper_runs, "TARGET_L0", 4.0)
    cache, runs = str(tiny_run.parent / "cache"), tmp_path / "runs"
    paper_runs.train_and_eval(cache, runs, "Matryoshka 10M", 0, 30, paper_runs.VARIANTS["Matryoshka 10M"][2], threads=1, splice=0)
    rd = paper_runs.run_folder(runs, "Matryoshka 10M", 0)
    e = json.loads((rd / paper_runs.ENTRY).read_text())
    assert e["steps"] == 30 and e["tokens_trained"] == 30 * 64
    assert len(e["l0_levels"]) == 3 and all(x > 0 for x in e["l0_levels"])      # every group fires on held-out vectors
    cfg = json.loads((rd / "config.json").read_text())
    assert cfg["train"]["kind"] == "matryoshka" and cfg["train"]["k"] == 12.0 and cfg["data"]["test_fraction"] == 0.3
    assert paper_runs.variant_weights("Matryoshka 10M") == dict(rho=0.0, perturb_rate=0.0)
