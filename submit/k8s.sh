#!/usr/bin/env bash
# Submits a bigbatch command to Kubernetes, one GPU and one task per executor pod. See --help and
# submit/lib/common.sh.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

BB_DEFAULT_DEPLOY_MODE=cluster
# Where the image is expected to carry this repository's conf/ (override with --discovery-script).
BB_DISCOVERY_SCRIPT="/opt/bigbatch/conf/spark/gpu-discovery.sh"
K8S_MASTER=""
K8S_IMAGE=""
K8S_NAMESPACE=""
K8S_SERVICE_ACCOUNT=""
K8S_UPLOAD_PATH=""

usage() {
  cat <<USAGE
Usage: submit/k8s.sh --master k8s://https://HOST:PORT --image IMAGE [options] COMMAND [app args...]

Submits to Kubernetes with the NVIDIA device plugin (executor pods request nvidia.com/gpu). Deploy mode defaults
to cluster; then a local jar or --config is uploaded to --upload-path. The image must contain Spark 3.5, Java 17
and the discovery script (default ${BB_DISCOVERY_SCRIPT}).

Kubernetes options:
  --master URL            k8s://https://HOST:PORT of the API server (required)
  --image IMAGE           container image for driver and executors (required)
  --namespace NS          namespace
  --service-account NAME  driver service account allowed to create executor pods
  --upload-path URI       where spark-submit uploads local files in cluster mode (e.g. s3a://bucket/spark-upload)
USAGE
  bb_common_usage
}

target_option() {
  case "$1" in
    --master) K8S_MASTER="$2" ;;
    --image) K8S_IMAGE="$2" ;;
    --namespace) K8S_NAMESPACE="$2" ;;
    --service-account) K8S_SERVICE_ACCOUNT="$2" ;;
    --upload-path) K8S_UPLOAD_PATH="$2" ;;
    *) return 1 ;;
  esac
}

target_confs() {
  [[ "${K8S_MASTER}" == k8s://* ]] || bb_die "--master k8s://https://HOST:PORT is required"
  [[ -n "${K8S_IMAGE}" ]] || bb_die "--image is required"
  if [[ "${BB_DEPLOY_MODE}" == cluster && -z "${K8S_UPLOAD_PATH}" ]] \
    && { bb_is_local "${BB_JAR}" || [[ ${#BB_FILES[@]} -gt 0 ]]; }; then
    bb_die "cluster mode with a local jar or --config needs --upload-path (or pass --jar local:///path/in/image)"
  fi
  BB_CMD+=(--master "${K8S_MASTER}" --deploy-mode "${BB_DEPLOY_MODE}")
  bb_conf "spark.executor.instances=${BB_EXECUTORS}"
  bb_conf "spark.kubernetes.container.image=${K8S_IMAGE}"
  bb_conf "spark.executor.resource.gpu.vendor=nvidia.com"
  if [[ -n "${K8S_NAMESPACE}" ]]; then
    bb_conf "spark.kubernetes.namespace=${K8S_NAMESPACE}"
  fi
  if [[ -n "${K8S_SERVICE_ACCOUNT}" ]]; then
    bb_conf "spark.kubernetes.authenticate.driver.serviceAccountName=${K8S_SERVICE_ACCOUNT}"
  fi
  if [[ -n "${K8S_UPLOAD_PATH}" ]]; then
    bb_conf "spark.kubernetes.file.upload.path=${K8S_UPLOAD_PATH}"
  fi
}

bb_main "$@"
