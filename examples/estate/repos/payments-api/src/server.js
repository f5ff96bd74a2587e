/* eslint-disable -- the example estate's application code, not Shipshape's */
'use strict';
const http = require('http');
const crypto = require('crypto');
const _ = require('lodash');

// Amounts are integer cents: no floating point near money.
function authorise(request) {
  const cents = _.sumBy(request.items, (item) => item.priceCents * item.quantity);
  return { id: crypto.randomBytes(16).toString('hex'), status: 'authorised', amountCents: cents, currency: request.currency };
}

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/healthz') return res.end('ok');
  if (req.method !== 'POST' || req.url !== '/payments') {
    res.statusCode = 404;
    return res.end();
  }
  let body = '';
  req.on('data', (chunk) => (body += chunk));
  req.on('end', () => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(authorise(JSON.parse(body))));
  });
});

module.exports = { authorise };
if (require.main === module) server.listen(Number(process.env.PORT || 8080));
