'use strict';
// Verification of the eval task fresh-multiple-etags (hidden from the agent): fails on fresh@0.5.1, passes on fresh@0.5.2.
const assert = require('node:assert/strict');
const { test } = require('node:test');

const fresh = require('./');

test('any ETag of the list matches', () => {
  assert.equal(fresh({ 'if-none-match': '"foo", "bar"' }, { etag: '"bar"' }), true);
  assert.equal(fresh({ 'if-none-match': '"foo","bar"' }, { etag: '"bar"' }), true);
  assert.equal(fresh({ 'if-none-match': '"foo", "bar"' }, { etag: '"baz"' }), false);
});
