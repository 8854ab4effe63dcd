#!/usr/bin/env bash
# The on-hardware GPU check (issue 16), prepared to run once on a machine with an NVIDIA GPU, which may have no .NET:
# the NativeAOT agent's --once beside nvidia-smi's view of the same GPUs, in one go, and the time --once takes with
# and without GPUs (NVML's start and two samples). Writes everything to ${OUT:-.}/gpu-check.txt and prints it.
# Build the agent here first: eng/publish-agent.sh  (artifacts/agent/linux-x64/monitoring-agent; carry artifacts/agent).
# Usage: eng/gpu-check.sh [path/to/monitoring-agent]
set -uo pipefail
agent=${1:-artifacts/agent/linux-x64/monitoring-agent}
out=${OUT:-.}/gpu-check.txt
query=name,uuid,memory.total,memory.used,utilization.gpu,temperature.gpu,power.draw
timed() { local start end; start=$(date +%s%N); "$@" > /dev/null 2>&1; end=$(date +%s%N); echo "$(( (end - start) / 1000000 )) ms: $*"; }
{
    echo "# $(date -u +%FT%TZ) on $(uname -srm), $(nproc) cores"
    echo "## nvidia-smi --query-gpu=$query --format=csv"
    nvidia-smi --query-gpu="$query" --format=csv
    echo "## monitoring-agent --once --table"
    "$agent" --once --table
    echo "## nvidia-smi --query-gpu=$query --format=csv (again, after the agent)"
    nvidia-smi --query-gpu="$query" --format=csv
    echo "## monitoring-agent --once (JSON)"
    "$agent" --once
    echo "## time of --once, three each"
    for _ in 1 2 3; do timed "$agent" --once; timed "$agent" --once --metrics-gpus false; done
    echo "## NVML"
    ldconfig -p | grep -i nvidia-ml || echo "libnvidia-ml not in the loader cache"
} > "$out" 2>&1
cat "$out"
