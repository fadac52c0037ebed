// serve.mjs - static file server on 127.0.0.1 (random port) for the headless page.
//
// Every response carries COOP/COEP/CORP headers, so the page is cross-origin isolated
// (SharedArrayBuffer available to MediaPipe's WASM), and 127.0.0.1 is a secure context
// (crypto.subtle available).
//   mounts: { '/prefix/': '/absolute/dir/', ... }  (longest prefix wins)
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.wasm': 'application/wasm', '.json': 'application/json', '.data': 'application/octet-stream',
  '.tflite': 'application/octet-stream', '.binarypb': 'application/octet-stream',
  '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg',
};

export function serve(mounts, { log = false } = {}) {
  const prefixes = Object.keys(mounts).sort((a, b) => b.length - a.length);
  const server = http.createServer((req, res) => {
    const headers = {
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'Cache-Control': 'no-store',
    };
    let urlPath;
    try { urlPath = decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname); } catch { urlPath = ''; }
    const prefix = prefixes.find((p) => urlPath.startsWith(p));
    const root = prefix && path.resolve(mounts[prefix]);
    const file = root && path.resolve(root, urlPath.slice(prefix.length));
    if (!file || !file.startsWith(root + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      if (log) console.error('404', urlPath);
      res.writeHead(urlPath === '/favicon.ico' ? 204 : 404, headers);
      res.end();
      return;
    }
    if (log) console.error('200', urlPath);
    headers['Content-Type'] = TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream';
    res.writeHead(200, headers);
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      resolve({ origin: `http://127.0.0.1:${server.address().port}`, close: () => server.close() });
    });
  });
}
