'use strict';
// Verification of the eval task fresh-invalid-date (hidden from the agent): fails on fresh@0.5.0, passes on fresh@0.5.1.
const assert = require('node:assert/strict');
const { test } = require('node:test');

const fresh = require('./');

test('an unparsable If-Modified-Since is not fresh', () => {
  assert.equal(fresh({ 'if-modified-since': 'foo' }, { 'last-modified': 'Sat, 01 Jan 2000 00:00:00 GMT' }), false);
  assert.equal(fresh({ 'if-modified-since': 'Sat, 01 Jan 2000 01:00:00 GMT' }, { 'last-modified': 'Sat, 01 Jan 2000 00:00:00 GMT' }), true);
});
