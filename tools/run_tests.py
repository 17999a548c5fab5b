"""The test command behind `make test`.

1. Notebooks must be exported and clean: `nbdev_export` and `nbdev_clean` may not change any file.
2. Every notebook runs as under `nbdev_test` (each is a test file; a failing cell fails it).
3. pytest runs `tests/` when it exists.
The last line printed is `N passed, M failed, K skipped`, counted from the tools' own results (nbdev's per-notebook\nreturn values, pytest's JUnit report), not from their printed text.
"""
import os, subprocess, sys, tempfile, time
import xml.etree.ElementTree as ET
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
    "Run every notebook under nbs/ as nbdev_test does (same files, skip flags, working folder); return (passed, failed)."
    # nbdev's own functions, called directly: per-notebook results come back as values, not as text to be scraped.
    # Set before the workers fork: 2 workers x 1 thread fits 2 cores, and tests never reach the network.
    os.environ.update(OMP_NUM_THREADS="1", HF_HUB_OFFLINE="1", HF_DATASETS_OFFLINE="1")
    from fastcore.parallel import parallel
    from fastcore.xtras import working_directory
    from nbdev.config import get_config
    from nbdev.doclinks import nbglob
    from nbdev.test import _keep_file, test_nb
    cfg = get_config()
    files = [f.absolute() for f in sorted(nbglob(cfg.nbs_path, as_path=True)) if _keep_file(f, ".notest")]
    print(f"$ nbdev test of {len(files)} notebooks, 2 workers", flush=True)
    with working_directory(cfg.nbs_path):
        results = parallel(test_nb, files, skip_flags=cfg.tst_flags.split(), force_flags=[], n_workers=2,
                           basepath=cfg.config_path, pause=0.01, do_print=False, progress=False)
    for f, (ok, secs) in sorted(zip(files, results), key=lambda r: -r[1][1]):
        print(f"  {'ok  ' if ok else 'FAIL'} {f.name} ({secs:.0f} s)")
    passed = sum(ok for ok, _ in results)
    return passed, len(results) - passed, 0


def pytest_tests():
    "Run pytest on tests/ if present; return (passed, failed, skipped), read from its JUnit XML report."
    if not (ROOT / "tests").is_dir() or not list((ROOT / "tests").glob("test_*.py")): return 0, 0, 0
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "pytest.xml"
        rc, _ = run([sys.executable, "-m", "pytest", "-q", "tests", f"--junitxml={report}"])
        if rc == 5: return 0, 0, 0   # no tests collected
        if not report.exists(): return 0, 1, 0   # pytest could not even start
        suites = ET.parse(report).getroot()
        suites = [suites] if suites.tag == "testsuite" else list(suites.iter("testsuite"))
        total = lambda key: sum(int(s.get(key, 0)) for s in suites)
    failed = total("failures") + total("errors")
    passed = total("tests") - failed - total("skipped")
    return passed, failed + (1 if rc and not failed else 0), total("skipped")


def main():
    t0 = time.time()
    ok, msg = check_sync()
    print(msg, flush=True)
    passed, failed, skipped = (1, 0, 0) if ok else (0, 1, 0)
    for part in (notebook_tests, pytest_tests):
        p, f, s = part(); passed += p; failed += f; skipped += s
    print(f"make test took {time.time() - t0:.0f} s (the sync check counts as one test; each notebook as one)")
    print(f"{passed} passed, {failed} failed, {skipped} skipped")   # skipped: tests whose tool (e.g. a browser) is absent
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
