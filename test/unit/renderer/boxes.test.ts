import { describe, expect, it } from 'vitest';
import { boxesSummary, nextBoxLabel, removeBox, selectionAfterRemoval, vocObjects, vocObjectsComplete, withoutVocObject, type LabelledBox } from '../../../src/renderer/src/lib/boxes.ts';
import { parseVocXml } from '../../../src/engine/metrics/voc.ts';

const XML = `<annotation>
	<filename>2007_000032.jpg</filename>
	<size><width>500</width><height>281</height><depth>3</depth></size>
	<object>
		<name>aeroplane</name>
		<bndbox><xmin>104</xmin><ymin>78</ymin><xmax>375</xmax><ymax>183</ymax></bndbox>
	</object>
	<object>
		<name>aeroplane</name>
		<bndbox><xmin>133</xmin><ymin>88</ymin><xmax>197</xmax><ymax>123</ymax></bndbox>
	</object>
	<object>
		<name>person</name>
		<bndbox><xmin>195</xmin><ymin>180</ymin><xmax>213</xmax><ymax>229</ymax></bndbox>
	</object>
</annotation>
`;

describe('VOC objects as labelled boxes', () => {
  it('reads each object with its class name, as the engine does', () => {
    const objects = vocObjects(XML);
    expect(objects).toEqual([
      { box: [103, 77, 375, 183], label: 'aeroplane', from: 'voc' },
      { box: [132, 87, 197, 123], label: 'aeroplane', from: 'voc' },
      { box: [194, 179, 213, 229], label: 'person', from: 'voc' },
    ]);
    expect(objects.map((o) => o.box)).toEqual(parseVocXml(XML).objects.map((o) => o.box));
    expect(vocObjectsComplete(XML)).toBe(true);
    expect(vocObjectsComplete(XML.replace('<name>person</name>', ''))).toBe(false);
  });

  it('removes one object from the XML the engine scores, leaving the others byte for byte', () => {
    const left = withoutVocObject(XML, 1);
    expect(parseVocXml(left).objects.map((o) => [o.name, o.box])).toEqual([
      ['aeroplane', [103, 77, 375, 183]],
      ['person', [194, 179, 213, 229]],
    ]);
    expect(left).toBe(XML.replace(/\t<object>\n\t\t<name>aeroplane<\/name>\n\t\t<bndbox><xmin>133[\s\S]*?<\/object>\n/, ''));
    expect(left.length).toBe(XML.length - 129); // the second object's four lines (10 + 25 + 83 + 11 characters)
    expect(() => withoutVocObject(XML, 3)).toThrow(/no <object> 3/);
  });
});

describe('hand-drawn boxes', () => {
  const drawn = (label: string): LabelledBox => ({ box: [0, 0, 10, 10], label, from: 'drawn' });
  it('are numbered box 1, box 2… after the highest in use', () => {
    expect(nextBoxLabel([])).toBe('box 1');
    expect(nextBoxLabel([drawn('box 1'), drawn('box 2')])).toBe('box 3');
    expect(nextBoxLabel([drawn('box 3'), drawn('my cat')])).toBe('box 4');
  });
  it('remove one and keep the selection on the same box', () => {
    expect(removeBox(['a', 'b', 'c'], 1)).toEqual(['a', 'c']);
    expect(selectionAfterRemoval(2, 1, 2)).toBe(1);
    expect(selectionAfterRemoval(0, 1, 2)).toBe(0);
    expect(selectionAfterRemoval(2, 2, 2)).toBe(1);
    expect(selectionAfterRemoval(0, 0, 0)).toBeUndefined();
    expect(selectionAfterRemoval(undefined, 0, 2)).toBeUndefined();
  });
  it('are summed up by label', () => {
    expect(boxesSummary([])).toBe('no boxes');
    expect(boxesSummary([drawn('box 1')])).toBe('1 box: box 1');
    expect(boxesSummary([drawn('dog'), drawn('box 2')])).toBe('2 boxes: dog, box 2');
  });
});
