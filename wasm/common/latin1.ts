/** Shared by every module: the host's string copy-in (src/wasm/loader.ts Arena.write). */

/**
 * In-place UTF-8 to Latin-1: the host writes a binary string with TextEncoder.encodeInto (chars
 * 0x80–0xFF become two bytes) and this squeezes it back to one byte per char. Returns the length.
 */
export function utf8ToLatin1(p: usize, n: usize): usize {
  let r = p;
  let w = p;
  const end = p + n;
  // Skip the ASCII prefix 16 bytes at a time.
  while (end - r >= 16 && i8x16.bitmask(v128.load(r)) == 0) r += 16;
  w = r;
  while (r < end) {
    const b = <u32> load<u8>(r);
    if (b < 0x80) {
      store<u8>(w++, <u8> b);
      r++;
    } else {
      store<u8>(w++, <u8> (((b & 0x03) << 6) | (<u32> load<u8>(r + 1) & 0x3f)));
      r += 2;
    }
  }
  return w - p;
}
