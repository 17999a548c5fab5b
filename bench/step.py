"""Throughput of one HSAE training step, beside a dense reference SAE step and the machine's GEMM roofline.

    python bench/step.py [--shapes small,planted,paper] [--steps N] [--rounds R] [--device cpu|cuda] [--bf16] [--fused auto|off] [--out bench/results/step.json]

Writes JSON with, per shape: tokens_per_s (the real Trainer.train_step on the path 'auto' picks: 4 levels,
structural loss, perturbation, Adam, renorm), tokens_per_s_by_path (the sparse and the dense step),
vs_roofline (tokens_per_s / roofline_tokens_per_s), dense_reference_tokens_per_s (plain independent JumpReLU SAE steps of the
same widths, dense matmuls, same optimiser), roofline_tokens_per_s (measured fp32 GEMM rate / the
FLOPs of a dense step), hierarchy_fraction (structural loss + perturbation, measured as the step's
median of the differences between each step and the step with rho = r = 0 taken right after it, plus one forest
re-assignment amortised over update_every steps, as a share of the median step time; hierarchy_fraction_quartiles: the
same from the quartiles of the paired differences, over R rounds), hsae_over_posthoc (that median step over the ρ = r = 0 one: what the
hierarchy costs against training the same levels alone and linking them afterwards), a breakdown of the step into parts, the profiler's top ops, peak RSS,
and the machine. Each measurement runs inside runtime.freed_memory_kept(), as Trainer.fit trains, and leaves it after
(so the memory of one measurement goes back to the OS before the next).
Benchmarks measure; they assert nothing.
"""
import argparse, json, math, os, platform, resource, statistics, time
from pathlib import Path

import torch

from hsae_nb.core import HSAEConfig, TrainConfig, seed_everything
from hsae_nb.model import HSAE
from hsae_nb.trainer import Trainer
from hsae_nb.upkeep import calibrate_thresholds_, remove_parallel_grad_
from hsae_nb.runtime import cpu_name, freed_memory_kept
from hsae_nb.sparse import choose_kernel, sparse_encode

SHAPES = {
    "small": dict(d=576, widths=(256, 512, 1024, 2048), batch=1024, target_l0=20, update_every=300),
    # the planted-forest benchmark's levels (nbs/10_synthetic.ipynb) at the batch of the held-out planted runs
    "planted": dict(d=256, widths=(64, 320, 1344), batch=4096, target_l0=(5, 10, 13), update_every=250),
    "paper": dict(d=576, widths=(2048, 4096, 8192, 16384), batch=4096, target_l0=50, update_every=5000),
}


DEVICE = torch.device("cpu")                          # set by --device
BF16 = False                                          # set by --bf16 (CUDA autocast)


def sync():
    if DEVICE.type == "cuda": torch.cuda.synchronize()


def timed(fn, reps):
    "Seconds per call of fn after one warm-up call, freed memory kept for the next call as Trainer.fit keeps it."
    with freed_memory_kept():                         # left after each measurement: its memory goes back to the OS
        fn(); sync()                                  # warm-up
        t = time.perf_counter()
        for _ in range(reps): fn()
        sync()
    return (time.perf_counter() - t) / reps


def gemm_gflops(B, d, F):
    a, w = torch.randn(B, d, device=DEVICE), torch.randn(d, F, device=DEVICE)
    with torch.autocast("cuda", dtype=torch.bfloat16, enabled=BF16):
        sec = timed(lambda: a @ w, 10 if DEVICE.type == "cuda" else 3)
    return 2 * B * d * F / sec / 1e9


def batch_of(d, B, g):
    x = torch.randn(B, d, generator=g)
    return (x * math.sqrt(d) / x.norm(dim=-1, keepdim=True)).to(DEVICE)


def machine() -> dict:
    m = dict(cpu=cpu_name(), threads=torch.get_num_threads(), torch=torch.__version__, python=platform.python_version())
    if DEVICE.type == "cuda": m.update(gpu=torch.cuda.get_device_name(DEVICE), cuda=torch.version.cuda)
    return m


def calibrated_model(s):
    "The seeded HSAE of a shape with its forest assigned (timed) and thresholds calibrated on the batch x."
    g = seed_everything(0)
    cfg = HSAEConfig(d_in=s["d"], widths=s["widths"], target_l0=s["target_l0"], update_every=s["update_every"])
    x = batch_of(s["d"], s["batch"], g)
    model = HSAE(cfg, generator=g).to(DEVICE)
    t = time.perf_counter(); model.assign_hierarchy(0); sync(); t_assign = time.perf_counter() - t
    calibrate_thresholds_(model, x, cfg.target_l0)
    return g, cfg, x, model, t_assign


def step_rate(model, s, x, path, steps):
    "Seconds per Trainer.train_step on one path, and the trainer (for the breakdown)."
    tcfg = TrainConfig(lr=1e-4, batch_size=s["batch"], total_steps=10_000, dead_mode="none", kernel=path, bf16=BF16,
                       topk_warmup=0.0)     # time the JumpReLU step itself, not the first 30% of a dense level that starts by rank
    trainer = Trainer(model, tcfg, iter(()), device=DEVICE, progress=False)
    trainer.step = 1                                  # past step 0: no re-assignment inside the timed steps
    return timed(lambda: trainer.train_step(x), steps), trainer


def interleaved(model, s, x, path, variants, rounds, raw=False):
    """Median seconds per train_step for several (rho, perturb_rate) variants, measured in alternation so drift hits all
    alike (raw: also each variant's list of step times, round by round)."""
    trainers, rho0, r0 = {}, model.cfg.rho, model.cfg.perturb_rate    # restored at the end
    for name, (rho, r) in variants.items():
        model.cfg.rho, model.cfg.perturb_rate = rho, r
        trainers[name] = step_rate(model, s, x, path, 1)[1]      # warmed up
    times = {name: [] for name in variants}
    with freed_memory_kept():
        for warm in [True] + [False] * rounds:         # one untimed round: each variant's buffers settle in the heap
            for name, (rho, r) in variants.items():
                model.cfg.rho, model.cfg.perturb_rate = rho, r
                sync(); t = time.perf_counter(); trainers[name].train_step(x); sync()
                if not warm: times[name].append(time.perf_counter() - t)
    model.cfg.rho, model.cfg.perturb_rate = rho0, r0
    med = {name: statistics.median(v) for name, v in times.items()}
    return (med, times) if raw else med


def parts(model, trainer, x, path, steps):
    "The same step by parts, on one path."
    out = {}
    def fwd(): out["o"] = model.run_batch(x, trainer.lambdas, generator=trainer.gen, kernel=path)
    if path == "sparse": enc = lambda: [sparse_encode(lv, x) for lv in model.levels]
    else: enc = lambda: [lv.activate(lv.pre_acts(x)) for lv in model.levels]
    with torch.no_grad(): enc_s = timed(enc, steps)
    fwd_s = timed(fwd, steps)
    def bwd(): fwd(); trainer.opt.zero_grad(); out["o"].parts.total.backward()
    bwd_s = timed(bwd, steps) - fwd_s
    def opt(): trainer.opt.step(); model.constrain_()
    opt_s = timed(opt, steps)
    return dict(encode_forward_no_grad=enc_s, forward_total=fwd_s, decode_and_losses=fwd_s - enc_s, backward=bwd_s,
                optimiser_and_renorm=opt_s)


def top_ops(trainer, x, n=12):
    "The profiler's view of one step: the n ops with the most self CPU time."
    from torch.profiler import profile, ProfilerActivity
    gpu = DEVICE.type == "cuda"
    with profile(activities=[ProfilerActivity.CPU] + ([ProfilerActivity.CUDA] if gpu else [])) as prof:
        trainer.train_step(x); sync()
    own = (lambda e: e.self_device_time_total) if gpu else (lambda e: e.self_cpu_time_total)   # on a GPU: kernel time
    ev = sorted(prof.key_averages(), key=lambda e: -own(e))[:n]
    return {e.key: round(own(e) / 1e6, 4) for e in ev}


def bench_shape(name, s, steps, dense_path=True, rounds=None):
    g, cfg, x, model, t_assign = calibrated_model(s)
    auto = choose_kernel("auto", s["batch"], cfg.widths, cfg.target_l0, DEVICE)
    res = dict(shape=dict(d=s["d"], widths=list(s["widths"]), batch=s["batch"], target_l0=s["target_l0"]), auto_path=auto)
    rates = {}
    for path in ("sparse", "dense") if dense_path else ("sparse",):
        sec, trainer = step_rate(model, s, x, path, steps)
        rates[path] = sec
        if path == auto:
            res["breakdown_seconds"] = parts(model, trainer, x, path, steps)
            res["profile_top_ops_seconds"] = top_ops(trainer, x)
            # the hierarchy's share: the same step with ρ = r = 0 (medians of alternating steps), plus one re-assignment amortised
            med, raw = interleaved(model, s, x, path, {"full": (cfg.rho, cfg.perturb_rate), "plain": (0.0, 0.0)},
                                   rounds or max(6, 2 * steps), raw=True)
            full_med_s, plain_s = med["full"], med["plain"]
            # the hierarchy's time: the median of the differences of steps taken side by side, and their quartiles
            diffs = [f - p for f, p in zip(raw["full"], raw["plain"])]
            paired_s, paired_q = statistics.median(diffs), statistics.quantiles(diffs, n=4)
    step_s = rates[auto] if auto in rates else rates["sparse"]
    res["tokens_per_s_by_path"] = {p: s["batch"] / v for p, v in rates.items()}

    # dense reference: independent JumpReLU SAEs, plain matmuls, same Adam
    ref = HSAE(HSAEConfig(d_in=s["d"], widths=s["widths"], target_l0=s["target_l0"], rho=0, perturb_rate=0), generator=g).to(DEVICE)
    calibrate_thresholds_(ref, x, cfg.target_l0)
    ref_opt = torch.optim.Adam(ref.parameters(), lr=1e-4, betas=(0.0, 0.995))
    def ref_loss():
        loss = 0
        for lv in ref.levels:
            z = x @ lv.W_enc + lv.b_enc
            a = z * (z > lv.threshold)
            loss = loss + (a @ lv.W_dec + lv.b_dec - x).pow(2).sum(-1).mean() + 1e-3 * (z > lv.threshold).float().sum(-1).mean()
        return loss
    def ref_step():
        with torch.autocast("cuda", dtype=torch.bfloat16, enabled=BF16): loss = ref_loss()
        ref_opt.zero_grad(); loss.backward()
        for lv in ref.levels: remove_parallel_grad_(lv)
        ref_opt.step(); ref.constrain_()
    ref_s = timed(ref_step, steps)

    F = sum(s["widths"])
    gflops = gemm_gflops(s["batch"], s["d"], F)
    flops_per_token = 6 * 2 * s["d"] * F              # encoder + decoder, forward + two backward products
    roofline = gflops * 1e9 / flops_per_token
    with torch.no_grad(): l0 = [float((a != 0).sum(-1).float().mean()) for a in model.encode(x)]
    hier_s = max(paired_s, 0.0) + t_assign / s["update_every"]
    res.update(
        l0_per_level=[round(v, 1) for v in l0],
        tokens_per_s=s["batch"] / step_s, step_seconds=step_s,
        dense_reference_tokens_per_s=s["batch"] / ref_s,
        roofline_tokens_per_s=roofline, gemm_gflops=gflops,
        vs_roofline=s["batch"] / step_s / roofline,
        hierarchy_fraction=hier_s / full_med_s, hsae_over_posthoc=full_med_s / plain_s,
        # the spread of the paired differences: a share is only met when its upper quartile is
        hierarchy_fraction_quartiles=[(q + t_assign / s["update_every"]) / full_med_s for q in (paired_q[0], paired_q[2])],
        paired_rounds=len(diffs), hierarchy_seconds=dict(
            step_median=full_med_s, plain_step_median=plain_s, difference_of_medians=full_med_s - plain_s,
            structural_loss_and_perturbation=max(paired_s, 0.0), assignment=t_assign,
            assignment_amortised=t_assign / s["update_every"]),
        peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    )
    if DEVICE.type == "cuda": res["peak_gpu_memory_mb"] = torch.cuda.max_memory_allocated(DEVICE) / 2 ** 20
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shapes", default="small,planted,paper"); ap.add_argument("--steps", type=int, default=3)
    ap.add_argument("--device", default="cpu", help="cpu or cuda")
    ap.add_argument("--bf16", action="store_true", help="bf16 autocast (CUDA only), as TrainConfig(bf16=True)")
    ap.add_argument("--rounds", type=int, help="alternating full/plain steps for the hierarchy's share (default max(6, 2 x steps))")
    ap.add_argument("--fused", default="auto", choices=("auto", "off"), help="the compiled CPU loops of nbs/04b_fused.ipynb, or tensor ops only")
    ap.add_argument("--out", default=str(Path(__file__).parent / "results" / "step.json"))
    a = ap.parse_args()
    global DEVICE, BF16
    DEVICE, BF16 = torch.device(a.device), a.bf16
    if BF16 and DEVICE.type != "cuda": ap.error("--bf16 needs --device cuda")
    if DEVICE.type == "cuda" and not torch.cuda.is_available(): ap.error("--device cuda, but torch sees no CUDA device")
    torch.set_num_threads(os.cpu_count())
    import hsae_nb.fused
    hsae_nb.fused.FUSED = a.fused
    res = dict(machine=machine(), device=a.device, bf16=BF16, fused=a.fused,
               command=f"python bench/step.py --shapes {a.shapes} --steps {a.steps} --device {a.device}" + (" --bf16" if BF16 else "")
               + (f" --rounds {a.rounds}" if a.rounds else "") + (" --fused off" if a.fused == "off" else ""))
    for name in a.shapes.split(","):
        t = time.perf_counter()
        res[name] = bench_shape(name, SHAPES[name], a.steps, rounds=a.rounds)
        res[name]["bench_seconds"] = time.perf_counter() - t
        print(name, json.dumps({k: (round(v, 3) if isinstance(v, float) else v) for k, v in res[name].items() if k != "breakdown_seconds"}), flush=True)
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text(json.dumps(res, indent=1))
    print("wrote", a.out)


if __name__ == "__main__":
    main()
