# The kubelet and the wait for a Ready node. Sourced by up.

write_kubelet_config() {
  cat >"$CONF_DIR/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
containerRuntimeEndpoint: unix://$CONTAINERD_SOCK
cgroupDriver: cgroupfs
failSwapOn: false
authentication:
  anonymous:
    enabled: false
  webhook:
    enabled: true
  x509:
    clientCAFile: $PKI_DIR/ca.crt
authorization:
  mode: Webhook
tlsCertFile: $PKI_DIR/kubelet-serving.crt
tlsPrivateKeyFile: $PKI_DIR/kubelet-serving.key
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
clusterDomain: cluster.local
podCIDR: $POD_CIDR
# Test images exist only locally: never garbage-collect them, whatever the disk usage.
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
imageMinimumGCAge: 87600h
evictionHard:
  memory.available: 100Mi
  nodefs.available: 1%
  imagefs.available: 1%
  nodefs.inodesFree: 1%
serializeImagePulls: false
maxPods: 110
EOF
}

start_kubelet() {
  local ip=$1
  mkdir -p "$STATE_DIR/kubelet"
  write_kubelet_config
  start_daemon kubelet "$K8S_BIN/kubelet" \
    --config "$CONF_DIR/kubelet.yaml" \
    --kubeconfig "$CONF_DIR/kubelet.kubeconfig" \
    --root-dir "$STATE_DIR/kubelet" \
    --hostname-override "$NODE_NAME" \
    --node-ip "$ip" \
    --v 1
}

node_ready() {
  [[ $(kubectl_admin get node "$NODE_NAME" \
    -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}') == True ]]
}

default_sa_exists() {
  kubectl_admin -n default get serviceaccount default
}
