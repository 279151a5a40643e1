// `npm install`'s preinstall step: tree-sitter's runtime is built from source wherever its
// prebuilt binary does not load (an older libstdc++, as on Debian 12), and node-gyp then
// needs the Node.js headers, which it otherwise downloads from nodejs.org. Offline, that
// ends in a download error deep in node-gyp's output; this says what to do instead.
// Passes when the headers are on disk (npm's nodedir, or node-gyp's cache), when a proxy
// is configured (node-gyp's business), or when the download URL (nodejs.org or the
// configured mirror) answers.
import { existsSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { homedir } from 'node:os';
import { join } from 'node:path';

const env = process.env;
const version = process.versions.node;
// Where node-gyp downloads them: a mirror when one is configured, else this build's URL
// (distributions' builds may leave `headersUrl` out; node-gyp then uses nodejs.org's).
const mirror = env.npm_config_disturl || env.NODEJS_ORG_MIRROR;
const headersUrl = mirror
  ? `${mirror.replace(/\/+$/, '')}/v${version}/node-v${version}-headers.tar.gz`
  : (process.release.headersUrl ?? `https://nodejs.org/download/release/v${version}/node-v${version}-headers.tar.gz`);

/** Where node-gyp looks for headers, in its order: `nodedir`, then its cache (devdir). */
function headersOnDisk() {
  const nodedir = env.npm_config_nodedir;
  if (nodedir && (existsSync(join(nodedir, 'include', 'node', 'common.gypi')) || existsSync(join(nodedir, 'common.gypi')))) return nodedir;
  const cache = env.npm_config_devdir || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'node-gyp');
  const cached = join(cache, version);
  return existsSync(join(cached, 'include', 'node', 'common.gypi')) ? cached : undefined;
}

/** Whether the headers' download URL answers within a few seconds. */
function reachable(url) {
  return new Promise((resolve) => {
    const request = url.startsWith('http:') ? httpRequest : httpsRequest;
    const probe = request(url, { method: 'HEAD', timeout: 5000 }, (response) => {
      response.resume();
      resolve((response.statusCode ?? 500) < 400);
    });
    probe.on('timeout', () => probe.destroy());
    probe.on('error', () => resolve(false));
    probe.end();
  });
}

const advice = `
minions: building tree-sitter's runtime needs the Node.js ${version} headers, and node-gyp can
neither find them on this machine nor download them (${headersUrl}).
Have them locally, then run npm install again:
  - Debian/Ubuntu with Debian's nodejs: apt-get install libnode-dev (NodeSource's nodejs ships
    them already), then: npm config set nodedir /usr   (or: npm_config_nodedir=/usr npm install)
  - any system: copy node-v${version}-headers.tar.gz from a machine with network, unpack it and
    set nodedir to the unpacked folder (npm config set nodedir <folder>)
If tree-sitter's prebuilt binary loads on this system (a recent libstdc++), no headers are
needed: skip this check with MINIONS_SKIP_HEADERS_CHECK=1.
`;

const skip = env.MINIONS_SKIP_HEADERS_CHECK === '1';
// Behind a proxy, this probe (no proxy support) proves nothing: node-gyp, which uses it, decides.
const delegated = [env.npm_config_proxy, env.npm_config_https_proxy, env.https_proxy, env.HTTPS_PROXY].some(Boolean);
if (!skip && !headersOnDisk() && !delegated && !(await reachable(headersUrl))) {
  process.stderr.write(advice);
  process.exit(1);
}
