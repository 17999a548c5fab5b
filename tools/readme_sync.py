"""Write README.md from nbs/index.ipynb, the package's front door, with the outputs committed in the notebook.

    python tools/readme_sync.py           # rewrite README.md
    python tools/readme_sync.py --check   # exit 1 if README.md differs from what index.ipynb gives (make test runs this)

nbdev's own README step needs Quarto, which cannot be installed on the project's machines, so this small renderer
does its job: markdown cells as they are, code cells as ```python blocks with their text or markdown outputs, cells
marked `#| hide` left out, cells marked `#| echo: false` shown by their output only (a table drawn from a results
file), and links into `nbs/` rewritten to work from the repository root. Nothing here writes prose: every sentence of
the README is in index.ipynb, where a person wrote it.
"""
import argparse, json, re, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INDEX, README = ROOT / "nbs" / "index.ipynb", ROOT / "README.md"
HEADER = "<!-- Written by tools/readme_sync.py from nbs/index.ipynb: edit the notebook, not this file. -->\n\n"


def _links(text: str) -> str:
    "Relative links of a notebook in nbs/ (other notebooks, figures, results) made relative to the repository root."
    return re.sub(r"\]\((?![a-z]+:|#|/)([^)]+)\)", r"](nbs/\1)", text)


def _directives(src: str) -> dict:
    return dict(re.match(r"#\|\s*([\w-]+):?\s*(.*)", l).groups() for l in src.splitlines() if re.match(r"#\|\s*[\w-]+", l))


def _output(o: dict) -> str | None:
    "One output as markdown: markdown as it is, text in a fence; images and stderr (warnings) left out."
    if o["output_type"] == "stream": return None if o["name"] == "stderr" else "```\n" + "".join(o["text"]).rstrip() + "\n```"
    data = o.get("data", {})
    if "text/markdown" in data: return "".join(data["text/markdown"]).strip()
    if "text/plain" in data and not any(k.startswith("image/") for k in data):
        return "```\n" + "".join(data["text/plain"]).rstrip() + "\n```"
    return None


def render(nb: dict) -> str:
    "The README text for a notebook."
    parts = []
    for c in nb["cells"]:
        src = "".join(c["source"])
        if c["cell_type"] == "markdown": parts.append(_links(src.strip())); continue
        if c["cell_type"] != "code": continue
        d = _directives(src)
        if "hide" in d or "exporti" in d: continue
        code = "\n".join(l for l in src.splitlines() if not l.startswith("#|")).strip()
        if code and d.get("echo", "true").strip() != "false": parts.append("```python\n" + code + "\n```")
        parts += [s for s in map(_output, c.get("outputs", [])) if s]
    return HEADER + "\n\n".join(parts) + "\n"


def stale(index: Path = INDEX, readme: Path = README) -> bool:
    return not readme.exists() or readme.read_text() != render(json.loads(index.read_text()))


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="only say whether README.md is stale (exit 1 if it is)")
    a = ap.parse_args()
    if a.check:
        bad = stale()
        print("README.md differs from nbs/index.ipynb: run python tools/readme_sync.py" if bad else "README.md is in step with nbs/index.ipynb")
        sys.exit(1 if bad else 0)
    README.write_text(render(json.loads(INDEX.read_text())))
    print(f"wrote {README.relative_to(ROOT)} ({len(README.read_text().splitlines())} lines)")
