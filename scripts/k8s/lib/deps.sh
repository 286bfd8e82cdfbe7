# Installs the Debian packages the node needs, only when something is missing. Sourced by up.

# command → Debian package that provides it
declare -A K8S_DEB_PACKAGES=(
  [containerd]=containerd
  [ctr]=containerd
  [runc]=runc
  [iptables]=iptables
  [conntrack]=conntrack
  [openssl]=openssl
  [curl]=curl
  [ip]=iproute2
  [mount]=mount
  [nsenter]=util-linux
)

install_deps() {
  local missing=() cmd
  for cmd in "${!K8S_DEB_PACKAGES[@]}"; do
    command -v "$cmd" >/dev/null 2>&1 || missing+=("${K8S_DEB_PACKAGES[$cmd]}")
  done
  [[ -x $CNI_BIN_DIR/bridge && -x $CNI_BIN_DIR/host-local && -x $CNI_BIN_DIR/portmap ]] ||
    missing+=(containernetworking-plugins)
  ((${#missing[@]} == 0)) && return 0
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  log "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Other scripts (Docker, registry) may be running apt at the same time: wait for its lock.
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
