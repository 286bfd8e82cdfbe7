# Stopping the node and removing what up made outside the binary cache. Sourced by down.

# The kubelet and CNI write these outside our state dir; up records those that did not exist
# before. (/run/containerd is not ours to remove: every containerd's shims keep sockets there.)
HOST_PATHS_WRITTEN=(/var/log/pods /var/log/containers /var/lib/kubelet /var/lib/cni)

record_created_host_paths() {
  local path record="$STATE_DIR/created-host-paths"
  [[ -f $record ]] && return 0
  for path in "${HOST_PATHS_WRITTEN[@]}"; do
    [[ -e $path ]] || echo "$path" >>"$record"
  done
  touch "$record"
}

# stop_daemon NAME: SIGTERM, then SIGKILL after 15 s.
stop_daemon() {
  local name=$1 pidfile="$RUN_DIR/$1.pid" pid i
  [[ -f $pidfile ]] || return 0
  pid="$(cat "$pidfile")"
  if pid_alive "$name"; then
    log "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 30; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.5
    done
    if kill -0 "$pid" 2>/dev/null; then
      log "$name did not stop, killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$pidfile"
}

running_pod_count() {
  kubectl_admin get pods -A --no-headers 2>/dev/null | wc -l
}

# Deleting the pods through the API lets the kubelet stop them properly: it unmounts their
# volumes and has containerd tear down their network namespaces and CNI state.
drain_pods() {
  pid_alive kubelet && pid_alive kube-apiserver || return 0
  log "deleting all pods and letting the kubelet stop them"
  kubectl_admin delete pods --all -A --grace-period=1 --wait=false >/dev/null 2>&1 || true
  local start=$SECONDS
  while (($(running_pod_count) > 0 && SECONDS - start < 60)); do sleep 1; done
  start=$SECONDS
  while [[ -n $(ctr_k8s tasks ls -q 2>/dev/null) ]] && ((SECONDS - start < 30)); do sleep 1; done
}

# Whatever survived the drain (e.g. the kubelet was already gone).
kill_remaining_tasks() {
  pid_alive containerd || return 0
  local task
  for task in $(ctr_k8s tasks ls -q 2>/dev/null); do
    ctr_k8s tasks kill -s SIGKILL "$task" >/dev/null 2>&1 || true
  done
  sleep 1
  for task in $(ctr_k8s tasks ls -q 2>/dev/null); do
    ctr_k8s tasks rm -f "$task" >/dev/null 2>&1 || true
  done
}

# The runc shims (and the containers under them) outlive containerd. A shim is ours when its
# command line names our containerd socket; each container's init PID is in its bundle.
stop_shims() {
  local proc pidfile pid
  for pidfile in "$RUN_DIR"/containerd/state/io.containerd.runtime.v2.task/*/*/init.pid; do
    [[ -f $pidfile ]] || continue
    pid="$(cat "$pidfile")"
    kill -KILL "$pid" 2>/dev/null || true
  done
  for proc in /proc/[0-9]*; do
    if tr '\0' ' ' <"$proc/cmdline" 2>/dev/null | grep "^/usr/bin/containerd-shim-runc-v2 .*-address $CONTAINERD_SOCK " >/dev/null; then
      kill -KILL "${proc#/proc/}" 2>/dev/null || true
    fi
  done
}

unmount_state_dir() {
  local target
  # Deepest first; netns files, overlay rootfs, shm and volume tmpfs mounts all live here.
  while read -r target; do
    umount "$target" 2>/dev/null || umount -l "$target" 2>/dev/null || true
  done < <(findmnt -rn -o TARGET | grep -E "^$STATE_DIR(/|$)" | awk '{ print length, $0 }' | sort -rn | cut -d' ' -f2-)
  if findmnt -rn -o TARGET | grep -E "^$STATE_DIR(/|$)" >/dev/null; then
    die "mounts remain under $STATE_DIR; not removing it"
  fi
}

remove_network() {
  if iptables -w -C FORWARD -j CHOOKS-FORWARD 2>/dev/null; then
    iptables -w -D FORWARD -j CHOOKS-FORWARD
  fi
  iptables -w -F CHOOKS-FORWARD 2>/dev/null && iptables -w -X CHOOKS-FORWARD 2>/dev/null || true
  # Chains the CNI portmap plugin adds; nothing else on these machines uses CNI.
  local chain rule
  for chain in CNI-HOSTPORT-DNAT CNI-HOSTPORT-SNAT CNI-HOSTPORT-MASQ CNI-HOSTPORT-SETMARK; do
    iptables -w -t nat -S "$chain" >/dev/null 2>&1 || continue
    while read -r rule; do
      eval "iptables -w -t nat ${rule/-A /-D }"
    done < <(iptables -w -t nat -S | grep -E "^-A [A-Z-]+ .*-j $chain( |$)" || true)
  done
  for chain in CNI-HOSTPORT-DNAT CNI-HOSTPORT-SNAT CNI-HOSTPORT-MASQ CNI-HOSTPORT-SETMARK; do
    iptables -w -t nat -F "$chain" 2>/dev/null && iptables -w -t nat -X "$chain" 2>/dev/null || true
  done
  ip link show "$CNI_BRIDGE" >/dev/null 2>&1 && ip link delete "$CNI_BRIDGE" || true
}

remove_pod_cgroups() {
  local root
  for root in /sys/fs/cgroup/*/kubepods /sys/fs/cgroup/kubepods; do
    [[ -d $root ]] && find "$root" -depth -type d -exec rmdir {} \; 2>/dev/null || true
  done
}

remove_created_host_paths() {
  local path
  [[ -f $STATE_DIR/created-host-paths ]] || return 0
  while read -r path; do
    [[ -n $path ]] && rm -rf "$path"
  done <"$STATE_DIR/created-host-paths"
}

# Everything down does, in order: kubelet first (after it stopped the pods), containerd last.
teardown_all() {
  drain_pods
  local daemon
  for daemon in kubelet kube-scheduler kube-controller-manager kube-apiserver etcd; do
    stop_daemon "$daemon"
  done
  kill_remaining_tasks
  stop_daemon containerd
  stop_shims
  unmount_state_dir
  remove_network
  remove_registry_exposure
  remove_apiserver_exposure
  remove_provisioned_volumes
  remove_pod_cgroups
  remove_created_host_paths
  rm -rf "$STATE_DIR"
}

# Processes of this cluster still alive: a binary from our cache, or a command line naming our
# state dir (containerd, its shims, the pods' processes under them).
our_processes() {
  local proc exe
  for proc in /proc/[0-9]*; do
    exe="$(readlink "$proc/exe" 2>/dev/null)" || continue
    if [[ $exe == "$K8S_BIN"/* || $exe == "$ETCD_BIN"/* ]] ||
      tr '\0' ' ' <"$proc/cmdline" 2>/dev/null | grep -F "$STATE_DIR" >/dev/null; then
      echo "${proc#/proc/} $(tr '\0' ' ' <"$proc/cmdline" 2>/dev/null | cut -c1-120)"
    fi
  done
}
