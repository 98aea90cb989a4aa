/**
 * Issue 14, item 3: a truncated VOC XML was accepted silently — its cut-off <object> simply not
 * found — so `explain --boxes` exited 0 without F and a batch recorded the image `ok` with class
 * null, explained as top-1, while a missing XML marks it failed. A VOC XML that does not parse
 * completely is now refused with a bad-input error naming the file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BorexError } from '../../src/engine/errors.ts';
import { parseVocXml } from '../../src/engine/metrics/voc.ts';
import { borex, ROOT, tempDir } from '../helpers/cli.ts';

// A VOC file as the dataset ships them (declaration, nesting, whitespace) with a shapes-v1 class.
const FULL = `<?xml version="1.0" encoding="utf-8"?>
<!-- written by hand for the fault suite -->
<annotation verified="yes">
\t<folder>shapes</folder>
\t<filename>shapes-01-circle.png</filename>
\t<source><database>BOREx samples</database></source>
\t<size><width>224</width><height>224</height><depth>3</depth></size>
\t<segmented>0</segmented>
\t<object>
\t\t<name>circle</name><pose>Unspecified</pose><truncated>0</truncated><difficult>0</difficult>
\t\t<bndbox><xmin>60</xmin><ymin>60</ymin><xmax>170</xmax><ymax>170</ymax></bndbox>
\t</object>
\t<object>
\t\t<name>square</name><difficult>1</difficult>
\t\t<bndbox><xmin>1</xmin><ymin>1</ymin><xmax>20</xmax><ymax>20</ymax></bndbox>
\t</object>
</annotation>
`;

describe('VOC XML that does not parse completely (issue 14, item 3)', () => {
  it('reads the complete file', () => {
    const a = parseVocXml(FULL, 'full.xml');
    expect(a).toEqual({
      width: 224,
      height: 224,
      objects: [
        { name: 'circle', box: [59, 59, 170, 170], difficult: false },
        { name: 'square', box: [0, 0, 20, 20], difficult: true },
      ],
    });
    expect(parseVocXml('<annotation><size><width>5</width><height>5</height></size><segmented/></annotation>', 'min.xml').width).toBe(5);
  });

  it('refuses it cut at every byte before the root closes, naming the file', () => {
    const rootEnd = FULL.indexOf('</annotation>') + '</annotation>'.length;
    const accepted: number[] = [];
    for (let n = 0; n < rootEnd; n++) {
      try {
        parseVocXml(FULL.slice(0, n), 'cut.xml');
        accepted.push(n);
      } catch (err) {
        expect(err).toBeInstanceOf(BorexError);
        expect((err as BorexError).kind).toBe('bad-input');
        expect((err as BorexError).message).toMatch(/^cut\.xml: /);
      }
    }
    expect(accepted).toEqual([]);
    // Cut after the root closed: only whitespace is lost, the file is complete.
    for (let n = rootEnd; n <= FULL.length; n++) expect(parseVocXml(FULL.slice(0, n), 'cut.xml').objects).toHaveLength(2);
  });

  it.each([
    ['mismatched tags', '<annotation><size><width>5</width><height>5</size></height></annotation>', /<\/size> closes <height>/],
    ['a second root', '<annotation><size><width>5</width><height>5</height></size></annotation><annotation></annotation>', /a second root element/],
    ['text after the root', '<annotation><size><width>5</width><height>5</height></size></annotation>garbage', /text outside the root/],
    ['a stray closing tag', '</object><annotation></annotation>', /without its opening tag/],
    ['a broken tag', '<annotation><size <width>5</width></size></annotation>', /malformed tag/],
  ])('refuses %s', (_what, xml, reason) => {
    expect(() => parseVocXml(xml, 'bad.xml')).toThrow(reason);
  });

  const truncated = FULL.slice(0, FULL.indexOf('<xmax>170'));

  it('explain --boxes refuses it: exit 3, naming the file', () => {
    const dir = tempDir('voc-');
    const xml = path.join(dir, 'broken.xml');
    fs.writeFileSync(xml, truncated);
    const r = borex(['explain', 'resources/samples/shapes-01-circle.png', '--model', 'shapes-v1', '--method', 'gradcam', '--boxes', xml, '--out', path.join(dir, 'out')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`${xml}: not a complete XML annotation: it ends inside <annotation><object><bndbox>`);
    expect(fs.existsSync(path.join(dir, 'out', 'result.json'))).toBe(false);
  });

  it('a batch records that image failed, like a missing XML, and goes on', () => {
    const dir = tempDir('voc-batch-');
    const sample = (n: string) => path.join(ROOT, 'resources/samples', n);
    fs.writeFileSync(path.join(dir, 'good.xml'), FULL);
    fs.writeFileSync(path.join(dir, 'broken.xml'), truncated);
    const manifest = path.join(dir, 'voc.jsonl');
    fs.writeFileSync(
      manifest,
      [
        { image: sample('shapes-01-circle.png'), annotation: 'good.xml' },
        { image: sample('shapes-02-square.png'), annotation: 'broken.xml' },
        { image: sample('shapes-03-triangle.png'), annotation: 'missing.xml' },
      ].map((l) => JSON.stringify(l) + '\n').join(''),
    );
    const out = path.join(dir, 'run');
    const r = borex(['batch', manifest, '--methods', 'gradcam', '--model', 'shapes-v1', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const items = fs.readFileSync(path.join(out, 'items.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { status: string; class?: string | null; error?: { kind: string; message: string } });
    expect(items.map((i) => i.status)).toEqual(['ok', 'failed', 'failed']);
    expect(items[0].class).toBe('circle');
    expect(items[1].error).toEqual({ kind: 'bad-input', message: expect.stringContaining(`${path.join(dir, 'broken.xml')}: not a complete XML annotation`) });
    expect(items[2].error).toMatchObject({ kind: 'bad-input', message: expect.stringContaining('missing.xml') });
  });
});
