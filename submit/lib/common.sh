# shellcheck shell=bash
# Shared logic of submit/yarn.sh, submit/k8s.sh and submit/standalone.sh: option parsing, GPU scheduling, memory
# sizing from the model's parameter count, the Java 17 module opens, and printing or running spark-submit.
# Sourced, never run. A target script defines target_option() and target_confs(), then calls bb_main "$@".
#
# Memory sizing (per JVM; P = parameter count, 4 bytes per float32 parameter):
#   off-heap (JavaCPP maxbytes)   = 16 * 4 * P + workspace
#       16 vectors of P floats: K-FAC on ResNet-50 keeps 6.0*P floats of Kronecker factors (computed from the layer
#       shapes) and as much again in their damped inverses, beside the parameters, the gradient (sum) and momentum;
#       first-order optimizers need far less. workspace: activations and their gradients for one ghost batch, which
#       depend on batch and image size, not on P (--workspace-gb; executors default 4 GiB, the driver 1 GiB).
#   maxphysicalbytes              = heap + off-heap + 1 GiB   (JavaCPP's cap on the whole process: heap included)
#   spark.*.memoryOverhead        = off-heap + 1 GiB          (container memory beyond the heap: ND4J's off-heap
#                                                              plus JVM metaspace, thread stacks and Netty buffers)

BB_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
readonly BB_HOME
readonly BB_MAIN_CLASS="dev.bigbatch.jobs.Main"
# The shaded jar of spark-jobs/pom.xml: ${project.build.finalName}-cluster.jar.
readonly BB_DEFAULT_JAR="${BB_HOME}/spark-jobs/target/bigbatch-spark-jobs-cluster.jar"
readonly BB_PARAM_COPIES=16
readonly BB_JVM_NATIVE_MIB=1024

# Java 17 opens for Spark and ND4J; the same list as <java17.opens> in the root pom.xml (a test keeps them equal).
readonly BB_JAVA17_OPENS="--add-opens=java.base/java.lang=ALL-UNNAMED \
--add-opens=java.base/java.lang.invoke=ALL-UNNAMED \
--add-opens=java.base/java.lang.reflect=ALL-UNNAMED \
--add-opens=java.base/java.io=ALL-UNNAMED \
--add-opens=java.base/java.net=ALL-UNNAMED \
--add-opens=java.base/java.nio=ALL-UNNAMED \
--add-opens=java.base/java.util=ALL-UNNAMED \
--add-opens=java.base/java.util.concurrent=ALL-UNNAMED \
--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED \
--add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
--add-opens=java.base/sun.nio.cs=ALL-UNNAMED \
--add-opens=java.base/sun.security.action=ALL-UNNAMED \
--add-opens=java.base/sun.util.calendar=ALL-UNNAMED"

# Options and their defaults (each written once, here).
BB_MODEL=""
BB_PARAMS=""
BB_EXECUTORS=2
BB_CORES_PER_GPU=4
BB_EXECUTOR_MEMORY="8g"
BB_DRIVER_MEMORY="8g"
BB_WORKSPACE_GB=4
BB_DRIVER_WORKSPACE_GB=1
BB_DEPLOY_MODE=""
BB_NAME=""
BB_JAR="${BB_DEFAULT_JAR}"
BB_DISCOVERY_SCRIPT="${BB_HOME}/conf/spark/gpu-discovery.sh"
BB_DRY_RUN=0
BB_EXTRA_CONFS=()
BB_FILES=()
BB_APP_ARGS=()
BB_CMD=()

bb_die() {
  printf '%s: %s\n' "$(basename "$0")" "$*" >&2
  exit 64
}

bb_common_usage() {
  cat <<USAGE
Options (before COMMAND):
  --model NAME            size memory for a model: small-cnn, resnet20, resnet32, resnet56, resnet50
  --params N              ... or for N parameters (overrides --model)
  --executors N           executors, one GPU and one task each (default ${BB_EXECUTORS})
  --cores-per-gpu N       CPU cores per executor = per task (default ${BB_CORES_PER_GPU})
  --executor-memory SIZE  executor heap, e.g. 8g (default ${BB_EXECUTOR_MEMORY})
  --driver-memory SIZE    driver heap (default ${BB_DRIVER_MEMORY})
  --workspace-gb N        executor off-heap for activations of one ghost batch (default ${BB_WORKSPACE_GB})
  --deploy-mode MODE      client or cluster
  --name NAME             application name (default bigbatch-COMMAND)
  --jar PATH              the cluster jar (default spark-jobs/target/bigbatch-spark-jobs-cluster.jar)
  --discovery-script PATH GPU discovery script, at this path on every worker (default conf/spark/gpu-discovery.sh
                          of this checkout)
  --conf KEY=VALUE        extra spark-submit --conf, applied after (so overriding) the computed ones; repeatable
  --dry-run               print the spark-submit command, one argument per line, and do not run it
  -h, --help              this help
COMMAND and everything after it go to ${BB_MAIN_CLASS} unchanged:
  COMMAND [--config FILE] [--set key=value]... [--out URI]
In cluster deploy mode a local --config FILE is shipped with --files and passed on as its file name.
USAGE
}

# Parameter counts, computed from the architectures: CIFAR ResNet-6n+2 with identity (option A) shortcuts and
# batch-norm scale and shift, 10 classes (He et al. 2016, §4.2, report 0.27M, 0.46M, 0.85M); ResNet-50 for 1000
# classes (25.6M, He et al. 2016, Table 1). small-cnn and the other CIFAR depths get an upper bound (ResNet-110 has
# 1.7M): below ~10M parameters the workspace term dominates, so an exact count changes nothing; pass --params for a
# model not listed (or a wider one).
bb_param_count() {
  case "$1" in
    resnet20) echo 269722 ;;
    resnet32) echo 464154 ;;
    resnet56) echo 853018 ;;
    small-cnn | resnet8 | resnet14 | resnet44) echo 1000000 ;;
    resnet110) echo 2000000 ;;
    resnet50) echo 25557032 ;;
    *) bb_die "unknown --model '$1'; use small-cnn, resnet8, resnet14, resnet20, resnet32, resnet44, resnet56, resnet110 or resnet50, or --params N" ;;
  esac
}

# A JVM size such as 8g, 8192m or 8G in MiB.
bb_mib() {
  local size="$1" number unit
  [[ "${size}" =~ ^([0-9]+)([gGmM])$ ]] || bb_die "size '${size}' must be a number followed by g or m, e.g. 8g"
  number="${BASH_REMATCH[1]}"
  unit="${BASH_REMATCH[2]}"
  case "${unit}" in
    g | G) echo $((number * 1024)) ;;
    *) echo "${number}" ;;
  esac
}

# Off-heap MiB for P parameters and a workspace of W GiB: ceil(16 * 4 * P / 2^20) + 1024 * W.
bb_offheap_mib() {
  local params="$1" workspace_gb="$2"
  echo $(((BB_PARAM_COPIES * 4 * params + 1048575) / 1048576 + workspace_gb * 1024))
}

bb_require_value() {
  [[ $# -ge 2 && -n "$2" ]] || bb_die "option $1 needs a value"
}

bb_require_count() {
  [[ "$2" =~ ^[1-9][0-9]*$ ]] || bb_die "option $1 needs a positive integer, got '$2'"
}

bb_parse_args() {
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --dry-run) BB_DRY_RUN=1; shift; continue ;;
      -h | --help) usage; exit 0 ;;
      --) shift; break ;;
      --*) bb_require_value "$@" ;;
      *) break ;;
    esac
    case "$1" in
      --model) BB_MODEL="$2" ;;
      --params) bb_require_count "$1" "$2"; BB_PARAMS="$2" ;;
      --executors) bb_require_count "$1" "$2"; BB_EXECUTORS="$2" ;;
      --cores-per-gpu) bb_require_count "$1" "$2"; BB_CORES_PER_GPU="$2" ;;
      --executor-memory) bb_mib "$2" >/dev/null; BB_EXECUTOR_MEMORY="$2" ;;
      --driver-memory) bb_mib "$2" >/dev/null; BB_DRIVER_MEMORY="$2" ;;
      --workspace-gb) bb_require_count "$1" "$2"; BB_WORKSPACE_GB="$2" ;;
      --deploy-mode)
        [[ "$2" == client || "$2" == cluster ]] || bb_die "--deploy-mode must be client or cluster, got '$2'"
        BB_DEPLOY_MODE="$2" ;;
      --name) BB_NAME="$2" ;;
      --jar) BB_JAR="$2" ;;
      --discovery-script) BB_DISCOVERY_SCRIPT="$2" ;;
      --conf)
        [[ "$2" == *=* ]] || bb_die "--conf needs KEY=VALUE, got '$2'"
        BB_EXTRA_CONFS+=("$2") ;;
      *) target_option "$1" "$2" || bb_die "unknown option $1 (see --help)" ;;
    esac
    shift 2
  done
  [[ $# -ge 1 ]] || bb_die "missing COMMAND (see --help)"
  BB_APP_ARGS=("$@")
  if [[ -z "${BB_PARAMS}" ]]; then
    [[ -n "${BB_MODEL}" ]] || bb_die "give --model NAME or --params N so memory can be sized"
    BB_PARAMS="$(bb_param_count "${BB_MODEL}")"
  fi
}

# True if a path has no URI scheme or the file: scheme, i.e. lives on this machine.
bb_is_local() {
  [[ "$1" != *://* || "$1" == file:* ]]
}

# In cluster mode the driver runs elsewhere: ship a local --config FILE with --files and pass its file name, which
# YARN and Kubernetes (Spark >= 3.4) place in the driver's working directory.
bb_ship_config() {
  local i
  for ((i = 0; i < ${#BB_APP_ARGS[@]} - 1; i++)); do
    if [[ "${BB_APP_ARGS[i]}" == --config ]] && bb_is_local "${BB_APP_ARGS[i + 1]}"; then
      local file="${BB_APP_ARGS[i + 1]#file:}"
      [[ "${BB_DRY_RUN}" == 1 || -f "${file}" ]] || bb_die "--config ${file}: no such file"
      BB_FILES+=("$(cd "$(dirname "${file}")" && pwd)/$(basename "${file}")")
      BB_APP_ARGS[i + 1]="$(basename "${file}")"
    fi
  done
}

bb_conf() {
  BB_CMD+=(--conf "$1")
}

# Builds BB_CMD: spark-submit, the target's master options, GPU scheduling, memory, Java options, the jar, the
# application's arguments.
bb_build_command() {
  local exec_offheap driver_offheap exec_heap driver_heap
  exec_offheap="$(bb_offheap_mib "${BB_PARAMS}" "${BB_WORKSPACE_GB}")"
  driver_offheap="$(bb_offheap_mib "${BB_PARAMS}" "${BB_DRIVER_WORKSPACE_GB}")"
  exec_heap="$(bb_mib "${BB_EXECUTOR_MEMORY}")"
  driver_heap="$(bb_mib "${BB_DRIVER_MEMORY}")"

  BB_CMD=("${SPARK_HOME:+${SPARK_HOME}/bin/}spark-submit" --class "${BB_MAIN_CLASS}"
    --name "${BB_NAME:-bigbatch-${BB_APP_ARGS[0]}}")
  target_confs
  # One GPU per executor and one task per executor: the task takes every core of its executor.
  bb_conf "spark.executor.resource.gpu.amount=1"
  bb_conf "spark.task.resource.gpu.amount=1"
  bb_conf "spark.executor.resource.gpu.discoveryScript=${BB_DISCOVERY_SCRIPT}"
  bb_conf "spark.executor.cores=${BB_CORES_PER_GPU}"
  bb_conf "spark.task.cpus=${BB_CORES_PER_GPU}"
  # nvidia-smi (the discovery script) numbers GPUs in PCI bus order; make CUDA number them the same way.
  bb_conf "spark.executorEnv.CUDA_DEVICE_ORDER=PCI_BUS_ID"
  bb_conf "spark.executorEnv.OMP_NUM_THREADS=${BB_CORES_PER_GPU}"
  bb_conf "spark.executor.memory=${BB_EXECUTOR_MEMORY}"
  bb_conf "spark.executor.memoryOverhead=$((exec_offheap + BB_JVM_NATIVE_MIB))m"
  bb_conf "spark.executor.extraJavaOptions=${BB_JAVA17_OPENS} -Dorg.bytedeco.javacpp.maxbytes=${exec_offheap}m \
-Dorg.bytedeco.javacpp.maxphysicalbytes=$((exec_heap + exec_offheap + BB_JVM_NATIVE_MIB))m"
  BB_CMD+=(--driver-memory "${BB_DRIVER_MEMORY}")
  bb_conf "spark.driver.memoryOverhead=$((driver_offheap + BB_JVM_NATIVE_MIB))m"
  # Headless AWT: the driver draws report.html's charts.
  BB_CMD+=(--driver-java-options "${BB_JAVA17_OPENS} -Dorg.bytedeco.javacpp.maxbytes=${driver_offheap}m \
-Dorg.bytedeco.javacpp.maxphysicalbytes=$((driver_heap + driver_offheap + BB_JVM_NATIVE_MIB))m \
-Djava.awt.headless=true")
  if [[ ${#BB_FILES[@]} -gt 0 ]]; then
    BB_CMD+=(--files "$(IFS=,; echo "${BB_FILES[*]}")")
  fi
  local c
  for c in "${BB_EXTRA_CONFS[@]}"; do
    bb_conf "${c}"
  done
  BB_CMD+=("${BB_JAR}" "${BB_APP_ARGS[@]}")

  printf '# %s parameters%s: executor off-heap %s MiB, driver off-heap %s MiB\n' "${BB_PARAMS}" \
    "${BB_MODEL:+ (${BB_MODEL})}" "${exec_offheap}" "${driver_offheap}" >&2
}

# Prints BB_CMD shell-quoted, ready to paste: one argument per line, an option and its value on the same line.
bb_print_command() {
  local i
  printf '%q' "${BB_CMD[0]}"
  for ((i = 1; i < ${#BB_CMD[@]}; i++)); do
    if [[ $((i + 1)) -lt ${#BB_CMD[@]} && ( "${BB_CMD[i]}" == --driver-java-options
      || ("${BB_CMD[i]}" == --* && "${BB_CMD[i + 1]}" != -*) ) ]]; then
      printf ' \\\n  %q %q' "${BB_CMD[i]}" "${BB_CMD[i + 1]}"
      i=$((i + 1))
    else
      printf ' \\\n  %q' "${BB_CMD[i]}"
    fi
  done
  printf '\n'
}

bb_main() {
  bb_parse_args "$@"
  BB_DEPLOY_MODE="${BB_DEPLOY_MODE:-${BB_DEFAULT_DEPLOY_MODE}}"
  if [[ "${BB_DEPLOY_MODE}" == cluster ]]; then
    bb_ship_config
  fi
  bb_build_command
  if [[ "${BB_DRY_RUN}" == 1 ]]; then
    bb_print_command
    return 0
  fi
  if bb_is_local "${BB_JAR}" && [[ ! -f "${BB_JAR#file:}" ]]; then
    bb_die "${BB_JAR} not found; build it with: mvn -pl spark-jobs -am package -DskipTests (add -Pcuda for GPUs)"
  fi
  command -v "${BB_CMD[0]}" >/dev/null || bb_die "${BB_CMD[0]} not found; set SPARK_HOME or put it on PATH"
  exec "${BB_CMD[@]}"
}
