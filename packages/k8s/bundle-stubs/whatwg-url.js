// node-fetch (used by client-node only for its Headers class) falls back to whatwg-url when
// Node has no global URL; every Node the hook supports has one.
module.exports = { URL: globalThis.URL }
