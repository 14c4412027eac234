// Keeps sitegen's document cache (.sitegen-cache/) from one Netlify build to the next, so
// a nightly build reads only the PDFs that changed instead of every one (see README.md,
// "Deploying with Netlify"). Netlify starts each build on a fresh machine, so without this
// every build is a cold one. It also carries the settings of the last build
// (last-built-settings.yaml), which stand in if a later sitegen.yaml cannot be read.
//
// CommonJS, so that this folder needs no package.json of its own; it uses only Node's
// own modules and the `utils.cache` that Netlify hands to every plugin.
//
// Every failure here is logged and the build goes on: sitegen then reads every PDF again
// and builds the same site (only a broken sitegen.yaml then has no settings to stand in).

'use strict'

const fs = require('fs')
const path = require('path')

const CACHE = '.sitegen-cache'
// The output the last build replaced, kept to be made into the next one. It only helps on
// the machine that made it, and it holds the previous site (copies of its PDFs), so it is
// never saved.
const LEFT_OUT = 'previous-output'

function say(line) {
  console.log(`sitegen: ${line}`)
}

function reason(error) {
  return (error && error.message) || String(error)
}

async function onPreBuild({ utils }) {
  // Paths are relative to the base directory, where Netlify runs plugins and the build.
  if (fs.existsSync(CACHE)) {
    // Never replace a cache that is already here (a build run on one's own computer).
    say('a document cache is already here, so this build uses it as it is.')
    return
  }
  try {
    if (await utils.cache.restore(CACHE)) {
      say('restored the document cache from the last build.')
    } else {
      say('no document cache yet: this build reads every PDF.')
    }
  } catch (error) {
    // A restore cut short can leave a file half copied, such as a PDF to be published:
    // remove what it wrote (there was no cache here before it), so this build starts cold.
    try {
      fs.rmSync(CACHE, { recursive: true, force: true })
    } catch (removeError) {
      say(`could not remove the half-restored document cache either (${reason(removeError)}).`)
    }
    say(`could not restore the document cache (${reason(error)}), so this build reads every PDF. It is slower, not different.`)
  }
}

async function onPostBuild({ utils }) {
  if (!fs.existsSync(CACHE)) {
    say('no document cache to keep.')
    return
  }
  // previous-output/ is moved out of the cache while it is saved, then put back: nothing
  // is deleted. (The published PDFs in the publish folder are hard links to files in
  // .sitegen-cache/documents/, which are copied, never moved, so the deploy has them.)
  let aside
  try {
    aside = setAside()
  } catch (error) {
    say(`could not leave ${LEFT_OUT}/ out of the document cache (${reason(error)}), so it is not kept this time; what an earlier build kept stays as it was.`)
    return
  }
  try {
    if (await utils.cache.save(CACHE)) {
      say(`kept the document cache for the next build (without ${LEFT_OUT}/, which only helps on this machine).`)
    } else {
      say('no document cache to keep.')
    }
  } catch (error) {
    say(`could not keep the document cache (${reason(error)}), so the next build reads every PDF again. This build and its deploy are not affected.`)
    // A save cut short may have kept half of the cache: drop it, so the next build starts cold.
    try {
      await utils.cache.remove(CACHE)
    } catch (removeError) {
      say(`could not remove what was kept of the document cache either (${reason(removeError)}).`)
    }
  } finally {
    putBack(aside)
  }
}

// Move .sitegen-cache/previous-output/ to a new folder beside .sitegen-cache (the same disk,
// so it is only renamed). Returns that folder, or null when there was nothing to move.
function setAside() {
  const source = path.join(CACHE, LEFT_OUT)
  if (!fs.existsSync(source)) {
    return null
  }
  const holder = fs.mkdtempSync(path.join(path.dirname(path.resolve(CACHE)), '.sitegen-cache-aside-'))
  try {
    fs.renameSync(source, path.join(holder, LEFT_OUT))
  } catch (error) {
    fs.rmdirSync(holder)
    throw error
  }
  return holder
}

function putBack(holder) {
  if (holder === null) {
    return
  }
  try {
    fs.renameSync(path.join(holder, LEFT_OUT), path.join(CACHE, LEFT_OUT))
    fs.rmdirSync(holder)
  } catch (error) {
    say(`could not put ${LEFT_OUT}/ back into the document cache (${reason(error)}); the next build on this machine is slower, not different.`)
  }
}

module.exports = { onPreBuild, onPostBuild }
