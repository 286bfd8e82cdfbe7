# One CA and the certificates the node needs, made with openssl. Sourced by up.

# new_cert NAME SUBJECT [SANS] [EXTENDED_KEY_USAGE]
new_cert() {
  local name=$1 subject=$2 sans=${3:-} eku=${4:-clientAuth}
  [[ -f $PKI_DIR/$name.crt ]] && return 0
  local args=(-addext "extendedKeyUsage=$eku" -addext "keyUsage=critical,digitalSignature,keyEncipherment")
  [[ -n $sans ]] && args+=(-addext "subjectAltName=$sans")
  openssl req -new -newkey rsa:2048 -nodes -subj "$subject" "${args[@]}" \
    -keyout "$PKI_DIR/$name.key" -out "$PKI_DIR/$name.csr" 2>/dev/null
  openssl x509 -req -in "$PKI_DIR/$name.csr" -CA "$PKI_DIR/ca.crt" -CAkey "$PKI_DIR/ca.key" \
    -CAcreateserial -days 3650 -copy_extensions copy -out "$PKI_DIR/$name.crt" 2>/dev/null
  rm -f "$PKI_DIR/$name.csr"
}

make_pki() {
  local ip=$1
  mkdir -p "$PKI_DIR"
  chmod 700 "$PKI_DIR"
  if [[ ! -f $PKI_DIR/ca.crt ]]; then
    log "creating the cluster CA and certificates"
    openssl req -x509 -new -newkey rsa:2048 -nodes -days 3650 -subj "/CN=container-hooks-ca" \
      -keyout "$PKI_DIR/ca.key" -out "$PKI_DIR/ca.crt" 2>/dev/null
  fi
  new_cert apiserver "/CN=kube-apiserver" \
    "DNS:localhost,DNS:$NODE_NAME,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,IP:127.0.0.1,IP:$ip,IP:$FIRST_SERVICE_IP" \
    serverAuth
  new_cert admin "/O=system:masters/CN=kubernetes-admin"
  new_cert controller-manager "/CN=system:kube-controller-manager"
  new_cert scheduler "/CN=system:kube-scheduler"
  new_cert kubelet "/O=system:nodes/CN=system:node:$NODE_NAME"
  # Exec, attach and logs go apiserver → kubelet; the kubelet authorizes this client through
  # the apiserver, and system:masters may do all of it.
  new_cert apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client"
  new_cert kubelet-serving "/CN=$NODE_NAME" "DNS:localhost,DNS:$NODE_NAME,IP:127.0.0.1,IP:$ip" serverAuth
  if [[ ! -f $PKI_DIR/sa.key ]]; then
    openssl genrsa -out "$PKI_DIR/sa.key" 2048 2>/dev/null
    openssl rsa -in "$PKI_DIR/sa.key" -pubout -out "$PKI_DIR/sa.pub" 2>/dev/null
  fi
}

# write_kubeconfig FILE USER (client cert/key pair in $PKI_DIR) or FILE USER TOKEN
write_kubeconfig() {
  local file=$1 user=$2 token=${3:-} auth
  if [[ -n $token ]]; then
    auth="    token: $token"
  else
    auth="    client-certificate-data: $(base64 -w0 "$PKI_DIR/$user.crt")
    client-key-data: $(base64 -w0 "$PKI_DIR/$user.key")"
  fi
  (umask 077 && cat >"$file.tmp") <<EOF
apiVersion: v1
kind: Config
clusters:
- name: container-hooks
  cluster:
    server: $APISERVER_URL
    certificate-authority-data: $(base64 -w0 "$PKI_DIR/ca.crt")
users:
- name: $user
  user:
$auth
contexts:
- name: $user@container-hooks
  context:
    cluster: container-hooks
    user: $user
    namespace: ${4:-default}
current-context: $user@container-hooks
EOF
  mv "$file.tmp" "$file"
}

make_component_kubeconfigs() {
  mkdir -p "$CONF_DIR"
  local c
  for c in admin controller-manager scheduler kubelet; do
    [[ -f $CONF_DIR/$c.kubeconfig ]] || write_kubeconfig "$CONF_DIR/$c.kubeconfig" "$c"
  done
}
