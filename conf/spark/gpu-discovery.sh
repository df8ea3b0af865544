#!/usr/bin/env bash
# Spark GPU discovery script (spark.executor.resource.gpu.discoveryScript, spark.worker.resource.gpu.discoveryScript):
# prints the GPUs of this host as Spark's ResourceInformation JSON, e.g. {"name":"gpu","addresses":["0","1"]}.
# Addresses are nvidia-smi indices, which are in PCI bus order and ignore CUDA_VISIBLE_DEVICES; the executor maps
# them to CUDA ordinals (dev.bigbatch.jobs.device.DeviceSelection). Same output as Spark's
# examples/src/main/scripts/getGpusResources.sh, with errors reported instead of printing an empty address.
set -euo pipefail

if ! command -v nvidia-smi >/dev/null 2>&1; then
  echo "gpu-discovery.sh: nvidia-smi not found on $(hostname); is the NVIDIA driver installed?" >&2
  exit 1
fi
if ! indices="$(nvidia-smi --query-gpu=index --format=csv,noheader)"; then
  echo "gpu-discovery.sh: nvidia-smi failed on $(hostname)" >&2
  exit 1
fi

addresses=""
while IFS= read -r index; do
  index="${index//[[:space:]]/}"
  [[ -n "${index}" ]] || continue
  addresses+="${addresses:+,}\"${index}\""
done <<<"${indices}"
printf '{"name":"gpu","addresses":[%s]}\n' "${addresses}"
