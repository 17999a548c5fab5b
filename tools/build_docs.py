"""`make docs`: run every notebook (slow cells skipped) and render it to HTML under _docs/, with an index page.

Quarto, which `nbdev_docs` needs, cannot be installed on the project's machines; where it can,
`nbdev_docs` builds the full nbdev site from the same notebooks.
"""
import html, os, sys
from pathlib import Path

from execnb.nbio import read_nb, write_nb
from execnb.shell import CaptureShell
from nbconvert import HTMLExporter
import nbformat

ROOT = Path(__file__).resolve().parent.parent
NBS, OUT = ROOT / "nbs", ROOT / "_docs"
SKIP = ("#| slow", "#| notest", "#| hide\nimport nbdev")


def run(path: Path) -> Path:
    "Execute a notebook in nbs/ (skipping slow cells) and save the executed copy under _docs/executed/."
    nb = read_nb(path)
    shell = CaptureShell(path)
    cwd = os.getcwd(); os.chdir(NBS)
    try: shell.run_all(nb, exc_stop=True, preproc=lambda c: c.cell_type != "code" or any(s in c.source for s in SKIP))
    finally: os.chdir(cwd)
    out = OUT / "executed" / path.name
    out.parent.mkdir(parents=True, exist_ok=True)
    write_nb(nb, out)
    return out


def main():
    OUT.mkdir(exist_ok=True)
    exporter, links = HTMLExporter(template_name="lab"), []
    for path in sorted(NBS.glob("*.ipynb")):
        print("rendering", path.name, flush=True)
        body, _ = exporter.from_notebook_node(nbformat.read(run(path), as_version=4))
        (OUT / f"{path.stem}.html").write_text(body, encoding="utf-8")
        title = next((c.source.splitlines()[0].lstrip("# ") for c in read_nb(path).cells if c.cell_type == "markdown"), path.stem)
        links.append(f'<li><a href="{path.stem}.html">{html.escape(title)}</a> <small>({path.name})</small></li>')
    (OUT / "index.html").write_text("<!doctype html><meta charset='utf-8'><title>hsae_nb</title><h1>hsae_nb notebooks</h1><ul>"
                                    + "".join(links) + "</ul>", encoding="utf-8")
    print("wrote", OUT / "index.html")


if __name__ == "__main__":
    sys.exit(main())
