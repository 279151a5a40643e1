'use strict';
// Verification of the eval task ini-proto-section (hidden from the agent): fails on ini@1.3.5, passes on ini@1.3.6.
const assert = require('node:assert/strict');
const { test } = require('node:test');

const ini = require('./');

test('__proto__ sections and keys do not reach Object.prototype', () => {
  const parsed = ini.parse('[__proto__]\npolluted = 1\n[a]\nb = 1\n');
  assert.equal(({}).polluted, undefined);
  assert.deepEqual(JSON.parse(JSON.stringify(parsed)), { a: { b: '1' } });
  ini.parse('__proto__ = 2\n');
  assert.equal(Object.getPrototypeOf({}), Object.prototype);
});
