/* eslint-disable -- the example estate's application code, not Shipshape's */
'use strict';
const assert = require('assert');
const { authorise } = require('./server');

const payment = authorise({ items: [{ priceCents: 1250, quantity: 2 }, { priceCents: 99, quantity: 1 }], currency: 'EUR' });
assert.strictEqual(payment.amountCents, 2599);
assert.strictEqual(payment.status, 'authorised');
