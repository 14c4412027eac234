// Serve a built site over HTTP/2 (TLS, a certificate made for the run) on 127.0.0.1, as a CDN
// does, each response held back LATENCY milliseconds and sent with the Cache-Control CACHING (Netlify's
// default, from search_page.py); prints the port once listening.
// Used by search_page.py --http2:   node benchmarks/h2serve.mjs FOLDER LATENCY KEY CERT CACHING
import http2 from "node:http2";
import fs from "node:fs";
import path from "node:path";

const [folder, latency, key, cert, caching] = process.argv.slice(2);
const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css",
  ".json": "application/json", ".svg": "image/svg+xml", ".pdf": "application/pdf" };
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self'; " +
  "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

const server = http2.createSecureServer({ key: fs.readFileSync(key), cert: fs.readFileSync(cert) });
server.on("stream", (stream, headers) => {
  let file = path.join(folder, decodeURIComponent(headers[":path"].split("?")[0]));
  if (!file.startsWith(path.resolve(folder))) file = path.join(folder, "404.html");
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, "index.html");
  setTimeout(() => {
    if (stream.destroyed) return;
    if (!fs.existsSync(file)) {
      stream.respond({ ":status": 404 });
      stream.end();
      return;
    }
    stream.respond({ ":status": 200, "content-type": TYPES[path.extname(file)] || "application/octet-stream",
      "content-security-policy": CSP, "cache-control": caching });
    stream.end(fs.readFileSync(file));
  }, Number(latency));
  stream.on("error", () => {});
});
server.listen(0, "127.0.0.1", () => console.log(server.address().port));
