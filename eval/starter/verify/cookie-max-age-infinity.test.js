'use strict';
// Verification of the eval task cookie-max-age-infinity (hidden from the agent): fails on cookie@0.4.0, passes on cookie@0.4.1.
const assert = require('node:assert/strict');
const { test } = require('node:test');

const cookie = require('./');

test('a maxAge that is not finite is rejected', () => {
  assert.throws(() => cookie.serialize('a', 'b', { maxAge: Infinity }), TypeError);
  assert.throws(() => cookie.serialize('a', 'b', { maxAge: -Infinity }), TypeError);
  assert.equal(cookie.serialize('a', 'b', { maxAge: 3 }), 'a=b; Max-Age=3');
});
