const assert = require('node:assert');
const { test } = require('node:test');

test('tracking numbers are upper-case letters, digits and dashes', () => {
  assert.match('NW-2024-000123', /^[A-Z0-9-]+$/);
});
