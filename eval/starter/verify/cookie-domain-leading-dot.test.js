'use strict';
// Verification of the eval task cookie-domain-leading-dot (hidden from the agent): fails on cookie@0.7.0, passes on cookie@0.7.1.
const assert = require('node:assert/strict');
const { test } = require('node:test');

const cookie = require('./');

test('a domain with a leading dot is accepted', () => {
  assert.equal(cookie.serialize('a', 'b', { domain: '.example.com' }), 'a=b; Domain=.example.com');
  assert.equal(cookie.serialize('a', 'b', { domain: 'example.com' }), 'a=b; Domain=example.com');
  assert.throws(() => cookie.serialize('a', 'b', { domain: 'example.com\n' }), TypeError);
});
