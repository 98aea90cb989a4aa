import { usageError } from '../../engine/errors.ts';
import { mergeRuns } from '../../engine/jobs/merge.ts';
import { parse } from '../args.ts';

export const MERGE_USAGE = `borex merge OUT_DIR SHARD_RUN... [--allow-partial]
  joins the runs of borex batch --shard 0/n … n-1/n into one run equal to the unsharded run
  --allow-partial         merge even if shards are missing or unfinished`;

export async function mergeCommand(argv: string[]): Promise<number> {
  const { values: o, positionals } = parse(argv, { 'allow-partial': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } });
  if (o.help) {
    console.log(MERGE_USAGE);
    return 0;
  }
  if (positionals.length < 2) throw usageError(`merge needs OUT_DIR and at least one shard run\n${MERGE_USAGE}`);
  const [out, ...shards] = positionals;
  const s = mergeRuns(out, shards, { allowPartial: o['allow-partial'] });
  console.log(`merged ${s.shards} shard runs into ${s.out}: ${s.done} of ${s.entries} images, ${s.items} items, ${s.maps} map files`);
  return 0;
}
