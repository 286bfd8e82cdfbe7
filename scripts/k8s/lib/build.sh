# Builds (once) and caches the Kubernetes, etcd and pause binaries. Sourced by scripts/k8s/up.

K8S_COMPONENTS=(kube-apiserver kube-controller-manager kube-scheduler kubelet kubectl)

# k8s.io/kubernetes replaces every staging module (k8s.io/api, …) with a local folder, so it cannot
# be built as a dependency as is. A wrapper module replaces each with its published v0.Y.Z instead.
write_k8s_wrapper_module() {
  local dir=$1 gomod staging_version go_line
  gomod="$(go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/^\t"GoMod": "\(.*\)",$/\1/p')"
  [[ -f $gomod ]] || die "could not download k8s.io/kubernetes@$K8S_VERSION from the Go module proxy"
  staging_version="v0.${K8S_VERSION#v1.}"
  go_line="$(grep -m1 '^go ' "$gomod")"
  {
    echo "module container-hooks.local/k8s-build"
    echo
    echo "$go_line"
    grep '^godebug ' "$gomod" || true
    echo
    echo "require k8s.io/kubernetes $K8S_VERSION"
    echo
    echo "replace ("
    sed -n 's#^\s*\(k8s\.io/[^ ]*\) => \./staging/.*#\t\1 => \1 '"$staging_version"'#p' "$gomod"
    echo ")"
  } >"$dir/go.mod"
  grep -q "k8s.io/api => k8s.io/api $staging_version" "$dir/go.mod" ||
    die "no staging replace block found in $gomod"
}

k8s_ldflags() {
  local minor=${K8S_VERSION#v1.}
  minor=${minor%%.*}
  local pkg flags="-s -w"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    flags+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
    flags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
  done
  echo "$flags"
}

build_k8s() {
  if [[ -f $K8S_BIN/.complete ]]; then
    log "using cached Kubernetes $K8S_VERSION binaries in $K8S_BIN"
    return 0
  fi
  local dir="$CACHE_DIR/k8s/$K8S_VERSION/build" start=$SECONDS ldflags component
  log "building Kubernetes $K8S_VERSION from the Go module (a few minutes on 2 cores)"
  rm -rf "$dir" "$K8S_BIN.tmp"
  mkdir -p "$dir" "$K8S_BIN.tmp"
  write_k8s_wrapper_module "$dir"
  ldflags="$(k8s_ldflags)"
  for component in "${K8S_COMPONENTS[@]}"; do
    log "  go build $component"
    (cd "$dir" && CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath -tags providerless \
      -ldflags "$ldflags" -o "$K8S_BIN.tmp/$component" "k8s.io/kubernetes/cmd/$component")
  done
  touch "$K8S_BIN.tmp/.complete"
  rm -rf "$K8S_BIN"
  mv "$K8S_BIN.tmp" "$K8S_BIN"
  log "built Kubernetes $K8S_VERSION in $((SECONDS - start))s"
}

# etcd's own modules also replace each other with local folders; the server module is built
# through a wrapper, with its siblings pinned to the same published version.
build_etcd() {
  if [[ -f $ETCD_BIN/.complete ]]; then
    log "using cached etcd $ETCD_VERSION in $ETCD_BIN"
    return 0
  fi
  local dir="$CACHE_DIR/etcd/$ETCD_VERSION/build" start=$SECONDS
  log "building etcd $ETCD_VERSION from the Go module"
  rm -rf "$dir" "$ETCD_BIN.tmp"
  mkdir -p "$dir" "$ETCD_BIN.tmp"
  cat >"$dir/go.mod" <<EOF
module container-hooks.local/etcd-build

go 1.22

require go.etcd.io/etcd/server/v3 $ETCD_VERSION
EOF
  (cd "$dir" && CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath -ldflags "-s -w" \
    -o "$ETCD_BIN.tmp/etcd" go.etcd.io/etcd/server/v3)
  touch "$ETCD_BIN.tmp/.complete"
  rm -rf "$ETCD_BIN"
  mv "$ETCD_BIN.tmp" "$ETCD_BIN"
  log "built etcd $ETCD_VERSION in $((SECONDS - start))s"
}

# Kaniko's go.mod has no replace directives, but `go install …@version` asks the proxy for the
# module's version list (deprecation check), which this machine's proxy refuses: a wrapper module.
build_kaniko() {
  if [[ -f $KANIKO_BIN/.complete ]]; then
    log "using cached Kaniko $KANIKO_VERSION executor in $KANIKO_BIN"
    return 0
  fi
  local dir="$CACHE_DIR/kaniko/$KANIKO_VERSION/build" start=$SECONDS
  local module=github.com/GoogleContainerTools/kaniko
  log "building Kaniko's executor $KANIKO_VERSION from the Go module"
  rm -rf "$dir" "$KANIKO_BIN.tmp"
  mkdir -p "$dir" "$KANIKO_BIN.tmp"
  printf 'module container-hooks.local/kaniko-build\n\ngo 1.24.0\n\nrequire %s %s\n' \
    "$module" "$KANIKO_VERSION" >"$dir/go.mod"
  (cd "$dir" && CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath \
    -ldflags "-s -w -X $module/pkg/version.version=$KANIKO_VERSION" \
    -o "$KANIKO_BIN.tmp/executor" "$module/cmd/executor")
  touch "$KANIKO_BIN.tmp/.complete"
  rm -rf "$KANIKO_BIN"
  mv "$KANIKO_BIN.tmp" "$KANIKO_BIN"
  log "built Kaniko $KANIKO_VERSION in $((SECONDS - start))s"
}

build_pause() {
  local src="$K8S_SCRIPTS/pause"
  local sum
  sum="$(cat "$src/main.go" "$src/go.mod" | sha256sum | cut -c1-16)"
  if [[ -f $PAUSE_BIN/pause && -f $PAUSE_BIN/.source-$sum ]]; then
    return 0
  fi
  log "building the pause binary"
  rm -rf "$PAUSE_BIN"
  mkdir -p "$PAUSE_BIN"
  (cd "$src" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$PAUSE_BIN/pause" .)
  touch "$PAUSE_BIN/.source-$sum"
}

go_minor() { go env GOVERSION 2>/dev/null | sed -n 's/^go1\.\([0-9]*\).*/\1/p'; }

# Kubernetes 1.34 needs Go 1.24+. Use the machine's Go when it is new enough; otherwise fetch
# the Go toolchain from the Go module proxy (module golang.org/toolchain, the same route as
# GOTOOLCHAIN) with any Go at hand, Debian's golang-go included, and cache it.
ensure_go() {
  if ! command -v go >/dev/null && [[ -x /usr/local/go/bin/go ]]; then
    export PATH="/usr/local/go/bin:$PATH"
  fi
  export GOTOOLCHAIN=local
  if command -v go >/dev/null && (($(go_minor || echo 0) >= GO_MIN_MINOR)); then return 0; fi
  local tc="$CACHE_DIR/go-toolchain/$GO_TOOLCHAIN" mod dir
  if [[ ! -x $tc/bin/go ]]; then
    if ! command -v go >/dev/null; then
      log "installing Debian's golang-go to fetch Go $GO_TOOLCHAIN with"
      apt-get -o DPkg::Lock::Timeout=600 update -qq
      DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
        --no-install-recommends golang-go >/dev/null
    fi
    log "fetching Go $GO_TOOLCHAIN from the Go module proxy (the machine's Go is older than 1.$GO_MIN_MINOR)"
    mod="golang.org/toolchain@v0.0.1-$GO_TOOLCHAIN.linux-$(go env GOARCH)"
    dir="$(GOPATH="$CACHE_DIR/go-bootstrap" GOFLAGS=-mod=mod go mod download -json "$mod" |
      sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')"
    [[ -x $dir/bin/go || -f $dir/bin/go ]] || die "could not download $mod from the Go module proxy"
    rm -rf "$tc.tmp"
    mkdir -p "$(dirname "$tc")"
    cp -a "$dir" "$tc.tmp"
    # Module zips carry no file modes: the toolchain's programs need their execute bits back.
    chmod -R u+w "$tc.tmp"
    chmod +x "$tc.tmp"/bin/* "$tc.tmp"/pkg/tool/*/*
    rm -rf "$tc"
    mv "$tc.tmp" "$tc"
  fi
  export PATH="$tc/bin:$PATH"
  log "using Go $(go env GOVERSION) from $tc"
}

build_all() {
  ensure_go
  # Go keeps its module and build caches under HOME, which CI-like environments may not set.
  [[ -n ${HOME:-} ]] || export GOPATH="$CACHE_DIR/go" GOCACHE="$CACHE_DIR/go-build"
  build_pause
  build_etcd
  build_k8s
  build_kaniko
}
