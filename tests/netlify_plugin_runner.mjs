// Runs one event of the local Netlify build plugin (plugins/sitegen-cache) as Netlify
// would, in the current folder, for tests/test_netlify_cache_plugin.py.
//
// Usage: node netlify_plugin_runner.mjs PLUGIN_FOLDER EVENT CACHE_UTILS [NETLIFY_CACHE_FOLDER]
//   EVENT        onPreBuild or onPostBuild
//   CACHE_UTILS  real:   Netlify's own @netlify/cache-utils, keeping its cache in NETLIFY_CACHE_FOLDER
//                throws: every method throws, as a cache that is not there might
//                half:   restore writes part of a file, then fails; save fails; remove says it was called
// Exits 0 when the event's promise resolved, 1 (with the error) when it rejected.

import { createRequire } from 'node:module'
import fs from 'node:fs'
import path from 'node:path'

const [pluginFolder, event, kind, cacheFolder] = process.argv.slice(2)
const require = createRequire(import.meta.url)
const plugin = require(path.resolve(pluginFolder, 'index.js'))

let cache
if (kind === 'real') {
  const { bindOpts } = await import('@netlify/cache-utils')
  cache = bindOpts({ cacheDir: cacheFolder })
} else if (kind === 'throws') {
  const fail = () => {
    throw new Error('the cache is not available')
  }
  cache = { restore: fail, save: fail, remove: fail, has: fail, list: fail }
} else if (kind === 'half') {
  cache = {
    restore: async (where) => {
      fs.mkdirSync(path.join(where, 'documents'), { recursive: true })
      fs.writeFileSync(path.join(where, 'documents', 'half.published-1.pdf'), '%PDF-1.7\n')
      throw new Error('the disk is full')
    },
    save: async () => {
      throw new Error('the disk is full')
    },
    remove: async (where) => {
      console.log(`runner: remove ${where}`)
      return true
    },
  }
} else {
  console.error(`runner: unknown cache utils ${kind}`)
  process.exit(2)
}

try {
  await plugin[event]({ utils: { cache }, constants: {}, inputs: {} })
} catch (error) {
  console.error(`runner: ${event} rejected: ${error && error.stack}`)
  process.exit(1)
}
