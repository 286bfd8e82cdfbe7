/**
 * The hook itself (index.ts), for the bundle's front (front.ts). scripts/bundle-loader.mjs
 * compiles the hook apart from the front, through V8's code cache, and hands the front a
 * `loadHook` that does it and returns the hook's exports: it exists only in the bundle.
 */
import type * as Hook from './index'

declare function loadHook(): typeof Hook

export function hook(): typeof Hook {
  return loadHook()
}
