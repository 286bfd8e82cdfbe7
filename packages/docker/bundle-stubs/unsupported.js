// Stands in for ssh2 (DOCKER_HOST=ssh://) and dockerode's BuildKit session in the bundle.
function unsupported() {
  throw new Error(
    'This container hook bundle does not include SSH engines or BuildKit sessions; use a unix:// or tcp:// DOCKER_HOST'
  )
}
module.exports = unsupported
module.exports.Client = unsupported
