"""`make install` gives a working JupyterLab and a kernel running this venv's Python (the notebooks are the package's documentation)."""
import json
import subprocess
import sys
from pathlib import Path

BIN = Path(sys.executable).parent


def test_jupyterlab_runs():
    r = subprocess.run([BIN / "jupyter", "lab", "--version"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and r.stdout.strip().split(".")[0] == "4", r.stdout + r.stderr


def test_kernel_is_this_venv():
    r = subprocess.run([BIN / "jupyter", "kernelspec", "list", "--json"], capture_output=True, text=True, timeout=120)
    specs = json.loads(r.stdout)["kernelspecs"]
    assert "hsae_nb" in specs, sorted(specs)
    argv0 = specs["hsae_nb"]["spec"]["argv"][0]
    assert Path(argv0).resolve() == Path(sys.executable).resolve(), argv0
