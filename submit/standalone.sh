#!/usr/bin/env bash
# Submits a bigbatch command to a Spark standalone cluster, one GPU and one task per executor. See --help and
# submit/lib/common.sh.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

BB_DEFAULT_DEPLOY_MODE=client
SA_MASTER=""

usage() {
  cat <<USAGE
Usage: submit/standalone.sh --master spark://HOST:7077 [options] COMMAND [app args...]

Submits to a Spark standalone cluster. Each worker must offer its GPUs: in its spark-defaults.conf or
SPARK_WORKER_OPTS set spark.worker.resource.gpu.amount=<GPUs> and
spark.worker.resource.gpu.discoveryScript=<path of conf/spark/gpu-discovery.sh>. Deploy mode defaults to client;
in cluster mode --config must be a URI the driver can read (standalone cannot ship files to the driver).

Standalone options:
  --master URL            spark://HOST:PORT of the master (required)
USAGE
  bb_common_usage
}

target_option() {
  case "$1" in
    --master) SA_MASTER="$2" ;;
    *) return 1 ;;
  esac
}

target_confs() {
  [[ "${SA_MASTER}" == spark://* ]] || bb_die "--master spark://HOST:PORT is required"
  if [[ ${#BB_FILES[@]} -gt 0 ]]; then
    bb_die "standalone cluster mode cannot ship ${BB_FILES[0]} to the driver; use --deploy-mode client or pass" \
      "--config as a URI on a shared filesystem (hdfs://, s3a://)"
  fi
  BB_CMD+=(--master "${SA_MASTER}" --deploy-mode "${BB_DEPLOY_MODE}")
  # Standalone has no executor count: it starts as many executors of spark.executor.cores as spark.cores.max allows.
  bb_conf "spark.cores.max=$((BB_EXECUTORS * BB_CORES_PER_GPU))"
}

bb_main "$@"
