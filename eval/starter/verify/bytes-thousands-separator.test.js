'use strict';
// Verification of the eval task bytes-thousands-separator (hidden from the agent): fails on bytes@3.1.0, passes on bytes@3.1.1.
const assert = require('node:assert/strict');
const { test } = require('node:test');

const bytes = require('./');

test('the separator groups the integer part only', () => {
  assert.equal(bytes.format(1234.5678 * 1024, { thousandsSeparator: ',', decimalPlaces: 4 }), '1.2056MB');
  assert.equal(bytes.format(1000.5 * 1024, { thousandsSeparator: ',' }), '1,000.5KB');
  assert.equal(bytes.format(1000, { thousandsSeparator: ' ', unit: 'B' }), '1 000B');
});
