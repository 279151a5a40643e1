'use strict';
// Verification of the eval task minimist-prototype-pollution (hidden from the agent): fails on minimist@1.2.5, passes on minimist@1.2.6.
const assert = require('node:assert/strict');
const { test } = require('node:test');

const minimist = require('./');

test('dotted keys cannot reach prototypes', () => {
  minimist(['--_.constructor.constructor.prototype.foo', 'bar']);
  assert.equal((function () {}).foo, undefined);
  assert.equal(({}).foo, undefined);
  assert.deepEqual(minimist(['--a.b', 'c']).a, { b: 'c' });
});
