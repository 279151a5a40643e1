'use strict';
// Verification of the eval task encodeurl-trailing-percent (hidden from the agent): fails on encodeurl@1.0.1, passes on encodeurl@1.0.2.
const assert = require('node:assert/strict');
const { test } = require('node:test');

const encodeUrl = require('./');

test('a lone % at the end is encoded', () => {
  assert.equal(encodeUrl('foo%'), 'foo%25');
  assert.equal(encodeUrl('%'), '%25');
  assert.equal(encodeUrl('foo%20bar'), 'foo%20bar');
});
