"""The fault battery: bad input, damaged files and interrupted work, each named once here with the message or outcome it
must give. Nothing may be lost and nothing may go on silently. Faults that need several processes (kill -9, SIGINT and
SIGTERM during training, a kill inside a checkpoint write, a corrupted newest checkpoint on resume) are in
tests/test_resume.py; the lock against two writers and the memory check are tested in their lessons (00_core, 05b)."""
import errno, json, shutil, subprocess, sys, warnings
from pathlib import Path
from unittest import mock

import pytest
import torch

from hsae_nb.core import (HSAEError, ConfigError, CheckpointError, TrainConfig, preset, seed_everything, atomic_write,
                          write_json, read_json, check_writable)
from hsae_nb.data import tiny_lm, open_corpus
from hsae_nb.cache import harvest, ActivationLoader
from hsae_nb.model import HSAE
from hsae_nb.trainer import Trainer, TensorBatches
from hsae_nb.runtime import checkpoint_paths, read_checkpoint, CKPT_VERSION

BIN = Path(sys.executable).parent
CFG = dict(d_in=32, bandwidth=0.02, lambda_init=0.1)


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    "A small activation cache of the tiny Llama: 6 shards of 16 sequences of 63 vectors."
    out = tmp_path_factory.mktemp("faults") / "cache"
    harvest(tiny_lm(), open_corpus(), out, layer=1, n_tokens=6000, context_size=64, seqs_per_shard=16, progress=False)
    return out


@pytest.fixture
def copy(cache, tmp_path):
    "A private copy of the cache, free to damage."
    shutil.copytree(cache, tmp_path / "c")
    return tmp_path / "c"


def train(cache_dir, run_dir, steps=30, resume=False, **cfg):
    t = Trainer(HSAE(preset("tiny", **{**CFG, **cfg}), generator=seed_everything(0)),
                TrainConfig(lr=3e-3, batch_size=64, total_steps=40, checkpoint_every=10),
                ActivationLoader(cache_dir, 64, seed=0, test_fraction=0.2), run_dir=run_dir, resume=resume, progress=False)
    t.fit(steps)
    return t


def cli(*args):
    "Run a console script; (exit status, stderr lines)."
    r = subprocess.run([str(BIN / args[0]), *map(str, args[1:])], capture_output=True, text=True)
    return r.returncode, r.stderr.strip().splitlines()


# --- the activation cache ------------------------------------------------------------------------------------------

def test_fault_shard_byte_flipped(copy):
    p = copy / json.loads((copy / "manifest.json").read_text())["shards"][0]["file"]
    data = bytearray(p.read_bytes()); data[-10] ^= 0xFF; p.write_bytes(bytes(data))
    with pytest.raises(CheckpointError, match="corrupted shard .*checksum mismatch"):
        next(ActivationLoader(copy, 64, shards_per_buffer=8))


def test_fault_shard_deleted(copy):
    (copy / json.loads((copy / "manifest.json").read_text())["shards"][2]["file"]).unlink()
    with pytest.raises(CheckpointError, match="missing shard"): next(ActivationLoader(copy, 64, shards_per_buffer=8))


def test_fault_extend_cache_with_a_shard_deleted(copy):
    (copy / json.loads((copy / "manifest.json").read_text())["shards"][1]["file"]).unlink()
    with pytest.raises(CheckpointError, match="cannot be extended"):
        harvest(tiny_lm(), open_corpus(), copy, layer=1, n_tokens=9000, context_size=64, seqs_per_shard=16, progress=False)


def test_fault_extend_cache_with_other_settings(copy):
    with pytest.raises(HSAEError, match="different settings \\(context_size"):
        harvest(tiny_lm(), open_corpus(), copy, layer=1, n_tokens=9000, context_size=32, seqs_per_shard=16, progress=False)


@pytest.mark.parametrize("field", ["vectors", "d_in"])
def test_fault_manifest_edited(copy, field):
    m = json.loads((copy / "manifest.json").read_text())
    if field == "vectors": m["shards"][0]["vectors"] += 5
    else: m["d_in"] += 1
    (copy / "manifest.json").write_text(json.dumps(m))
    with pytest.raises(CheckpointError, match="the manifest was edited"): next(ActivationLoader(copy, 64, shards_per_buffer=8))


def test_fault_not_a_cache(tmp_path):
    (tmp_path / "manifest.json").write_text(json.dumps({"format": "something-else"}))
    with pytest.raises(CheckpointError, match="is not an hsae_nb activation cache"): ActivationLoader(tmp_path, 8)


def test_fault_batch_larger_than_split(cache):
    with pytest.raises(HSAEError, match="exceeds the .* vectors of the test split"): ActivationLoader(cache, 10**6, split="test", test_fraction=0.2)


def test_fault_no_training_shard_left(cache):
    with pytest.raises(HSAEError, match="leaves no training shard"): ActivationLoader(cache, 8, test_fraction=1.0)


def test_fault_excluded_position_out_of_range(cache):
    with pytest.raises(HSAEError, match="outside 1..63"): ActivationLoader(cache, 8, exclude_positions=[0])


# --- training and resuming -----------------------------------------------------------------------------------------

def test_fault_run_folder_is_the_cache(copy):
    with pytest.raises(ConfigError, match="is an activation cache"): train(copy, copy)


def test_fault_second_run_without_resume(cache, tmp_path):
    train(cache, tmp_path / "run", steps=10)
    with pytest.raises(CheckpointError, match="hsae_train --resume"): train(cache, tmp_path / "run", steps=10)


def test_fault_resume_with_another_config(cache, tmp_path):
    train(cache, tmp_path / "run", steps=10)
    with pytest.raises(CheckpointError, match="different HSAEConfig: fields \\['rho'\\]"):
        train(cache, tmp_path / "run", steps=10, resume=True, rho=0.5)


def test_fault_resume_after_the_cache_grew(copy, tmp_path):
    train(copy, tmp_path / "run", steps=10)
    harvest(tiny_lm(), open_corpus(), copy, layer=1, n_tokens=9000, context_size=64, seqs_per_shard=16, progress=False)
    with pytest.raises(CheckpointError, match="activation data changed since this checkpoint .*train shards"):
        train(copy, tmp_path / "run", steps=10, resume=True)


def test_fault_every_checkpoint_corrupted(cache, tmp_path):
    train(cache, tmp_path / "run", steps=20)
    for p in checkpoint_paths(tmp_path / "run"):
        data = bytearray(p.read_bytes()); data[len(data) // 2] ^= 0xFF; p.write_bytes(bytes(data))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(CheckpointError, match="no older checkpoint is intact"): train(cache, tmp_path / "run", resume=True)


def test_fault_crafted_pickle_as_checkpoint(tmp_path):
    class Evil:
        def __reduce__(self): return (print, ("never run",))
    p = tmp_path / "checkpoints" / "step_000000010.pt"; p.parent.mkdir()
    torch.save({"version": CKPT_VERSION, "x": Evil()}, p)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")                # "no checksum file": it was not written by us
        with pytest.raises(CheckpointError, match="not a checkpoint hsae_nb wrote.*will not be unpickled"): read_checkpoint(p)


def test_fault_non_finite_batch(cache, tmp_path):
    t = Trainer(HSAE(preset("tiny", **CFG)), TrainConfig(batch_size=8, total_steps=5), iter(()), progress=False)
    with pytest.raises(HSAEError, match="batch at step 0 contains NaN or Inf"): t.train_step(torch.full((8, 32), float("nan")))


def test_fault_batch_of_the_wrong_width(cache):
    t = Trainer(HSAE(preset("tiny", **CFG)), TrainConfig(batch_size=8, total_steps=5), iter(()), progress=False)
    with pytest.raises(HSAEError, match="has shape \\(8, 31\\), expected \\[B, 32\\]"): t.train_step(torch.zeros(8, 31))


# --- saved runs ----------------------------------------------------------------------------------------------------

@pytest.fixture
def saved(tmp_path):
    m = HSAE(preset("tiny", **CFG), generator=seed_everything(1)); m.assign_hierarchy()
    return m.save(tmp_path / "saved")


def test_fault_saved_level_bytes_flipped(saved):
    p = saved / "level_1" / "sae_weights.safetensors"; data = bytearray(p.read_bytes()); data[-8] ^= 0xFF; p.write_bytes(bytes(data))
    with pytest.raises(CheckpointError, match="level_1/sae_weights.safetensors fails its checksum"): HSAE.load(saved)


def test_fault_forest_file_truncated(saved):
    p = saved / "hierarchy.safetensors"; p.write_bytes(p.read_bytes()[:30])
    with pytest.raises(CheckpointError, match="hierarchy.safetensors fails its checksum"): HSAE.load(saved)


def test_fault_run_saved_without_its_last_file(saved):
    (saved / "config.json").unlink()
    with pytest.raises(CheckpointError, match="missing file.*config.json"): HSAE.load(saved)


def test_fault_level_folder_from_another_run(saved, tmp_path):
    HSAE(preset("tiny", **{**CFG, "widths": (8, 20, 32)})).save(tmp_path / "other")
    shutil.rmtree(saved / "level_1"); shutil.copytree(tmp_path / "other" / "level_1", saved / "level_1")
    with pytest.raises(CheckpointError, match="d_sae is 20, expected 16"): HSAE.load(saved)


# --- files and folders ---------------------------------------------------------------------------------------------

def test_fault_disk_full(tmp_path):
    f = tmp_path / "x.json"; atomic_write(f, "old")
    with mock.patch("os.fsync", side_effect=OSError(errno.ENOSPC, "No space left on device")):
        with pytest.raises(HSAEError, match="no space left on the device; nothing was replaced"): atomic_write(f, "new")
    assert f.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["x.json"]


def test_fault_output_folder_is_a_file(tmp_path):
    (tmp_path / "f").write_text("")
    with pytest.raises(HSAEError, match="is a file, not a folder"): check_writable(tmp_path / "f" / "run", "run folder")


def test_fault_non_finite_metric_in_json(tmp_path):
    write_json(tmp_path / "m.json", {"ev": float("nan")})
    assert json.loads((tmp_path / "m.json").read_text(), parse_constant=lambda c: 1 / 0) == {"ev": None}


def test_fault_corrupted_json(tmp_path):
    (tmp_path / "m.json").write_text("{not json")
    with pytest.raises(CheckpointError, match="corrupted JSON"): read_json(tmp_path / "m.json")


# --- the command line: one line, exit status 2, before any work ----------------------------------------------------

@pytest.mark.parametrize("args, says", [
    (("--widths", "8,abc"), "--widths: '8,abc' is not integers"),
    (("--exclude-positions", "x"), "--exclude-positions: 'x' is not integers"),
    (("--preset", "huge"), "unknown preset 'huge'")])
def test_fault_cli_bad_value(cache, tmp_path, args, says):
    rc, err = cli("hsae_train", cache, tmp_path / "run", *args)
    assert (rc, len(err)) == (2, 1) and says in err[0], err
    assert not (tmp_path / "run").exists()


def test_fault_cli_eval_of_a_missing_run(tmp_path):
    rc, err = cli("hsae_eval", tmp_path / "nope")
    assert rc == 2 and len(err) == 1, err


# --- concurrency, memory, secrets ----------------------------------------------------------------------------------

def test_fault_two_writers_on_one_run_folder(cache, tmp_path):
    run = tmp_path / "run"
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time; from hsae_nb.core import lock_folder; "
                               f"lock_folder({str(run)!r}, 'run folder'); print('held', flush=True); time.sleep(60)"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(HSAEError, match="run folder .* is in use by pid"): train(cache, run, steps=5)
    finally: holder.kill(); holder.wait()
    assert not checkpoint_paths(run)                   # the refused trainer wrote nothing


def test_fault_model_too_big_for_memory(cache):
    from hsae_nb.runtime import check_memory
    with pytest.raises(HSAEError, match="need about .* GiB .* is free"):
        check_memory(preset("tiny", d_in=32, widths=(4 * 10**7, 8 * 10**7, 16 * 10**7)), 64, "dense", "cpu")


def test_fault_judge_key_in_the_url_never_printed():
    from hsae_nb.autointerp import HTTPJudge
    j = HTTPJudge("http://user:SECRET-KEY@127.0.0.1:9/v1", timeout=2)
    assert "SECRET-KEY" not in j.name and "SECRET-KEY" not in j.url and j.api_key == "SECRET-KEY"
    with pytest.raises(HSAEError) as e: j([{"role": "user", "content": "hi"}])       # nothing listens on port 9
    assert "SECRET-KEY" not in str(e.value) and "judge endpoint http://127.0.0.1:9/v1 failed" in str(e.value)


def test_fault_judge_key_from_the_environment(monkeypatch):
    from hsae_nb.autointerp import make_judge
    monkeypatch.setenv("MY_JUDGE_KEY", "ENV-KEY")
    j = make_judge("http://127.0.0.1:9/v1", key_env="MY_JUDGE_KEY")
    assert j.api_key == "ENV-KEY" and "ENV-KEY" not in j.name


# --- more inputs that must be named, not crash ---------------------------------------------------------------------

def test_fault_cache_into_a_run_folder(saved):
    from hsae_nb.cache import check_cache_folder
    with pytest.raises(HSAEError, match="is a run folder .*a cache needs a folder of its own"): check_cache_folder(saved)


def test_fault_harvest_bad_dtype_and_context(tmp_path):
    with pytest.raises(HSAEError, match="dtype must be one of"):
        harvest(tiny_lm(), open_corpus(), tmp_path / "c", layer=1, n_tokens=100, dtype="float8", progress=False)
    with pytest.raises(HSAEError, match="context_size must be at least 2"):
        harvest(tiny_lm(), open_corpus(), tmp_path / "c", layer=1, n_tokens=100, context_size=1, progress=False)


def test_fault_checkpoint_missing_or_of_another_version(tmp_path):
    with pytest.raises(CheckpointError, match="missing checkpoint"): read_checkpoint(tmp_path / "step_000000001.pt")
    from hsae_nb.runtime import write_checkpoint
    p = write_checkpoint(tmp_path, {"version": CKPT_VERSION + 1, "step": 3})
    with pytest.raises(CheckpointError, match=f"is not an hsae_nb checkpoint of version {CKPT_VERSION}"): read_checkpoint(p)


def test_fault_config_widths_not_increasing():
    with pytest.raises(ConfigError, match="widths must be strictly increasing"): preset("tiny", widths=(16, 8, 32))


def test_fault_tensor_batches_larger_than_data():
    with pytest.raises(HSAEError, match="batch_size must be in \\[1, 10\\]"): TensorBatches(torch.zeros(10, 4), 11)


def test_fault_eval_against_a_run_on_other_data(cache, copy, tmp_path):
    train(cache, tmp_path / "a", steps=10); train(copy, tmp_path / "b", steps=10)
    rc, err = cli("hsae_eval", tmp_path / "a", "--against", tmp_path / "b", "--batch-size", "16")
    assert (rc, len(err)) == (2, 1) and "would be scored on different vectors" in err[0], err
    assert not (tmp_path / "a" / "metrics.json").exists()          # refused before any evaluation


def test_fault_autointerp_without_contexts(cache, tmp_path):
    train(cache, tmp_path / "a", steps=10)
    rc, err = cli("hsae_eval", tmp_path / "a", "--autointerp", "4")
    assert (rc, len(err)) == (2, 1) and "run hsae_view on" in err[0], err


def test_fault_unknown_cli_flag(cache, tmp_path):
    r = subprocess.run([str(BIN / "hsae_train"), str(cache), str(tmp_path / "r"), "--widthz", "8"], capture_output=True, text=True)
    assert r.returncode == 2 and "unrecognized arguments: --widthz" in r.stderr, r.stderr


def test_fault_all_zero_activations_train_without_a_perfect_score():
    t = Trainer(HSAE(preset("tiny", **CFG)), TrainConfig(batch_size=16, total_steps=4, log_every=1),
                TensorBatches(torch.zeros(64, 32), 16), progress=False)
    with pytest.warns(UserWarning, match="zero variance"): t.fit()
    assert t.history["ev_0"].isna().all()            # undefined, not EV 1.000


def test_fault_stale_contexts_refused_by_autointerp(cache, tmp_path):
    from hsae_nb.contexts import compute_contexts, contexts_current
    t = train(cache, tmp_path / "a", steps=10)
    compute_contexts(tmp_path / "a", t.model, ActivationLoader(cache, 64, test_fraction=0.2), tiny_lm().tokenizer, progress=False)
    assert contexts_current(tmp_path / "a")
    train(cache, tmp_path / "a", steps=10, resume=True)  # the run goes on: new weights, old contexts
    assert not contexts_current(tmp_path / "a")
    rc, err = cli("hsae_eval", tmp_path / "a", "--autointerp", "4")
    assert (rc, len(err)) == (2, 1) and "computed from other weights" in err[0], err


def test_fault_read_only_output_for_eval(cache, tmp_path):
    from hsae_nb.cli import hsae_eval
    train(cache, tmp_path / "a", steps=10)
    with mock.patch("tempfile.TemporaryFile", side_effect=PermissionError(errno.EACCES, "Permission denied")):
        with pytest.raises(HSAEError, match="cannot write the run folder .*Permission denied"): hsae_eval(str(tmp_path / "a"))
    assert not (tmp_path / "a" / "metrics.json").exists()   # refused before the evaluation
