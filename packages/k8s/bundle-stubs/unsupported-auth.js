// Stands in for libraries client-node needs only for rare kubeconfigs: a socks5:// proxy-url
// (socks-proxy-agent) and the deprecated azure/gcp auth-providers (jsonpath-plus). Leaving them
// out saves ~100 kB of code to compile at every hook start.
function unsupported() {
  throw new Error(
    'This container hook bundle does not support socks5 proxies or the azure/gcp auth-providers in kubeconfig; use a ServiceAccount token, a client certificate, an exec credential plugin or an http(s) proxy'
  )
}
module.exports = { SocksProxyAgent: unsupported, JSONPath: unsupported }
