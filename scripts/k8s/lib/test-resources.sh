# The test namespace, the minimal-Role account and its kubeconfig, the runner pod and its work
# volume. Sourced by up.

setup_test_namespace() {
  local manifests="$K8S_SCRIPTS/manifests"
  kubectl_admin create namespace "$TEST_NAMESPACE" --dry-run=client -o yaml | kubectl_admin apply -f - >/dev/null
  wait_for 60 "the default ServiceAccount in $TEST_NAMESPACE" \
    kubectl_admin -n "$TEST_NAMESPACE" get serviceaccount default
  kubectl_admin -n "$TEST_NAMESPACE" apply -f "$manifests/role.yaml" -f "$manifests/hook-account.yaml" >/dev/null
}

hook_token() {
  kubectl_admin -n "$TEST_NAMESPACE" get secret hook-token -o jsonpath='{.data.token}' | base64 -d
}

write_hook_kubeconfig() {
  wait_for 60 "the token of ServiceAccount $HOOK_SA" test -n "$(hook_token)"
  write_kubeconfig "$HOOK_KUBECONFIG" "$HOOK_SA" "$(hook_token)" "$TEST_NAMESPACE"
}

pod_running() {
  [[ $(kubectl_admin -n "$TEST_NAMESPACE" get pod "$1" -o jsonpath='{.status.phase}') == Running ]]
}

fill_in() {
  sed -e "s#@WORK_DIR@#$WORK_DIR#g" -e "s#@NAMESPACE@#$TEST_NAMESPACE#g" -e "s#@NODE_NAME@#$NODE_NAME#g" "$1"
}

claim_bound() {
  [[ $(kubectl_admin -n "$TEST_NAMESPACE" get pvc "$RUNNER_CLAIM" -o jsonpath='{.status.phase}') == Bound ]]
}

create_runner_pod() {
  mkdir -p "$WORK_DIR"
  # The hook runs on the host as root while job pods may run as any user: all must write here.
  chmod 0777 "$WORK_DIR"
  fill_in "$K8S_SCRIPTS/manifests/runner-volume.yaml" | kubectl_admin apply -f - >/dev/null
  # A pod whose claim is still unbound waits for the scheduler's next retry (seconds): bind first.
  wait_for 60 "claim $RUNNER_CLAIM to be bound" claim_bound
  fill_in "$K8S_SCRIPTS/manifests/runner-pod.yaml" | kubectl_admin apply -f - >/dev/null
  wait_for 120 "pod $RUNNER_POD to run" pod_running "$RUNNER_POD"
}
