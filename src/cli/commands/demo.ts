import { BorexError } from '../../engine/errors.ts';

export async function demoCommand(_argv: string[], _signal: AbortSignal): Promise<number> {
  throw new BorexError('runtime', 'the demo needs the bundled shapes-v1 model and samples, which are not in this build yet');
}
