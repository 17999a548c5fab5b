"""The modules of hsae_nb import each other without a circle, at module level or inside functions."""
import ast
from pathlib import Path

import networkx as nx

PKG = Path(__file__).resolve().parent.parent / "hsae_nb"


def import_graph() -> nx.DiGraph:
    "module -> hsae_nb modules it imports anywhere in its source (relative or absolute imports)."
    g = nx.DiGraph()
    mods = {p.stem for p in PKG.glob("*.py") if not p.stem.startswith("_")}
    for m in mods:
        g.add_node(m)
        for node in ast.walk(ast.parse((PKG / f"{m}.py").read_text())):
            if isinstance(node, ast.ImportFrom):
                name = node.module or ""
                if node.level == 1: target = name.split(".")[0]
                elif name.startswith("hsae_nb."): target = name.split(".")[1]
                elif name == "hsae_nb": target = None
                else: continue
                for t in ([target] if target else [a.name for a in node.names]):
                    if t in mods and t != m: g.add_edge(m, t)
            elif isinstance(node, ast.Import):
                for a in node.names:
                    parts = a.name.split(".")
                    if parts[0] == "hsae_nb" and len(parts) > 1 and parts[1] in mods and parts[1] != m: g.add_edge(m, parts[1])
    return g


def test_no_import_circle():
    g = import_graph()
    assert g.number_of_edges() > 10                      # the graph was read at all
    cycles = list(nx.simple_cycles(g))
    assert not cycles, f"import circles: {cycles}"
