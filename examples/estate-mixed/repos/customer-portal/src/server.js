// The customer portal: a small HTTP server in front of the tracking API.
const http = require('node:http');

const trackingApi = process.env.TRACKING_API_URL ?? 'http://tracking-api.freight.svc:8080';

const server = http.createServer(async (req, res) => {
  if (req.url === '/healthz') {
    res.writeHead(200).end('ok');
    return;
  }
  const match = /^\/track\/([A-Z0-9-]+)$/.exec(req.url ?? '');
  if (match === null) {
    res.writeHead(404).end();
    return;
  }
  const upstream = await fetch(`${trackingApi}/v1/shipments/${match[1]}`);
  res.writeHead(upstream.status, { 'content-type': 'application/json' }).end(await upstream.text());
});

server.listen(Number(process.env.PORT ?? 3000));
