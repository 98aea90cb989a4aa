/**
 * JSON on the wire (serve mode): Float32Arrays travel as {"$f32": base64 of little-endian bytes},
 * a third of the size of a number list and exact. Works in Node and in browsers (btoa/atob).
 */
const CHUNK = 0x8000;

export function f32ToBase64(a: Float32Array): string {
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  let s = '';
  for (let i = 0; i < bytes.length; i += CHUNK) s += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(s);
}

export function base64ToF32(b64: string): Float32Array {
  const s = atob(b64);
  if (s.length % 4 !== 0) throw new Error('float32 payload length is not a multiple of 4');
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  return new Float32Array(bytes.buffer);
}

export function toWire(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (v instanceof Float32Array ? { $f32: f32ToBase64(v) } : v));
}

export function fromWire<T = unknown>(text: string): T {
  return JSON.parse(text, (_key, v: unknown) => {
    if (typeof v === 'object' && v !== null && '$f32' in v && typeof (v as { $f32: unknown }).$f32 === 'string') return base64ToF32((v as { $f32: string }).$f32);
    return v;
  }) as T;
}
