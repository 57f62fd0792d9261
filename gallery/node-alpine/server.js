const http = require('node:http');

const server = http.createServer((req, res) => {
  if (req.url === '/health') {
    res.writeHead(204);
    return res.end();
  }
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end('Hello from layerlab!\n');
});

server.listen(3000, '0.0.0.0');
