/** Statistics used to compare explanation methods (see each module's header for the exact semantics). */
export { wilcoxon, WilcoxonInputError } from './wilcoxon.ts';
export type { WilcoxonAlternative, WilcoxonResult, WilcoxonWarning } from './wilcoxon.ts';
export { normalCdf, normalSf } from './normal.ts';
export { signedRankCounts, signedRankCdf, signedRankSf, SIGNRANK_EXACT_MAX_N } from './signrank.ts';
export { averageRanks } from './ranks.ts';
export type { Ranking } from './ranks.ts';
