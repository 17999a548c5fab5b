"""A harvest killed with SIGKILL and restarted yields the same cache, shard for shard, as an uninterrupted one."""
import json, os, signal, subprocess, sys, time
from pathlib import Path

from hsae_nb.cache import ActivationLoader, read_manifest, read_shard

JOB = Path(__file__).with_name("harvest_job.py")
ENV = dict(os.environ, OMP_NUM_THREADS="1", HF_HUB_OFFLINE="1")


def run(out, *args):
    r = subprocess.run([sys.executable, str(JOB), str(out), *args], env=ENV, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]


def listed(out):
    try: return len(json.loads((out / "manifest.json").read_text())["shards"])
    except (FileNotFoundError, json.JSONDecodeError): return 0


def test_killed_harvest_resumes_to_identical_shards(tmp_path):
    straight, killed = tmp_path / "straight", tmp_path / "killed"
    run(straight)
    p = subprocess.Popen([sys.executable, str(JOB), str(killed), "--sleep", "0.1"], env=ENV,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while listed(killed) < 3 and time.time() < deadline:
        assert p.poll() is None, p.stderr.read()
        time.sleep(0.02)
    p.send_signal(signal.SIGKILL); p.wait()
    m = read_manifest(killed)
    assert 3 <= len(m["shards"]) < 10
    for entry in m["shards"]: read_shard(killed, entry)          # every listed shard is complete (checksum verified)
    visible = {f.name for f in killed.iterdir() if not f.name.startswith(".")}
    assert len(visible - {"manifest.json"} - {s["file"] for s in m["shards"]}) <= 1   # at most the shard being entered
    run(killed)
    a, b = read_manifest(straight), read_manifest(killed)
    assert [s["sha256"] for s in a["shards"]] == [s["sha256"] for s in b["shards"]]
    assert len(a["shards"]) == 10 and a["normaliser"] == b["normaliser"]
    assert ActivationLoader(killed, 31).n_vectors == 10 * 4 * 31
