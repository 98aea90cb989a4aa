/** ApiBackend.batch checks every method id with the CLI's own parser before it links or starts anything. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiBackend } from '../../../src/app/backend.ts';
import { tempDir } from '../../helpers/cli.ts';
import { FakeHost } from '../api/fake-host.ts';

describe('batch method ids in the app', () => {
  it('an id the schema lets through but the grammar refuses is a usage error in the CLI’s words, and nothing is started', () => {
    const work = tempDir();
    const backend = new ApiBackend(new FakeHost(), work, 'http');
    let err: unknown;
    try {
      backend.batch({ imageIds: ['a'], model: 'mobilenetv2-12-int8', methods: ['rise', 'borex:rise+learned+fast'], preset: 'default' });
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ kind: 'usage', message: 'method "borex:rise+learned+fast": unknown modifier "+fast"; one of +no-flip, +simple-avg, +area, +learned, +fixed, +rects, +pa, +no-pa, +check-heads, +check, +check-both, +check-prior, +check-uniform, +no-check' });
    expect(fs.readdirSync(path.join(work, 'jobs'))).toEqual([]);
  });
});
