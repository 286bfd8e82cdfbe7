# Shared settings for scripts/k8s/*. Sourced, not executed.
# shellcheck disable=SC2034  # the settings are used by the other files that source this one

K8S_VERSION="${HOOKS_K8S_VERSION:-v1.34.4}"
# Kubernetes 1.34 needs etcd 3.5+; Debian bookworm only has 3.4.
ETCD_VERSION="${HOOKS_ETCD_VERSION:-v3.5.21}"
# The oldest Go that builds them, and the toolchain fetched when the machine's Go is older.
GO_MIN_MINOR=24
GO_TOOLCHAIN="${HOOKS_GO_TOOLCHAIN:-go1.24.11}"
# The builder of Dockerfile actions: Kaniko's executor, the last upstream release.
KANIKO_VERSION="${HOOKS_KANIKO_VERSION:-v1.24.0}"

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
K8S_SCRIPTS="$REPO_ROOT/scripts/k8s"

CACHE_DIR="${HOOKS_CACHE_DIR:-/var/cache/container-hooks}"
K8S_BIN="$CACHE_DIR/k8s/$K8S_VERSION/bin"
ETCD_BIN="$CACHE_DIR/etcd/$ETCD_VERSION/bin"
PAUSE_BIN="$CACHE_DIR/pause/bin"
KANIKO_BIN="$CACHE_DIR/kaniko/$KANIKO_VERSION/bin"

STATE_DIR="${HOOKS_K8S_STATE_DIR:-/var/lib/container-hooks-k8s}"
LOG_DIR="$STATE_DIR/logs"
RUN_DIR="$STATE_DIR/run"
PKI_DIR="$STATE_DIR/pki"
CONF_DIR="$STATE_DIR/config"
WORK_DIR="$STATE_DIR/work"

CONTAINERD_SOCK="$RUN_DIR/containerd/containerd.sock"
CNI_CONF_DIR="$STATE_DIR/cni/net.d"
CNI_BIN_DIR=/usr/lib/cni
CNI_BRIDGE=chooks0
POD_CIDR=10.244.0.0/24
# The bridge's own address (host-local's gateway: the subnet's first address).
POD_GATEWAY=10.244.0.1
SERVICE_CIDR=10.96.0.0/16
FIRST_SERVICE_IP=10.96.0.1

APISERVER_PORT=6443
APISERVER_URL="https://127.0.0.1:$APISERVER_PORT"
ETCD_CLIENT_URL=http://127.0.0.1:23790
ETCD_PEER_URL=http://127.0.0.1:23800

PAUSE_IMAGE=registry.k8s.io/pause:container-hooks
TEST_NAMESPACE=hooks-test
RUNNER_POD=runner-0
RUNNER_CLAIM=runner-0-work
# A runner pod without a claim: copy mode is detected from it.
RUNNER_COPY_POD=runner-copy-0
# Held by every jest run that uses the cluster (docs/development.md); up holds it to recreate a runner pod.
TESTS_LOCK=/tmp/hooks-cluster-tests.lock
HOOK_SA=hook

# Dockerfile actions: builder pods reach the registry (127.0.0.1:5000 on the host) through the
# bridge address; the kubelet pulls from 127.0.0.1:5000. See lib/registry.sh.
REGISTRY_HOST_ADDR=127.0.0.1:5000
REGISTRY_POD_ADDR=$POD_GATEWAY:5000
REGISTRY_SECRET=registry-credentials
BUILDER_IMAGE=container-hooks-test/builder:1

ADMIN_KUBECONFIG="$CONF_DIR/admin.kubeconfig"
HOOK_KUBECONFIG="$CONF_DIR/hook.kubeconfig"

NODE_NAME="$(hostname | tr '[:upper:]_' '[:lower:]-')"

# up and down may be started by several people or CI steps at once: one at a time. Whatever
# they start must not inherit fd 9, or it would hold the lock for its whole life.
take_lock() {
  exec 9>/run/container-hooks-k8s.lock
  if ! flock -n 9; then
    log "another scripts/k8s up/down is running; waiting for it"
    flock -w 1800 9 || die "gave up waiting for the other scripts/k8s up/down"
  fi
}

log() { printf '[k8s %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

kubectl_admin() { "$K8S_BIN/kubectl" --kubeconfig "$ADMIN_KUBECONFIG" "$@"; }

# The address the node registers with: the default route's source address (no traffic is sent).
node_ip() {
  local ip
  ip="$(ip -4 route get 1.1.1.1 2>/dev/null | awk '{for (i = 1; i < NF; i++) if ($i == "src") { print $(i + 1); exit } }')"
  [[ -n $ip ]] || ip="$(hostname -I | awk '{print $1}')"
  [[ -n $ip ]] || die "could not find a non-loopback IPv4 address for the node"
  echo "$ip"
}

STARTED_DAEMONS=()

# Fails at once, with the end of its log, when a daemon up started has died.
check_daemons() {
  local name
  for name in "${STARTED_DAEMONS[@]}"; do
    if ! pid_alive "$name"; then
      log "$name exited; last lines of $LOG_DIR/$name.log:"
      tail -n 25 "$LOG_DIR/$name.log" >&2 || true
      die "$name is not running"
    fi
  done
}

# Waits until "$@" succeeds, for at most $1 seconds.
wait_for() {
  local timeout=$1 what=$2 start=$SECONDS
  shift 2
  until "$@" >/dev/null 2>&1; do
    check_daemons
    if ((SECONDS - start >= timeout)); then
      die "timed out after ${timeout}s waiting for $what (logs: $LOG_DIR)"
    fi
    sleep 0.5
  done
}

# True when NAME's pidfile names a live process that is still that daemon (after a reboot the
# PID may belong to something else).
pid_alive() {
  local pidfile="$RUN_DIR/$1.pid" pid
  [[ -f $pidfile ]] || return 1
  pid="$(cat "$pidfile")"
  kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -- "$1" >/dev/null
}

# Starts a daemon unless its pidfile points to a live process.
# The `nohup … &` is its own statement so that $! is the daemon itself.
start_daemon() {
  local name=$1
  shift
  STARTED_DAEMONS+=("$name")
  if pid_alive "$name"; then
    log "$name already running (pid $(cat "$RUN_DIR/$name.pid"))"
    return 0
  fi
  log "starting $name"
  nohup "$REPO_ROOT/scripts/lib/detach" "$@" >>"$LOG_DIR/$name.log" 2>&1 </dev/null &
  echo $! >"$RUN_DIR/$name.pid"
}
