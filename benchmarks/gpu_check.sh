#!/usr/bin/env bash
# The checks to run on a machine with a CUDA GPU (CI has none), in one go:
#   1. every neural estimator fits and predicts on CUDA, and a CUDA-fitted model
#      pickled with joblib loads and predicts in a process that sees no GPU
#      (CUDA_VISIBLE_DEVICES=""), as do CUDA-saved net parameters (tests/test_cuda.py);
#   2. seconds per generator epoch at full CUB-stand-in size on the GPU, for the
#      three generative estimators (BENCHMARKS.md, "Seconds per generator epoch");
#   3. MSDN / MSDN++ seconds per training step at CUB scale on the GPU, bfloat16
#      autocast and float32 (BENCHMARKS.md, "Speed at CUB scale").
# Usage (from the repository root, torch with CUDA installed, ../shared/data present
# for steps 2 and 3): bash benchmarks/gpu_check.sh [OUT_DIR]
# (each benchmark runs as `python -m benchmarks <name>`; --data-dir or SKZSL_SHARED_DATA
# point at the shared data when it is not ../shared/data)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-benchmarks/results}"
mkdir -p "$out"
python -c "import torch; assert torch.cuda.is_available(), 'no CUDA GPU'; print(torch.cuda.get_device_name(0))"
# a failing test is recorded, and the timings below still run; the exit status says it
status=0
python -m pytest -q tests/test_cuda.py -rs 2>&1 | tee "$out/test_cuda.txt" || status=1
for method in CLSWGANClassifier SemanticKDClassifier SDDNClassifier; do
  python -m benchmarks generative epoch --method "$method" --epochs 2 --device cuda \
    --results "$out/generative_gpu.jsonl"
done
python -m benchmarks attention speed --device cuda --batches 20 --out "$out/attention_speed_gpu.md"
python -m benchmarks attention speed --device cuda --batches 20 --no-amp \
  --out "$out/attention_speed_gpu_fp32.md"
exit $status
