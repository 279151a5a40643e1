// Preloaded into the privacy scenario's Node process (NODE_OPTIONS=--import): appends
// the destination of every socket connect, UDP send, DNS lookup and fetch to the file
// MINIONS_CONNECT_LOG names, one JSON line each. strace covers non-Node processes.
import { appendFileSync } from 'node:fs';
import dgram from 'node:dgram';
import dns from 'node:dns';
import net from 'node:net';

const file = process.env.MINIONS_CONNECT_LOG;
const record = (kind, destination) => {
  if (file) appendFileSync(file, `${JSON.stringify({ pid: process.pid, kind, destination })}\n`);
};

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const [first, second] = args;
  const options = Array.isArray(first) ? first[0] : first;
  if (typeof options === 'object' && options !== null) record('tcp', options.path ?? `${options.host ?? 'localhost'}:${options.port}`);
  else if (typeof first === 'string' && !/^\d+$/.test(first)) record('unix', first);
  else record('tcp', `${typeof second === 'string' ? second : 'localhost'}:${first}`);
  return connect.apply(this, args);
};
const send = dgram.Socket.prototype.send;
dgram.Socket.prototype.send = function (...args) {
  const port = args.find((value, index) => index > 0 && typeof value === 'number' && index >= 1);
  const host = args.find((value, index) => index > 0 && typeof value === 'string');
  record('udp', `${host ?? '?'}:${port ?? '?'}`);
  return send.apply(this, args);
};
const lookup = dns.lookup;
dns.lookup = function (hostname, ...rest) {
  record('dns', hostname);
  return lookup.call(this, hostname, ...rest);
};
const lookupPromise = dns.promises.lookup;
dns.promises.lookup = function (hostname, ...rest) {
  record('dns', hostname);
  return lookupPromise.call(this, hostname, ...rest);
};
if (typeof globalThis.fetch === 'function') {
  const fetch = globalThis.fetch;
  globalThis.fetch = function (input, init) {
    record('fetch', typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    return fetch.call(this, input, init);
  };
}
