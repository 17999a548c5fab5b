#!/usr/bin/env bash
# The CUDA checks in one run, a few minutes on one GPU:
#   1. tests/test_cuda.py: the sparse step against the dense oracle on CUDA, CUDA against CPU, resume, bf16,
#      and 2-process NCCL data parallelism when two GPUs are present (skipped, and said so, with one);
#   2. bench/step.py --device cuda at the small, planted and paper shapes, fp32 and bf16 autocast;
#   3. gpu.json: the GPU, the test outcome and both step tables in one file.
#
#   bash bench/gpu.sh [OUT_DIR]          # default bench/results; PYTHON=... picks the interpreter
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-bench/results}
PY=${PYTHON:-python3}
mkdir -p "$OUT"
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}" PYTHONUNBUFFERED=1
$PY -c "import torch, sys; sys.exit(0 if torch.cuda.is_available() else 'bench/gpu.sh: torch sees no CUDA device')" || exit 1

$PY -m pytest -q -rs tests/test_cuda.py --junitxml "$OUT/gpu_tests.xml" 2>&1 | tee "$OUT/gpu_tests.log"
for mode in fp32 bf16; do
    flag=$([ "$mode" = bf16 ] && echo --bf16)
    $PY bench/step.py --device cuda $flag --shapes small,planted,paper --steps 10 --out "$OUT/step_cuda_$mode.json" 2>&1 \
        | grep -v '^USDT' | tee "$OUT/step_cuda_$mode.log"
done

$PY - "$OUT" <<'EOF'
import json, sys, subprocess, xml.etree.ElementTree as ET
from pathlib import Path
import torch
out = Path(sys.argv[1])
suite = ET.parse(out / "gpu_tests.xml").getroot()
suite = suite if suite.tag == "testsuite" else suite.find("testsuite")
tests = {c.get("name"): ("failed" if c.find("failure") is not None or c.find("error") is not None
                         else "skipped: " + c.find("skipped").get("message", "") if c.find("skipped") is not None else "passed")
         for c in suite.iter("testcase")}
res = dict(gpu=torch.cuda.get_device_name(0), gpus=torch.cuda.device_count(), torch=torch.__version__, cuda=torch.version.cuda,
           driver=subprocess.run(["nvidia-smi", "--query-gpu=driver_version", "--format=csv,noheader"],
                                 capture_output=True, text=True).stdout.strip(),
           data_parallel="2 processes, NCCL" if torch.cuda.device_count() > 1 else "one GPU: single process only, NCCL not run",
           tests=tests)
for mode in ("fp32", "bf16"):
    f = out / f"step_cuda_{mode}.json"
    if f.exists(): res[f"step_{mode}"] = json.loads(f.read_text())
(out / "gpu.json").write_text(json.dumps(res, indent=1))
print("wrote", out / "gpu.json", {k: v for k, v in res.items() if not k.startswith("step_")})
EOF
