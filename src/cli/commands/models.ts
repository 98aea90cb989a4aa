import fs from 'node:fs';
import { usageError } from '../../engine/errors.ts';
import { CATALOGUE } from '../../engine/model/catalogue.ts';
import { loadModel } from '../../engine/model/load.ts';
import { downloadModel, modelDirectories } from '../../engine/model/model-store.ts';
import path from 'node:path';
import { intOption, parse } from '../args.ts';
import { writeClipModel } from '../../engine/model/graph/clip-model-file.ts';

export const MODELS_USAGE = `borex models [list]            catalogue models and where each was found
borex models info NAME|PATH      inputs, outputs, spec, labels of one model
borex models download NAME       fetch a catalogue model over https (sha256-checked) into the user cache
borex models wrap-video MODEL [--frames T (16)] [--out FILE.onnx] [--force] [--json]
                                 an image classifier (GAP + linear head) as a clip classifier [N,3,T,H,W]:
                                 per-frame body, 5-D feature map, mean, the image head; writes FILE.onnx
                                 and FILE.borex.json (default MODEL-clipT.onnx here); refuses to overwrite`;

const DEFAULT_CLIP_FRAMES = 16;

export async function modelsCommand(argv: string[]): Promise<number> {
  if (argv[0] === 'wrap-video') return wrapVideoCommand(argv.slice(1));
  const { values, positionals } = parse(argv, { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    console.log(MODELS_USAGE);
    return 0;
  }
  const [sub = 'list', arg] = positionals;
  if (sub === 'list') {
    const dirs = modelDirectories();
    const rows = CATALOGUE.map((e) => {
      const found = dirs.map((d) => path.join(d, e.file)).find((f) => fs.existsSync(f));
      return { name: e.name, file: e.file, found: found ?? null, downloadable: !!e.url, description: e.description };
    });
    if (values.json) console.log(JSON.stringify({ directories: dirs, models: rows }, null, 2));
    else {
      console.log(`model directories searched: ${dirs.join(', ')}`);
      for (const r of rows) console.log(`${r.found ? '✓' : '✗'} ${r.name.padEnd(22)} ${r.found ?? (r.downloadable ? 'not found (borex models download ' + r.name + ')' : 'not found (place it in BOREX_MODEL_DIR)')}\n    ${r.description}`);
    }
    return 0;
  }
  if (sub === 'info') {
    if (!arg) throw usageError('models info needs a model NAME or PATH');
    const { resolved, classifier } = await loadModel(arg, {}, { onWarning: (m) => process.stderr.write(`warning: ${m}\n`) });
    const info = {
      name: resolved.name,
      path: resolved.file,
      sha256: resolved.sha256,
      specSource: resolved.specSource,
      spec: classifier.spec,
      classes: classifier.numClasses,
      labelsFile: resolved.labelsFile ?? null,
      batchSize: classifier.batchSize,
      whiteBox: await classifier.camSession().then(
        (session) => ({ supported: true, featureTensor: session.head.featureTensor, ops: session.head.ops }),
        (err: Error) => ({ supported: false, reason: err.message }),
      ),
    };
    await classifier.dispose();
    console.log(JSON.stringify(info, null, 2));
    return 0;
  }
  if (sub === 'download') {
    if (!arg) throw usageError('models download needs a catalogue NAME');
    const file = await downloadModel(arg);
    console.log(`downloaded ${arg} to ${file}`);
    return 0;
  }
  throw usageError(`unknown models subcommand "${sub}"\n${MODELS_USAGE}`);
}

/** `borex models wrap-video MODEL`: its own options, so that list / info / download keep refusing them. */
async function wrapVideoCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    frames: { type: 'string' },
    out: { type: 'string', short: 'o' },
    force: { type: 'boolean' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    console.log(MODELS_USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw usageError(`models wrap-video needs one image MODEL (a NAME or PATH)\n${MODELS_USAGE}`);
  const frames = intOption(values.frames, 'frames', 1) ?? DEFAULT_CLIP_FRAMES;
  const written = await writeClipModel(positionals[0], { frames, out: values.out, force: values.force });
  for (const w of written.warnings) process.stderr.write(`warning: ${w}\n`);
  if (values.json) console.log(JSON.stringify(written, null, 2));
  else {
    const { wrap } = written;
    console.log(`wrote ${written.onnx}: input ${wrap.inputName} [N,3,${wrap.frames},${wrap.height},${wrap.width}] -> ${wrap.outputName} [N,${wrap.classes}], feature map ${wrap.featureTensor} [N,${wrap.channels},${wrap.frames},h,w]${wrap.dequantisedHead ? ' (quantised head rebuilt in float)' : ''}`);
    console.log(`wrote ${written.specFile}${written.labelsFile ? ` and ${written.labelsFile}` : ''}`);
  }
  return 0;
}
