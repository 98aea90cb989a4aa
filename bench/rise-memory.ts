// Child process of bench/run.ts: RISE with N masks on dog.jpg, then prints peak RSS in MB.
import { decodeImage } from '../src/engine/image/decode.ts';
import { makeBaseline } from '../src/engine/image/baseline.ts';
import { preprocess } from '../src/engine/image/preprocess.ts';
import { rise } from '../src/engine/methods/rise.ts';
import { loadModel } from '../src/engine/model/load.ts';

const masks = Number(process.argv[2] ?? 8000);
const { classifier } = await loadModel('mobilenetv2-12-int8', {}, { batchSize: Number(process.argv[3] ?? 32) });
const input = await preprocess(await decodeImage('../shared/assets/images/darknet/dog.jpg'), classifier.spec);
const target = { classifier, dims: input.dims, x: input.tensor, baseline: makeBaseline('mean', input.tensor, input.dims, classifier.spec), label: 249 };
await rise(target, { masks, gridSize: 7, keepProbability: 0.5, seed: 0 }, false);
console.log(JSON.stringify({ masks, peakRssMb: process.resourceUsage().maxRSS / 1024 }));
