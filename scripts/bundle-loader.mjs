// Wraps the bundled hook in a loader that keeps V8's compiled code between runs. The runner
// starts the hook once per step, and most of a cold start is V8 parsing and compiling the
// same ~270 kB again. The code stays in this one file, as a string compiled through
// vm.Script with `cachedData`. The cache sits in a private per-user directory under the OS
// temp dir, one file per hook version and Node version (a runner may switch between its Node 20
// and Node 24), and V8 itself rejects a cache made by another node or for another source. V8 does
// not check the data itself, and a cache with a few flipped bytes crashes the process: the
// file starts with a CRC-32 of the data, and a cache that does not match it is not used.
//
// With a `front` (a package's small entry, e.g. the Kubernetes hook's step-helper client), the
// front runs first, compiled as plain code, and loads the hook only when it needs it, through
// `loadHook()`, which returns the hook's exports: a step that does not need the hook does not
// pay for reading its cache. The front is a string too, compiled by `new Function`, so that a
// Node too old for its syntax still reaches the banner's one clear line.
import { createHash } from 'node:crypto'

/**
 * `banner` stays first and outside, so an old Node still gets its one clear error line.
 * `identity` is what `node index.js --version` prints, without loading the hook.
 */
export function withCompileCache(banner, code, front, identity) {
  const key = createHash('sha256').update(code).digest('hex').slice(0, 24)
  return `${banner}
"use strict";
(function () {
if (process.argv[2] === "--version") {
  process.stdout.write(${JSON.stringify(identity + '\n')});
  return;
}
function loadHook() {
  var vm = require("vm"), fs = require("fs"), path = require("path"), os = require("os"), zlib = require("zlib");
  var canCheck = typeof zlib.crc32 === "function";
  var code = ${JSON.stringify(code)};
  var uid = typeof process.getuid === "function" ? process.getuid() : -1;
  var dir = path.join(os.tmpdir(), "container-hooks-cache-" + uid);
  var file = path.join(dir, "${key}-" + process.version + "-" + process.arch + ".v8");
  var cached;
  try {
    // Only a directory that this user alone can write is trusted.
    var st = fs.lstatSync(dir);
    if (canCheck && st.isDirectory() && st.uid === uid && (st.mode & 63) === 0) {
      var raw = fs.readFileSync(file);
      if (raw.length > 4 && raw.readUInt32BE(0) === zlib.crc32(raw.subarray(4))) cached = raw.subarray(4);
    }
  } catch (e) {}
  var script = new vm.Script("(function (exports, require, module, __filename, __dirname) {" + code + "\\n})", {
    filename: __filename,
    cachedData: cached
  });
  if (canCheck && (cached === undefined || script.cachedDataRejected)) {
    // At exit, so that the functions compiled while the hook ran are in the cache too.
    process.once("exit", function () {
      try {
        fs.mkdirSync(dir, { recursive: true, mode: 448 });
        var tmp = file + "." + process.pid + ".tmp";
        var data = script.createCachedData(), sum = Buffer.alloc(4);
        sum.writeUInt32BE(zlib.crc32(data), 0);
        fs.writeFileSync(tmp, Buffer.concat([sum, data]), { mode: 384 });
        fs.renameSync(tmp, file);
        // Caches of earlier versions of the hook are never read again. Those of this version
        // made by another Node stay: one runner may run steps on Node 20 and on Node 24.
        fs.readdirSync(dir).forEach(function (name) {
          if (/\\.v8$/.test(name) && name.indexOf("${key}-") !== 0) fs.rmSync(path.join(dir, name), { force: true });
        });
      } catch (e) {}
    });
  }
  var hook = { exports: {} };
  script.runInThisContext().call(hook.exports, hook.exports, require, hook, __filename, __dirname);
  return hook.exports;
}
${front === undefined ? 'loadHook();' : `new Function("loadHook", "require", "module", "exports", "__filename", "__dirname", ${JSON.stringify(front)})(loadHook, require, module, exports, __filename, __dirname);`}
})();
`
}
