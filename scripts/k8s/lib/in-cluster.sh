# What a hook running INSIDE a pod needs, as under actions-runner-controller: the API server at
# the `kubernetes` Service, and a StorageClass with a dynamic provisioner for ARC's ephemeral work
# volumes. Sourced by up (and down for the removal).
#
# In-cluster clients use KUBERNETES_SERVICE_HOST:KUBERNETES_SERVICE_PORT, the Service's ClusterIP
# ($FIRST_SERVICE_IP:443). Without kube-proxy nothing routes it: one DNAT rule does kube-proxy's
# job for this one Service, to the address the API server advertises (its endpoint).

APISERVER_CHAIN=CHOOKS-APISERVER
# Where kube-controller-manager's host-path provisioner creates volumes (fixed in Kubernetes).
HOSTPATH_PROVISIONER_DIR=/tmp/hostpath_pv

expose_apiserver_to_pods() {
  local ip=$1
  iptables -w -t nat -N "$APISERVER_CHAIN" 2>/dev/null || true
  # Replaced as a whole: the node's address may have changed since the last up.
  iptables -w -t nat -F "$APISERVER_CHAIN"
  iptables -w -t nat -A "$APISERVER_CHAIN" -d "$FIRST_SERVICE_IP" -p tcp --dport 443 \
    -j DNAT --to-destination "$ip:$APISERVER_PORT"
  iptables -w -t nat -C PREROUTING -i "$CNI_BRIDGE" -j "$APISERVER_CHAIN" 2>/dev/null ||
    iptables -w -t nat -I PREROUTING 1 -i "$CNI_BRIDGE" -j "$APISERVER_CHAIN"
}

remove_apiserver_exposure() {
  iptables -w -t nat -D PREROUTING -i "$CNI_BRIDGE" -j "$APISERVER_CHAIN" 2>/dev/null || true
  iptables -w -t nat -F "$APISERVER_CHAIN" 2>/dev/null && iptables -w -t nat -X "$APISERVER_CHAIN" 2>/dev/null || true
}

create_dynamic_storage_class() {
  kubectl_admin apply -f "$K8S_SCRIPTS/manifests/storage-class.yaml" >/dev/null
}

# Volumes the provisioner made for claims that outlived the cluster (the controller-manager
# deletes them with their claim while it runs).
remove_provisioned_volumes() {
  rm -rf "$HOSTPATH_PROVISIONER_DIR"
}
