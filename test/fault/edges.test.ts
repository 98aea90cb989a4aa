/**
 * Issue 14, item 8: inconsistent edges. A malformed `%` escape answered HTTP 500 (serve's pages
 * and the app:// protocol); `explain --boxes` took an inverted box that manifests refuse; the
 * schemas' "unknown field" check let `constructor`/`__proto__` through (`in` sees the prototype);
 * CLI `--iterations` had no upper bound while the API caps 1000; `--label -1` gave a parser message.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { appProtocolHandler } from '../../src/main/app-protocol.ts';
import { ApiError } from '../../src/shared/errors.ts';
import { explainRequest, MAX_ITERATIONS, socketMessage } from '../../src/shared/requests.ts';
import { borex, ROOT, tempDir } from '../helpers/cli.ts';
import { serveForTests } from './child.ts';

const dir = tempDir('edges-');
const sample = path.join(ROOT, 'resources/samples/shapes-01-circle.png');

/** A GET with the path sent byte for byte (fetch would not send a malformed escape as is). */
function rawGet(port: number, pathname: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: pathname, headers: { host: `127.0.0.1:${port}` } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
  });
}

function refusal(run: () => unknown): ApiError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    return err as ApiError;
  }
  throw new Error('accepted');
}

describe('inconsistent edges (issue 14, item 8)', () => {
  describe('a malformed % escape is a 400', () => {
    const live = serveForTests();

    it('serve: GET /%E0%A4%A and /%zz answer 400 with the error body, and the server still answers', async () => {
      const serve = live();
      for (const p of ['/%E0%A4%A', '/%zz', '/assets/%']) {
        const r = await rawGet(serve.port, p);
        expect(r.status, p).toBe(400);
        expect(JSON.parse(r.body)).toEqual({ error: { kind: 'bad-request', message: 'malformed % escape in the path' } });
      }
      expect((await serve.api('info')).status).toBe(200);
    });
  });

  it('the app:// protocol: a malformed escape answers 400, a good one still resolves', async () => {
    const ui = tempDir('ui-');
    fs.writeFileSync(path.join(ui, 'index.html'), '<!doctype html>');
    fs.writeFileSync(path.join(ui, 'a b.js'), 'x');
    const handler = appProtocolHandler(ui, { imageFile: () => sample, jobFile: () => sample });
    const bad = handler(new Request('app://studio/%E0%A4%A'));
    expect(bad.status).toBe(400);
    expect(await bad.text()).toBe('bad request: malformed % escape in the path');
    expect(handler(new Request('app://studio/api/images/%zz')).status).toBe(400);
    expect(handler(new Request('app://studio/a%20b.js')).status).toBe(200);
  });

  it('explain --boxes refuses an inverted box, naming the file, as manifests do', () => {
    const boxes = path.join(dir, 'inverted.json');
    fs.writeFileSync(boxes, JSON.stringify([[20, 20, 100, 100], [10, 10, 0, 0]]));
    const r = borex(['explain', sample, '--model', 'shapes-v1', '--method', 'gradcam', '--boxes', boxes, '--out', path.join(dir, 'out-boxes')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(`borex: error: ${boxes}: box 2 [10, 10, 0, 0]: a box must be [x0, y0, x1, y1] with x1 > x0 and y1 > y0 (photo pixels; an empty or inverted box is refused)\n`);
    expect(fs.existsSync(path.join(dir, 'out-boxes', 'result.json'))).toBe(false);
  });

  it('schemas refuse constructor, __proto__ and toString as unknown fields (and as a tag)', () => {
    const base = { imageId: 'abc', model: 'shapes-v1', method: 'rise' };
    expect(refusal(() => explainRequest({ ...base, constructor: 1 }, '')).message).toBe('constructor: unknown field');
    expect(refusal(() => explainRequest(JSON.parse('{"imageId":"abc","model":"shapes-v1","method":"rise","__proto__":{"x":1}}'), '')).message).toBe('__proto__: unknown field');
    expect(refusal(() => explainRequest({ ...base, toString: 'x' }, '')).message).toBe('toString: unknown field');
    expect(refusal(() => socketMessage({ type: 'constructor' }, '')).kind).toBe('bad-request');
    expect(refusal(() => socketMessage({ type: '__proto__' }, '')).kind).toBe('bad-request');
  });

  it('CLI --iterations is capped like the API (one constant, 1000)', () => {
    expect(MAX_ITERATIONS).toBe(1000);
    const e = borex(['explain', sample, '--model', 'shapes-v1', '--method', 'borex', '--iterations', '1001']);
    expect(e.code).toBe(2);
    expect(e.stderr).toBe('borex: error: --iterations must be an integer from 1 to 1000, got "1001"\n');
    const b = borex(['batch', path.join(ROOT, 'resources/samples'), '--methods', 'bo', '--iterations', '100000', '--model', 'shapes-v1', '--out', path.join(dir, 'run')]);
    expect(b.code).toBe(2);
    expect(b.stderr).toBe('borex: error: --iterations must be an integer from 1 to 1000, got "100000"\n');
  });

  it('--label -1 is a clear usage error, not a parser message', () => {
    const r = borex(['explain', sample, '--model', 'shapes-v1', '--method', 'gradcam', '--label', '-1', '--out', path.join(dir, 'out-label')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('borex: error: label index -1 is out of range: the model has 6 classes (0–5)\n');
    expect(r.stderr).not.toContain('option argument');
  });
});
