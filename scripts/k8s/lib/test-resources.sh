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
  apply_runner_pod "$RUNNER_POD" "$K8S_SCRIPTS/manifests/runner-pod.yaml"
  apply_runner_pod "$RUNNER_COPY_POD" "$K8S_SCRIPTS/manifests/runner-copy-pod.yaml"
}

# Creates a runner pod, or recreates it when its manifest changed since it was created (most pod
# fields are immutable): the pod carries the hash of its manifest as an annotation. Tests use the
# runner pods, so a recreation takes the cluster test lock (HOOKS_TESTS_LOCK_HELD=1: the caller
# holds it) and waits for it at most 2 minutes, keeping the old pod otherwise: up holds its own
# lock meanwhile, and tests hold the test lock for long runs.
apply_runner_pod() {
  local name=$1 manifest=$2 want live
  want="$(fill_in "$manifest" | sha256sum | cut -c1-16) $(awk '/^ *image: */ { sub(/^ *image: */, ""); print; exit }' "$manifest")"
  live=$(kubectl_admin -n "$TEST_NAMESPACE" get pod "$name" --ignore-not-found \
    -o jsonpath='{.metadata.annotations.container-hooks\.test/manifest} {.spec.containers[0].image}')
  if [[ -n $live && $live != "$want" ]]; then
    exec 8>"$TESTS_LOCK"
    if [[ ${HOOKS_TESTS_LOCK_HELD:-} != 1 ]] && ! flock -w 120 8; then
      exec 8>&-
      log "WARNING: runner pod $name is outdated but cluster tests hold $TESTS_LOCK; recreate it later: flock $TESTS_LOCK env HOOKS_TESTS_LOCK_HELD=1 $K8S_SCRIPTS/up"
      wait_for 120 "pod $name to run" pod_running "$name"
      return 0
    fi
    log "recreating runner pod $name: its manifest changed"
    kubectl_admin -n "$TEST_NAMESPACE" delete pod "$name" --wait=true >/dev/null
  fi
  if [[ $live != "$want" ]]; then
    fill_in "$manifest" | kubectl_admin apply -f - >/dev/null
    kubectl_admin -n "$TEST_NAMESPACE" annotate pod "$name" --overwrite \
      "container-hooks.test/manifest=${want%% *}" >/dev/null
  fi
  wait_for 120 "pod $name to run" pod_running "$name"
  exec 8>&-
}
