// ws tries its optional native addons (bufferutil, utf-8-validate) in a try/catch and uses its
// own JavaScript code when they are missing, as they always are beside a one-file bundle. The
// stub fails the same way without Node searching every node_modules above the bundle.
throw new Error('not part of the bundle')
