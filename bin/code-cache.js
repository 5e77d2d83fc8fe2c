// V8's code cache for the CLI's bundles (dist/*.js). Compiling the bundles is much of a short run's time (a pre-commit
// hook's `check` of one migration), and Node 20 keeps no compile cache of its own (`module.enableCompileCache` came in
// Node 22). The cache of a bundle is taken when the process exits, so it also holds the functions the run compiled
// lazily (a cache taken at compile time, as the v8-compile-cache package takes it, holds little more than the top
// level). V8 rejects a cache made by another V8 or with other flags; the file name carries the bundle's size and
// modification time, since V8 itself checks only the source's length.
//
// The cache lives in the user's cache folder (STAGEGATE_CACHE_DIR, or $XDG_CACHE_HOME/stagegate, ~/.cache/stagegate,
// ~/Library/Caches/stagegate, %LOCALAPPDATA%\stagegate); STAGEGATE_CODE_CACHE=off turns it off. Failing to read or
// write it only costs the time it would have saved.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const vm = require('vm');
const Module = require('module');

function cacheFolder() {
  if (process.env.STAGEGATE_CODE_CACHE === 'off') return undefined;
  if (process.env.STAGEGATE_CACHE_DIR) return process.env.STAGEGATE_CACHE_DIR;
  if (process.env.XDG_CACHE_HOME) return path.join(process.env.XDG_CACHE_HOME, 'stagegate');
  if (process.platform === 'win32' && process.env.LOCALAPPDATA) return path.join(process.env.LOCALAPPDATA, 'stagegate');
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library', 'Caches', 'stagegate');
  return path.join(os.homedir(), '.cache', 'stagegate');
}

/**
 * Compiles the files `names` of the folder `bundles` with their cached code, and caches what this run compiled on exit.
 * Only bundles that never call import(): a script compiled through vm has no loader for it.
 */
function useCodeCache(bundles, names) {
  const folder = cacheFolder();
  if (!folder) return;
  const compiled = [];
  const compileJs = Module._extensions['.js'];
  Module._extensions['.js'] = function (module, filename) {
    if (path.dirname(filename) !== bundles || !names.includes(path.basename(filename))) return compileJs(module, filename);
    const source = fs.readFileSync(filename, 'utf8');
    const stat = fs.statSync(filename);
    const name = path.basename(filename, '.js');
    const prefix = `${name}-${process.version}-${process.arch}-`;
    const cacheFile = path.join(folder, `${prefix}${stat.size}-${Math.trunc(stat.mtimeMs)}.v8`);
    let cachedData;
    try {
      cachedData = fs.readFileSync(cacheFile);
    } catch {
      cachedData = undefined;
    }
    const script = new vm.Script(Module.wrap(source), { filename, cachedData });
    compiled.push({ script, cacheFile, prefix, stale: cachedData === undefined || script.cachedDataRejected === true });
    const wrapper = script.runInThisContext({ displayErrors: true });
    const require = Module.createRequire(filename);
    wrapper.call(module.exports, module.exports, require, module, filename, path.dirname(filename));
  };
  process.once('exit', () => {
    for (const { script, cacheFile, prefix, stale } of compiled) {
      if (!stale) continue;
      try {
        fs.mkdirSync(folder, { recursive: true });
        // Caches of earlier builds of the same bundle go: only the current one can be used.
        for (const old of fs.readdirSync(folder))
          if (old.startsWith(prefix) && old.endsWith('.v8')) fs.rmSync(path.join(folder, old), { force: true });
        const partial = `${cacheFile}.${process.pid}.tmp`;
        fs.writeFileSync(partial, script.createCachedData());
        fs.renameSync(partial, cacheFile);
      } catch {
        // A read-only or full cache folder: the next run compiles again.
      }
    }
  });
}

module.exports = { useCodeCache };
