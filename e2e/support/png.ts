/** The text chunks (iTXt and tEXt) of a PNG file, by keyword. */
export function pngText(png: Uint8Array): Record<string, string> {
  const decoder = new TextDecoder();
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const found: Record<string, string> = {};
  for (let at = 8; at + 12 <= png.length; ) {
    const length = view.getUint32(at);
    const type = decoder.decode(png.subarray(at + 4, at + 8));
    const data = png.subarray(at + 8, at + 8 + length);
    const nul = data.indexOf(0);
    if (type === 'tEXt')
      found[decoder.decode(data.subarray(0, nul))] = decoder.decode(data.subarray(nul + 1));
    if (type === 'iTXt') {
      // keyword \0 compression-flag method language \0 translated-keyword \0 text
      const afterLanguage = data.indexOf(0, nul + 3);
      const afterTranslated = data.indexOf(0, afterLanguage + 1);
      found[decoder.decode(data.subarray(0, nul))] = decoder.decode(data.subarray(afterTranslated + 1));
    }
    at += 12 + length;
  }
  return found;
}
