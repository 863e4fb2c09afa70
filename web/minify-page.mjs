// Minifies the page's inline scripts (terser) and styles in place and swaps their
// Content-Security-Policy hashes for the new ones: shell/index.html keeps its comments for
// people, the download does not carry them. Usage: node web/minify-page.mjs dist/index.html
import crypto from 'crypto';
import fs from 'fs';
import { createRequire } from 'module';

const require = createRequire(import.meta.url);
const { minify } = require('terser');  // found through NODE_PATH, as for kervan.js
const file = process.argv[2];
const hash = (text) => `'sha256-${crypto.createHash('sha256').update(text).digest('base64')}'`;
const cssMin = (css) => css.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\s+/g, ' ')
  .replace(/\s*([{}:;,>])\s*/g, '$1').replace(/;}/g, '}').trim();

let html = fs.readFileSync(file, 'utf8');
const swaps = [];
for (const m of html.matchAll(/<(script|style)>([\s\S]*?)<\/\1>/g)) {
  const [whole, tag, body] = m;
  // The first script stays ES5 (terser only rewrites to newer syntax when asked).
  const small = tag === 'script' ? (await minify(body, { compress: true, mangle: true })).code : cssMin(body);
  swaps.push([whole, `<${tag}>${small}</${tag}>`, hash(body), hash(small)]);
}
for (const [whole, small, oldHash, newHash] of swaps) {
  if (!html.includes(oldHash)) throw new Error(`index.html: no CSP hash for an inline block (${oldHash})`);
  html = html.replace(whole, () => small).replace(oldHash, () => newHash);
}
html = html.replace(/<!--[\s\S]*?-->\n?/g, '');
fs.writeFileSync(file, html);
