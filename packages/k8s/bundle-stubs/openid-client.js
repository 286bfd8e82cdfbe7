// Stands in for openid-client, used by client-node only for kubeconfig users with the deprecated
// `auth-provider: oidc`: loading it initialises WebCrypto, which alone costs ~70 ms per hook start.
function unsupported() {
  throw new Error(
    'This container hook bundle does not support kubeconfig `auth-provider: oidc`; use a ServiceAccount token, a client certificate or an exec credential plugin'
  )
}
module.exports = { discovery: unsupported, refreshTokenGrant: unsupported }
