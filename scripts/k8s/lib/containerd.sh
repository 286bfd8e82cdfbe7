# The node's own containerd (not Docker's), its CNI network and image imports. Sourced by up.

write_containerd_config() {
  mkdir -p "$CONF_DIR/containerd/certs.d/127.0.0.1:5000" "$STATE_DIR/containerd" "$RUN_DIR/containerd"
  cat >"$CONF_DIR/containerd/config.toml" <<EOF
version = 2
root = "$STATE_DIR/containerd/root"
state = "$RUN_DIR/containerd/state"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper"]

[grpc]
  address = "$CONTAINERD_SOCK"

[ttrpc]
  address = "$CONTAINERD_SOCK.ttrpc"

[plugins."io.containerd.internal.v1.opt"]
  path = "$STATE_DIR/containerd/opt"

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  # The VM lacks CAP_SYS_RESOURCE: without this every sandbox fails with
  # "can't get final child's PID from pipe: EOF".
  restrict_oom_score_adj = true
  netns_mounts_under_state_dir = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "$CNI_BIN_DIR"
    conf_dir = "$CNI_CONF_DIR"
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = "$CONF_DIR/containerd/certs.d"
EOF
  # The test registry (scripts/registry/up) serves plain HTTP.
  cat >"$CONF_DIR/containerd/certs.d/127.0.0.1:5000/hosts.toml" <<EOF
server = "http://127.0.0.1:5000"

[host."http://127.0.0.1:5000"]
  capabilities = ["pull", "resolve"]
EOF
}

write_cni_config() {
  mkdir -p "$CNI_CONF_DIR" "$STATE_DIR/cni/networks"
  cat >"$CNI_CONF_DIR/10-container-hooks.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "container-hooks",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$CNI_BRIDGE",
      "isGateway": true,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "dataDir": "$STATE_DIR/cni/networks",
        "ranges": [[{ "subnet": "$POD_CIDR" }]],
        "routes": [{ "dst": "0.0.0.0/0" }]
      }
    },
    { "type": "portmap", "capabilities": { "portMappings": true } }
  ]
}
EOF
}

# Docker sets the FORWARD policy to DROP and loads br_netfilter, which would drop pod-to-pod
# traffic on our bridge. Our own chain makes it easy to remove again.
allow_bridge_forwarding() {
  iptables -w -N CHOOKS-FORWARD 2>/dev/null || true
  iptables -w -C CHOOKS-FORWARD -i "$CNI_BRIDGE" -j ACCEPT 2>/dev/null ||
    iptables -w -A CHOOKS-FORWARD -i "$CNI_BRIDGE" -j ACCEPT
  iptables -w -C CHOOKS-FORWARD -o "$CNI_BRIDGE" -j ACCEPT 2>/dev/null ||
    iptables -w -A CHOOKS-FORWARD -o "$CNI_BRIDGE" -j ACCEPT
  iptables -w -C FORWARD -j CHOOKS-FORWARD 2>/dev/null || iptables -w -I FORWARD 1 -j CHOOKS-FORWARD
  sysctl -qw net.ipv4.ip_forward=1
}

ctr_k8s() { ctr --address "$CONTAINERD_SOCK" -n k8s.io "$@"; }

# Not `ctr … | grep -q`: grep stops reading at the first match, ctr dies of SIGPIPE on its next
# line, and pipefail turns a found image into a missing one.
has_image() { ctr_k8s images ls -q | grep -x -- "$1" >/dev/null; }

start_containerd() {
  write_containerd_config
  write_cni_config
  allow_bridge_forwarding
  start_daemon containerd containerd --config "$CONF_DIR/containerd/config.toml"
  wait_for 30 "containerd" ctr --address "$CONTAINERD_SOCK" version
}

import_pause_image() {
  has_image "$PAUSE_IMAGE" && return 0
  log "importing the pause image as $PAUSE_IMAGE"
  local dir
  dir="$(mktemp -d)"
  mkdir -p "$dir/rootfs"
  cp "$PAUSE_BIN/pause" "$dir/rootfs/pause"
  make_oci_archive "$dir" /pause >"$dir/pause.tar"
  ctr_k8s images import "$dir/pause.tar" >/dev/null
  rm -rf "$dir"
  has_image "$PAUSE_IMAGE" || die "pause image import failed"
}

# make_oci_archive DIR ENTRYPOINT: prints an OCI image archive of DIR/rootfs, named $PAUSE_IMAGE.
make_oci_archive() {
  local dir=$1 entrypoint=$2 layer_sha layer_size config_sha config_size manifest_sha manifest_size
  mkdir -p "$dir/oci/blobs/sha256"
  tar -C "$dir/rootfs" --owner=0 --group=0 --numeric-owner --mtime=@0 -cf "$dir/layer.tar" .
  layer_sha="$(sha256sum "$dir/layer.tar" | cut -d' ' -f1)"
  layer_size="$(stat -c %s "$dir/layer.tar")"
  mv "$dir/layer.tar" "$dir/oci/blobs/sha256/$layer_sha"
  printf '{"architecture":"amd64","os":"linux","config":{"Entrypoint":["%s"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
    "$entrypoint" "$layer_sha" >"$dir/config.json"
  config_sha="$(sha256sum "$dir/config.json" | cut -d' ' -f1)"
  config_size="$(stat -c %s "$dir/config.json")"
  mv "$dir/config.json" "$dir/oci/blobs/sha256/$config_sha"
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%s}]}' \
    "$config_sha" "$config_size" "$layer_sha" "$layer_size" >"$dir/manifest.json"
  manifest_sha="$(sha256sum "$dir/manifest.json" | cut -d' ' -f1)"
  manifest_size="$(stat -c %s "$dir/manifest.json")"
  mv "$dir/manifest.json" "$dir/oci/blobs/sha256/$manifest_sha"
  printf '{"imageLayoutVersion":"1.0.0"}' >"$dir/oci/oci-layout"
  printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"io.containerd.image.name":"%s","org.opencontainers.image.ref.name":"%s"}}]}' \
    "$manifest_sha" "$manifest_size" "$PAUSE_IMAGE" "${PAUSE_IMAGE##*:}" >"$dir/oci/index.json"
  tar -C "$dir/oci" -cf - .
}

# Imports the Docker-built test images, skipping those whose image ID is already there, and
# drops the previous version of a re-imported tag so rebuilt images don't pile up.
import_test_images() {
  local ref id marker old marker_dir="$STATE_DIR/imported"
  mkdir -p "$marker_dir"
  while read -r ref id; do
    marker="$marker_dir/$(echo "$ref" | tr '/:' '__')"
    old="$(cat "$marker" 2>/dev/null || true)"
    if [[ $old == "$id" ]] && has_image "docker.io/$ref"; then
      continue
    fi
    log "importing $ref (${id:7:12}) into the node's containerd"
    docker save "$ref" | ctr_k8s images import - >/dev/null
    echo "$id" >"$marker"
    if [[ -n $old && $old != "$id" ]]; then
      ctr_k8s images rm "$old" >/dev/null 2>&1 || true
    fi
  done < <(docker images --no-trunc --format '{{.Repository}}:{{.Tag}} {{.ID}}' 'container-hooks-test/*' | grep -E '^[^ ]+:1 ')
}
