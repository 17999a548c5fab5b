"""The README is written from nbs/index.ipynb (tools/readme_sync.py): in step with it, short, and every code block in it
is a cell of index.ipynb, which the fast suite runs."""
import json, re, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import readme_sync  # noqa: E402


def test_readme_is_written_from_index():
    # Fails when index.ipynb (or its committed outputs) changed and `python tools/readme_sync.py` was not run.
    assert not readme_sync.stale(), "README.md differs from nbs/index.ipynb: run python tools/readme_sync.py"


def test_readme_is_short_and_its_python_runs_in_the_suite():
    text = readme_sync.README.read_text()
    assert len(text.splitlines()) <= 200
    cells = ["\n".join(l for l in "".join(c["source"]).splitlines() if not l.startswith("#|")).strip()
             for c in json.loads(readme_sync.INDEX.read_text())["cells"] if c["cell_type"] == "code"]
    blocks = re.findall(r"```python\n(.*?)\n```", text, re.S)
    assert blocks and all(b.strip() in cells for b in blocks)


def test_render_rules(tmp_path):
    nb = {"cells": [
        {"cell_type": "markdown", "source": ["See [the lesson](01_level.ipynb), ![fig](figures/a.png), [site](https://x.org)."]},
        {"cell_type": "code", "source": ["#| hide\nsecret = 1"], "outputs": []},
        {"cell_type": "code", "source": ["#| echo: false\nMarkdown(table)"],
         "outputs": [{"output_type": "execute_result", "data": {"text/markdown": ["| a |\n|---|"], "text/plain": ["<md>"]}}]},
        {"cell_type": "code", "source": ["1 + 1"], "outputs": [{"output_type": "execute_result", "data": {"text/plain": ["2"]}},
                                                             {"output_type": "stream", "name": "stderr", "text": ["a warning"]}]},
        {"cell_type": "code", "source": ["plot()"], "outputs": [{"output_type": "display_data", "data": {"image/png": "...", "text/plain": ["<Figure>"]}}]},
    ]}
    out = readme_sync.render(nb)
    assert "](nbs/01_level.ipynb)" in out and "](nbs/figures/a.png)" in out and "](https://x.org)" in out
    assert "secret" not in out and "Markdown(table)" not in out and "| a |" in out
    assert "```python\n1 + 1\n```\n\n```\n2\n```" in out
    assert "a warning" not in out and "<Figure>" not in out and "```python\nplot()\n```" in out
    readme = tmp_path / "README.md"; index = tmp_path / "index.ipynb"
    index.write_text(json.dumps(nb)); readme.write_text(out)
    assert not readme_sync.stale(index, readme)
    readme.write_text(out + "an edit by hand\n")
    assert readme_sync.stale(index, readme)
