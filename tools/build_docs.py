"""`make docs`: render every notebook, with its committed outputs, to HTML under _docs/, with an index page that
lists each module's API (`--run`: execute the notebooks first, slow cells skipped).

`--outputs` instead runs the notebooks and writes their outputs back into nbs/ (then `nbdev_clean`), so the
notebooks on the repository page show what each lesson computes (`make outputs`, before committing;
`--slow`, `make outputs NB=20_paper.ipynb SLOW=1`, also runs the slow cells; cells marked `#| eval: false` never run).

Quarto, which `nbdev_docs` needs, cannot be installed on the project's machines; where it can,
`nbdev_docs` builds the full nbdev site from the same notebooks.
"""
import html, os, re, sys
from pathlib import Path

from execnb.nbio import read_nb, write_nb
from execnb.shell import CaptureShell
from nbconvert import HTMLExporter
import nbformat

ROOT = Path(__file__).resolve().parent.parent
NBS, OUT = ROOT / "nbs", ROOT / "_docs"
SKIP = ("#| notest", "#| eval: false", "#| hide\nimport nbdev")   # never run here (eval: false - e.g. hours of training)
SLOW = "#| slow"


MACHINE_PATHS = re.compile(r"(?:/tmp/tmp\w+|" + re.escape(str(ROOT)) + r"|" + re.escape(str(Path.home())) + r")/?")


def scrub(text: str) -> str:
    "An output as any machine would show it: temporary folders as <tmp>/, the checkout and the home folder left out."
    return MACHINE_PATHS.sub(lambda m: "<tmp>/" if m.group(0).startswith("/tmp/tmp") else "", text)


def scrub_outputs(nb) -> None:
    "Scrub the text of every output of a notebook (a dict or execnb's AttrDict) in place."
    lines = lambda v: scrub("".join(v)).splitlines(keepends=True)      # kept as a list of lines, as notebooks store text
    for c in nb["cells"]:
        for o in c.get("outputs", []):
            if "text" in o: o["text"] = lines(o["text"])
            for k, v in o.get("data", {}).items():
                if k.startswith("text/"): o["data"][k] = lines(v)


def run(path: Path, out: Path | None = None, slow: bool = False) -> Path:
    "Execute a notebook in nbs/ (slow cells only with `slow`) and save the executed copy (default: under _docs/executed/)."
    nb = read_nb(path)
    shell = CaptureShell(path)
    cwd = os.getcwd(); os.chdir(NBS)
    def skip(c):
        if c.cell_type != "code" or any(s in c.source for s in SKIP + (() if slow else (SLOW,))): return True   # skipped cells keep their outputs
        c.outputs = []; return False        # execnb keeps a cell's old outputs when the new run prints nothing
    def quiet(c):       # progress bars (carriage returns) are noise on a page
        if c.cell_type == "code": c.outputs = [o for o in c.get("outputs", []) if not (o.get("name") == "stderr" and "\r" in "".join(o.get("text", "")))]
    try: shell.run_all(nb, exc_stop=True, preproc=skip, postproc=quiet)
    finally: os.chdir(cwd)
    scrub_outputs(nb)            # no machine's paths on the pages (warnings name files, logs name temporary folders)
    out = out or OUT / "executed" / path.name
    out.parent.mkdir(parents=True, exist_ok=True)
    write_nb(nb, out)
    return out


def outputs(names: list, slow: bool = False) -> int:
    "Run the notebooks (all, or those named) in place: their outputs are saved into nbs/ (slow cells keep theirs unless `slow`)."
    import subprocess
    paths = [NBS / n for n in names] if names else sorted(NBS.glob("*.ipynb"))
    for path in paths:
        print("running", path.name, flush=True)
        run(path, out=path, slow=slow)
    return subprocess.call([str(Path(sys.executable).parent / "nbdev_clean")], cwd=ROOT)


def api_summary(nb) -> str:
    "HTML list of what a notebook's module exports: each name with its signature and the first line of its docstring."
    import importlib, inspect
    first = nb.cells[0].source if nb.cells else ""
    if not first.startswith("#| default_exp "): return ""
    mod = importlib.import_module(f"hsae_nb.{first.split()[-1]}")
    rows = []
    for name in getattr(mod, "__all__", []):
        obj = getattr(mod, name)
        try: sig = str(inspect.signature(obj)) if callable(obj) else ""
        except (TypeError, ValueError): sig = ""
        doc = (inspect.getdoc(obj) or "").split("\n")[0] if callable(obj) or inspect.isclass(obj) else ""
        rows.append(f"<li><code>{html.escape(name + (sig if len(sig) < 120 else '(…)'))}</code> {html.escape(doc)}</li>")
    return f"<details><summary>API of <code>hsae_nb.{first.split()[-1]}</code> ({len(rows)} names)</summary><ul>{''.join(rows)}</ul></details>"


def main():
    "Render every notebook with the outputs it was committed with (--run: execute them first) and an index with the API."
    if "--outputs" in sys.argv: return outputs([a for a in sys.argv[1:] if not a.startswith("--")], slow="--slow" in sys.argv)
    OUT.mkdir(exist_ok=True)
    exporter, links = HTMLExporter(template_name="lab"), []
    for path in sorted(NBS.glob("*.ipynb")):
        print("rendering", path.name, flush=True)
        src = run(path) if "--run" in sys.argv else path
        body, _ = exporter.from_notebook_node(nbformat.read(src, as_version=4))
        (OUT / f"{path.stem}.html").write_text(body, encoding="utf-8")
        nb = read_nb(path)
        title = next((c.source.splitlines()[0].lstrip("# ") for c in nb.cells if c.cell_type == "markdown"), path.stem)
        links.append(f'<li><a href="{path.stem}.html">{html.escape(title)}</a> <small>({path.name})</small>{api_summary(nb)}</li>')
    (OUT / "index.html").write_text("<!doctype html><meta charset='utf-8'><title>hsae_nb</title><h1>hsae_nb notebooks</h1><ul>"
                                    + "".join(links) + "</ul>", encoding="utf-8")
    print("wrote", OUT / "index.html")


if __name__ == "__main__":
    sys.exit(main())
