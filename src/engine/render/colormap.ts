// Declared once in src/shared/colormaps.ts, which the UI draws with too.
export { COLORMAPS, colormapTable, mapRange, type ColormapName } from '../../shared/colormaps.ts';
