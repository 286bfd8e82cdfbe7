# The test registry for Dockerfile actions. Sourced by up (and down for the removal).
#
# scripts/registry/up serves 127.0.0.1:5000 on the host: the kubelet pulls from there, but pods
# cannot reach the host's loopback. Builder pods push to the bridge's own address instead
# ($REGISTRY_POD_ADDR), which a DNAT rule sends to the registry on 127.0.0.1:5000 (ADR 0034's
# separate push and pull hosts). route_localnet lets packets from the bridge be routed to a
# loopback address; the OUTPUT rule gives the hook on the host the same address.

expose_registry_to_pods() {
  local chain=CHOOKS-REGISTRY
  iptables -w -t nat -N "$chain" 2>/dev/null || true
  iptables -w -t nat -C "$chain" -d "$POD_GATEWAY" -p tcp --dport 5000 -j DNAT --to-destination "$REGISTRY_HOST_ADDR" 2>/dev/null ||
    iptables -w -t nat -A "$chain" -d "$POD_GATEWAY" -p tcp --dport 5000 -j DNAT --to-destination "$REGISTRY_HOST_ADDR"
  iptables -w -t nat -C PREROUTING -i "$CNI_BRIDGE" -j "$chain" 2>/dev/null ||
    iptables -w -t nat -I PREROUTING 1 -i "$CNI_BRIDGE" -j "$chain"
  iptables -w -t nat -C OUTPUT -o lo -j "$chain" 2>/dev/null ||
    iptables -w -t nat -I OUTPUT 1 -o lo -j "$chain"
  # The bridge exists once the first pod (the runner pod) has a network.
  sysctl -qw "net.ipv4.conf.$CNI_BRIDGE.route_localnet=1"
}

remove_registry_exposure() {
  local chain=CHOOKS-REGISTRY
  iptables -w -t nat -D PREROUTING -i "$CNI_BRIDGE" -j "$chain" 2>/dev/null || true
  iptables -w -t nat -D OUTPUT -o lo -j "$chain" 2>/dev/null || true
  iptables -w -t nat -F "$chain" 2>/dev/null && iptables -w -t nat -X "$chain" 2>/dev/null || true
}

# The kubernetes.io/dockerconfigjson secret of ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_REGISTRY_SECRET_NAME:
# the same credentials for the push address (builder pods) and the pull address (the kubelet).
create_registry_secret() {
  local state="${HOOKS_STATE_DIR:-/var/lib/container-hooks}/registry" auth
  auth="$(printf '%s:%s' "$(cat "$state/user")" "$(cat "$state/password")" | base64 -w0)"
  # Through stdin: the credentials never go on a command line or into a file.
  printf '{"auths":{"%s":{"auth":"%s"},"%s":{"auth":"%s"}}}' \
    "$REGISTRY_HOST_ADDR" "$auth" "$REGISTRY_POD_ADDR" "$auth" |
    kubectl_admin -n "$TEST_NAMESPACE" create secret docker-registry "$REGISTRY_SECRET" \
      --from-file=.dockerconfigjson=/dev/stdin --dry-run=client -o yaml |
    kubectl_admin apply -f - >/dev/null
}

# The registry answers 401 (it wants credentials) on the bridge address (from the host here;
# the Dockerfile-action tests check it from pods).
registry_on_bridge() {
  [[ $(curl -s -o /dev/null -w '%{http_code}' "http://$REGISTRY_POD_ADDR/v2/") == 401 ]]
}
