'use strict';
// Verification of the eval task qs-proto-key (hidden from the agent): fails on qs@6.5.2, passes on qs@6.5.3.
const assert = require('node:assert/strict');
const { test } = require('node:test');

const qs = require('./');

test('__proto__ keys are ignored', () => {
  const parsed = qs.parse('a[__proto__][b]=c', { allowPrototypes: true });
  assert.equal(parsed.a.b, undefined);
  assert.deepEqual(qs.parse('a[b]=c'), { a: { b: 'c' } });
});
