'use strict';
// Verification of the eval task json5-proto-key (hidden from the agent): fails on json5@2.2.1, passes on json5@2.2.2.
const assert = require('node:assert/strict');
const { test } = require('node:test');

const JSON5 = require('./');

test('__proto__ is an own property, not the prototype', () => {
  const parsed = JSON5.parse('{"__proto__": {"isAdmin": true}}');
  assert.equal(parsed.isAdmin, undefined);
  assert.equal(Object.getPrototypeOf(parsed), Object.prototype);
  assert.deepEqual(Object.keys(parsed), ['__proto__']);
});
