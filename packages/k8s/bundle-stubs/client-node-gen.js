// Stands in for @kubernetes/client-node's generated API (every model and API class) in the
// bundle: the hook only uses KubeConfig for credentials and never calls makeApiClient().
function unused() {
  throw new Error('The container hook bundle does not include the generated Kubernetes API client')
}
module.exports = { createConfiguration: unused, ServerConfiguration: unused }
