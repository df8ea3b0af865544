#!/usr/bin/env bash
# Submits a bigbatch command to YARN, one GPU and one task per executor. See --help and submit/lib/common.sh.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

BB_DEFAULT_DEPLOY_MODE=cluster
YARN_QUEUE=""

usage() {
  cat <<USAGE
Usage: submit/yarn.sh [options] COMMAND [--config FILE] [--set key=value]... [--out URI]

Submits to YARN (3.1 or later with the yarn.io/gpu resource type enabled; Spark requests it for
spark.executor.resource.gpu.amount). Deploy mode defaults to cluster. The discovery script must exist at
--discovery-script on every NodeManager host.

YARN options:
  --queue NAME            the YARN queue
USAGE
  bb_common_usage
}

target_option() {
  case "$1" in
    --queue) YARN_QUEUE="$2" ;;
    *) return 1 ;;
  esac
}

target_confs() {
  BB_CMD+=(--master yarn --deploy-mode "${BB_DEPLOY_MODE}" --num-executors "${BB_EXECUTORS}")
  if [[ -n "${YARN_QUEUE}" ]]; then
    BB_CMD+=(--queue "${YARN_QUEUE}")
  fi
}

bb_main "$@"
