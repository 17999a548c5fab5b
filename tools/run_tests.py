"""The test command behind `make test`.

1. Notebooks must be exported and clean: `nbdev_export` and `nbdev_clean` may not change any file.
2. `nbdev_test` runs every notebook (each is a test file; a failing cell fails it).
3. pytest runs `tests/` when it exists.
The last line printed is `N passed, M failed`, counted from what actually ran.
"""
import os, re, subprocess, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def run(cmd, **kw):
    "Run `cmd` in the repo root, echoing its output; return (returncode, output)."
    print("$", " ".join(cmd), flush=True)
    p = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw)
    sys.stdout.write(p.stdout); sys.stdout.flush()
    return p.returncode, p.stdout


def tree_state():
    "A fingerprint of the working tree as git sees it: status plus the diff of tracked files."
    st = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=ROOT, capture_output=True, text=True)
    df = subprocess.run(["git", "diff"], cwd=ROOT, capture_output=True, text=True)
    if st.returncode: return None   # not a git checkout (e.g. an sdist): nothing to compare
    return st.stdout + df.stdout


def check_sync():
    "Fail when exporting or cleaning the notebooks would change the tree."
    before = tree_state()
    for tool in ("nbdev_export", "nbdev_clean"):
        rc, _ = run([str(BIN / tool)])
        if rc: return False, f"{tool} failed"
    after = tree_state()
    if before is None: return True, "not a git checkout: sync check skipped"
    if before != after:
        changed = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True).stdout
        return False, ("nbdev_export/nbdev_clean changed files: run `make export` and commit.\n" + changed)
    return True, "notebooks exported and clean"


def notebook_tests():
    "Run nbdev_test over nbs/; return (passed, failed) notebook counts."
    # 2 workers x 1 thread each fits 2 cores without oversubscription; tests never reach the network
    env = dict(os.environ, OMP_NUM_THREADS="1", HF_HUB_OFFLINE="1", HF_DATASETS_OFFLINE="1")
    rc, out = run([str(BIN / "nbdev_test"), "--do_print", "--timing", "--n_workers", "2"], env=env)
    done = re.findall(r"^- Completed (.+\.ipynb)$", out, flags=re.M)
    failed = []
    if "nbdev Tests Failed On The Following Notebooks" in out:
        failed = re.findall(r"^\t(\S+\.ipynb)$", out.split("nbdev Tests Failed On The Following Notebooks")[1], flags=re.M)
    if rc and not failed: failed = ["nbdev_test (exit %d)" % rc]
    return len(done) - len([f for f in failed if f.endswith(".ipynb")]), len(failed)


def pytest_tests():
    "Run pytest on tests/ if present; return (passed, failed)."
    if not (ROOT / "tests").is_dir() or not list((ROOT / "tests").glob("test_*.py")): return 0, 0
    rc, out = run([sys.executable, "-m", "pytest", "-q", "tests"])
    if rc == 5: return 0, 0   # no tests collected
    count = lambda word: sum(int(n) for n in re.findall(rf"(\d+) {word}", out.strip().splitlines()[-1]))
    passed, failed = count("passed"), count("failed") + count("error")
    if rc and not failed: failed = 1
    return passed, failed


def main():
    t0 = time.time()
    ok, msg = check_sync()
    print(msg, flush=True)
    passed, failed = (1, 0) if ok else (0, 1)
    for part in (notebook_tests, pytest_tests):
        p, f = part(); passed += p; failed += f
    print(f"make test took {time.time() - t0:.0f} s (the sync check counts as one test; each notebook as one)")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
