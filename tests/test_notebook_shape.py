"""How the notebooks read as docs: every export cell has a lesson under it (an example or an assertion before the next
export cell), no code cell runs past 40 lines, and no output names the machine it ran on. The ceilings are 0: a new
export without its lesson, or a cell grown past 40 lines, fails here with the list of cells to mend."""
import json, re
from pathlib import Path

NBS = Path(__file__).resolve().parent.parent / "nbs"
MAX_LINES = 40
CEILING_WITHOUT_LESSON, CEILING_LONG_CELLS = 0, 0       # counts on 2026-12-04 (from 90 and 36); only ever lowered


def _is_export(src: str) -> bool: return bool(re.match(r"#\|\s*export", src))


def audit(nbs: Path = NBS) -> tuple:
    "([(notebook, cell index, first line)] of export cells without a lesson, [(notebook, cell index, lines)] of long cells)."
    bare, long = [], []
    for p in sorted(nbs.glob("*.ipynb")):
        cells = [c for c in json.loads(p.read_text())["cells"] if c["cell_type"] == "code"]
        for i, c in enumerate(cells):
            src = "".join(c["source"])
            n = len(src.splitlines())
            if n > MAX_LINES: long.append((p.name, i, n))
            if _is_export(src):
                nxt = next((d for d in cells[i + 1:]), None)
                if nxt is None or _is_export("".join(nxt["source"])):
                    bare.append((p.name, i, (src.splitlines() + [""])[1][:70]))
    return bare, long


def test_export_cells_have_lessons_and_cells_are_short():
    bare, long = audit()
    listing = "\n".join(f"  no lesson: {nb} code cell {i}: {first}" for nb, i, first in bare)
    listing += "\n" + "\n".join(f"  {n} lines: {nb} code cell {i}" for nb, i, n in long)
    print(listing)
    assert len(bare) <= CEILING_WITHOUT_LESSON, f"{len(bare)} export cells without a lesson (ceiling {CEILING_WITHOUT_LESSON}):\n{listing}"
    assert len(long) <= CEILING_LONG_CELLS, f"{len(long)} code cells over {MAX_LINES} lines (ceiling {CEILING_LONG_CELLS}):\n{listing}"


def test_audit_sees_a_bare_export(tmp_path):
    cell = lambda s: {"cell_type": "code", "source": [s]}
    nb = {"cells": [cell("#| export\ndef f(): pass"), cell("#| export\ndef g(): pass"), cell("test_eq(g(), None)"),
                    cell("\n".join(["x = 1"] * 41))]}
    (tmp_path / "a.ipynb").write_text(json.dumps(nb))
    bare, long = audit(tmp_path)
    assert [(b[0], b[1]) for b in bare] == [("a.ipynb", 0)] and long == [("a.ipynb", 3, 41)]


def test_outputs_name_no_machine_paths():
    # committed outputs are read on the repository page: no checkout, home or temporary folder of the machine that ran them
    import re, sys
    sys.path.insert(0, str(NBS.parent / "tools"))
    from build_docs import MACHINE_PATHS, scrub
    bad = re.compile(r"(/tmp/tmp\w+|/work/|/root/|/home/\w+)")
    found = [(p.name, m) for p in sorted(NBS.glob("*.ipynb")) for c in json.loads(p.read_text())["cells"] for o in c.get("outputs", [])
             for text in [o.get("text", "")] + [v for k, v in o.get("data", {}).items() if k.startswith("text/")]
             for m in bad.findall("".join(text))]
    assert not found, found[:5]
    assert scrub("/tmp/tmpab12cd/run: 45 vectors") == "<tmp>/run: 45 vectors" and MACHINE_PATHS.search(str(NBS.parent) + "/x")
