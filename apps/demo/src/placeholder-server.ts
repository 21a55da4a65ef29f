import { createServer, type Server } from 'node:http';

/** Serves the page that stands in for the demo until the chat app lands (issue "apps/demo"). */
export function createPlaceholderServer(): Server {
  return createServer((request, response) => {
    if (request.url === '/healthz') {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    response
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      .end('<!doctype html><title>Baton demo</title><h1>Baton</h1><p>The multi-user chat demo is coming soon.</p>');
  });
}
