// node-fetch (used by client-node only for its Headers class) loads `encoding` in a try/catch
// for textConverted(), which the hook never calls. Left external, Node would look for it in
// every node_modules above the bundle at each start, and load it (iconv-lite) where found.
module.exports = {}
