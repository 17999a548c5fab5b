"""The exported forest page in headless Chromium: the tree renders, a node expands, tokens are highlighted, the logit lens and histogram show.

Needs Debian's chromium: `make test-browser` installs it and runs this file (skipped when it is absent).
Set HSAE_SCREENSHOT=path to keep the screenshot.
"""
import os, re, shutil, subprocess
from html import escape as html_escape
from pathlib import Path

import pytest
import torch

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (make test-browser installs it)")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--disable-quic",
         "--virtual-time-budget=10000"]      # let the page unpack its dashboards (async) before the DOM is read


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    "A tiny trained, evaluated run with contexts, exported to forest.html."
    torch.set_num_threads(1)
    from hsae_nb.cache import ActivationLoader, harvest
    from hsae_nb.contexts import compute_contexts
    from hsae_nb.core import TrainConfig, preset, seed_everything
    from hsae_nb.data import open_corpus, tiny_lm
    from hsae_nb.metrics import evaluate, save_metrics
    from hsae_nb.model import HSAE
    from hsae_nb.trainer import Trainer
    from hsae_nb.viewer import Forest
    tmp = tmp_path_factory.mktemp("browser")
    lm = tiny_lm()
    harvest(lm, open_corpus(), tmp / "cache", layer=1, n_tokens=4000, context_size=32, seqs_per_shard=16, progress=False)
    model = HSAE(preset("tiny", d_in=32, bandwidth=0.02, lambda_init=0.1, update_every=50), generator=seed_everything(0))
    Trainer(model, TrainConfig(lr=3e-3, batch_size=128, total_steps=150), ActivationLoader(tmp / "cache", 128, test_fraction=0.25),
            run_dir=tmp / "run", progress=False).fit()
    test = ActivationLoader(tmp / "cache", 64, split="test", test_fraction=0.25)
    save_metrics(tmp / "run", evaluate(model, test, test.batches_per_epoch))
    compute_contexts(tmp / "run", model, test, lm.tokenizer, progress=False, lm=lm)      # with histograms and the logit lens
    forest = Forest.from_run(tmp / "run")
    return forest, forest.to_html(tmp / "run" / "forest.html"), tmp


def chromium(tmp, *args):
    r = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp / 'profile'}", *args], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    return r.stdout


def test_tree_renders(page):
    forest, html, tmp = page
    dom = chromium(tmp, "--dump-dom", html.as_uri())
    ids = [int(i) for i in re.findall(r'class="node[^"]*" data-id="(\d+)"', dom)]
    assert ids == forest.ranked_roots() and sorted(ids) == forest.roots()     # collapsed: the roots only, largest tree first
    assert "unassigned features" in dom
    tree = dom.split('id="tree"')[1].split('id="dash"')[0]
    assert not re.search(r"L\d+:\d+", tree)                      # levels read "lvl 0 · 21", never as a sparsity "L0:21"
    labelled = [g for g in forest.roots() if g in forest.labels]
    assert labelled and all(html_escape(forest.labels[g], quote=False) in tree for g in labelled)   # nodes named by their top tokens


def test_node_expands_and_tokens_highlight(page):
    forest, html, tmp = page
    root = max(forest.roots(), key=lambda r: len(forest.children(r)))
    dom = chromium(tmp, "--dump-dom", html.as_uri() + f"#expand={root}")
    ids = [int(i) for i in re.findall(r'class="node[^"]*" data-id="(\d+)"', dom)]
    assert set(forest.children(root)) <= set(ids) and len(ids) == len(forest.roots()) + len(forest.children(root))
    assert re.search(rf'class="node sel" data-id="{root}"', dom)
    assert f"<h3>#{root} · level 0" in dom
    assert len(re.findall(r'<mark[^>]* style="--a:[01]\.\d\d"', dom)) > 0           # activating tokens marked and shaded
    assert "promotes: <code" in dom and '<div class="hist"><i' in dom       # logit lens and histogram of the feature
    top = forest.info(root)["promoted"][0][0]
    assert re.search(r'<code class="up"[^>]*>' + re.escape(top.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")) + "</code>", dom)
    dash = dom.split('id="dash"')[1].split("<script")[0]                    # the rendered dashboard, not the page's own JS
    assert dash.count('<span class="bar">') == len(forest.children(root))    # one P(c|p) bar per child


def test_screenshot(page):
    forest, html, tmp = page
    child = next(c for r in forest.roots() for c in forest.children(r))
    out = Path(os.environ.get("HSAE_SCREENSHOT", tmp / "forest.png"))
    out.parent.mkdir(parents=True, exist_ok=True)
    chromium(tmp, f"--screenshot={out}", "--window-size=1280,800", html.as_uri() + f"#select={child}")
    assert out.stat().st_size > 10_000 and out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
