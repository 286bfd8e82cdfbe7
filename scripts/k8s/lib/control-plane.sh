# etcd, kube-apiserver, kube-controller-manager and kube-scheduler. Sourced by up.

start_etcd() {
  mkdir -p "$STATE_DIR/etcd"
  start_daemon etcd "$ETCD_BIN/etcd" \
    --name container-hooks \
    --data-dir "$STATE_DIR/etcd" \
    --listen-client-urls "$ETCD_CLIENT_URL" \
    --advertise-client-urls "$ETCD_CLIENT_URL" \
    --listen-peer-urls "$ETCD_PEER_URL" \
    --initial-advertise-peer-urls "$ETCD_PEER_URL" \
    --initial-cluster "container-hooks=$ETCD_PEER_URL" \
    --listen-metrics-urls "" \
    --unsafe-no-fsync \
    --log-level warn
  wait_for 30 "etcd" curl -fsS "$ETCD_CLIENT_URL/health"
}

apiserver_ready() {
  curl -fsS --cacert "$PKI_DIR/ca.crt" --cert "$PKI_DIR/admin.crt" --key "$PKI_DIR/admin.key" \
    "$APISERVER_URL/readyz"
}

start_apiserver() {
  local ip=$1
  start_daemon kube-apiserver "$K8S_BIN/kube-apiserver" \
    --etcd-servers "$ETCD_CLIENT_URL" \
    --advertise-address "$ip" \
    --secure-port "$APISERVER_PORT" \
    --client-ca-file "$PKI_DIR/ca.crt" \
    --tls-cert-file "$PKI_DIR/apiserver.crt" \
    --tls-private-key-file "$PKI_DIR/apiserver.key" \
    --kubelet-client-certificate "$PKI_DIR/apiserver-kubelet-client.crt" \
    --kubelet-client-key "$PKI_DIR/apiserver-kubelet-client.key" \
    --kubelet-certificate-authority "$PKI_DIR/ca.crt" \
    --kubelet-preferred-address-types InternalIP,Hostname \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$PKI_DIR/sa.pub" \
    --service-account-signing-key-file "$PKI_DIR/sa.key" \
    --service-cluster-ip-range "$SERVICE_CIDR" \
    --authorization-mode Node,RBAC \
    --enable-admission-plugins NodeRestriction \
    --allow-privileged=true \
    --profiling=false \
    --v 1
  wait_for 120 "kube-apiserver /readyz" apiserver_ready
}

# A fresh controller-manager can miss the first chance to bind the pre-bound work claim; it then
# waits for the binder's periodic sync (15 s by default, seen to cost up to 30 s per up).
# --enable-hostpath-provisioner: the dynamic provisioner behind StorageClass container-hooks-dynamic
# (ARC's ephemeral work volumes, manifests/storage-class.yaml). One started by an older up lacks
# it and is restarted.
start_controller_manager() {
  if pid_alive kube-controller-manager &&
    ! tr '\0' ' ' <"/proc/$(cat "$RUN_DIR/kube-controller-manager.pid")/cmdline" | grep -- --enable-hostpath-provisioner >/dev/null; then
    log "restarting kube-controller-manager with the host-path provisioner"
    stop_daemon kube-controller-manager
  fi
  start_daemon kube-controller-manager "$K8S_BIN/kube-controller-manager" \
    --kubeconfig "$CONF_DIR/controller-manager.kubeconfig" \
    --authentication-kubeconfig "$CONF_DIR/controller-manager.kubeconfig" \
    --authorization-kubeconfig "$CONF_DIR/controller-manager.kubeconfig" \
    --bind-address 127.0.0.1 \
    --leader-elect=false \
    --use-service-account-credentials=true \
    --root-ca-file "$PKI_DIR/ca.crt" \
    --service-account-private-key-file "$PKI_DIR/sa.key" \
    --cluster-signing-cert-file "$PKI_DIR/ca.crt" \
    --cluster-signing-key-file "$PKI_DIR/ca.key" \
    --service-cluster-ip-range "$SERVICE_CIDR" \
    --pvclaimbinder-sync-period 2s \
    --enable-hostpath-provisioner \
    --profiling=false \
    --v 1
}

start_scheduler() {
  start_daemon kube-scheduler "$K8S_BIN/kube-scheduler" \
    --kubeconfig "$CONF_DIR/scheduler.kubeconfig" \
    --authentication-kubeconfig "$CONF_DIR/scheduler.kubeconfig" \
    --authorization-kubeconfig "$CONF_DIR/scheduler.kubeconfig" \
    --bind-address 127.0.0.1 \
    --leader-elect=false \
    --profiling=false \
    --v 1
}
