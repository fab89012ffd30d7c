import { csvText } from '../../shared/csv';
import type { SampleReadings } from '../../shared/storage';

/** Saves a Blob under a file name through a temporary link (works in Electron and in the browser). */
export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Give the download a moment to start before the address is released.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A file-name-safe slug: "db1 / public.orders" → "db1-public.orders". */
export function fileSlug(...parts: string[]): string {
  return parts
    .join('-')
    .replace(/[^\w.-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
}

/**
 * Stored samples as CSV: one row per sample, ISO-8601 UTC time and exact
 * bytes. A relation not measured in a sample (it was locked) keeps its row,
 * with an empty size and "not measured" in the note, never a zero.
 */
export function readingsCsv(readings: SampleReadings['readings']): string {
  return csvText(
    ['time', 'bytes', 'note'],
    readings.map((r) => [new Date(r.t).toISOString(), r.bytes, r.bytes === null ? 'not measured' : null]),
  );
}

/** Chart points as CSV, leaving out the points that only mark a gap (they are not readings). */
export function pointsCsv(points: readonly { t: number; v: number | null }[], valueHeader: string): string {
  return csvText(
    ['time', valueHeader],
    points.filter((p) => p.v !== null).map((p) => [new Date(p.t).toISOString(), p.v]),
  );
}

const STYLE_PROPS = [
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-opacity',
  'stroke-dasharray',
  'opacity',
  'font-family',
  'font-size',
  'font-weight',
  'text-anchor',
  'dominant-baseline',
  'visibility',
  'display',
] as const;

/** What a PNG says about itself: drawn above the chart and stored as PNG text chunks. */
export type PngHeading = { title: string; source: string; madeAt: Date };

const HEADING_LINE = 18;
const HEADING_PAD = 10;

/**
 * The chart's <svg> as a PNG: serialised with its computed styles inlined, drawn
 * into an <img> from a blob: address, then onto a canvas (allowed by the CSP:
 * img-src 'self' data: blob:) under a heading that says what it shows, where
 * from and when it was made. Twice the pixels, for sharp slides.
 */
export async function svgToPng(
  svg: SVGSVGElement,
  background: string,
  heading: PngHeading,
  scale = 2,
): Promise<Blob> {
  const { width, height } = svg.getBoundingClientRect();
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const source = [svg, ...svg.querySelectorAll('*')];
  const target = [clone, ...clone.querySelectorAll('*')];
  source.forEach((el, i) => {
    const copy = target[i] as SVGElement | undefined;
    if (!copy) return;
    const computed = getComputedStyle(el);
    const inline = STYLE_PROPS.map((p) => `${p}:${computed.getPropertyValue(p)}`).join(';');
    copy.setAttribute('style', `${copy.getAttribute('style') ?? ''};${inline}`);
  });
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', String(width));
  clone.setAttribute('height', String(height));

  const text = new XMLSerializer().serializeToString(clone);
  const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml;charset=utf-8' }));
  try {
    const img = new Image();
    img.decoding = 'async';
    await new Promise<void>((resolve, reject) => {
      img.onload = () => resolve();
      img.onerror = () => reject(new Error('The chart could not be drawn as an image.'));
      img.src = url;
    });
    const lines = [heading.title, heading.source, `Made ${heading.madeAt.toISOString()}`];
    const top = HEADING_PAD * 2 + lines.length * HEADING_LINE;
    const canvas = document.createElement('canvas');
    canvas.width = Math.ceil(width * scale);
    canvas.height = Math.ceil((height + top) * scale);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('This window cannot draw images.');
    ctx.scale(scale, scale);
    ctx.fillStyle = background;
    ctx.fillRect(0, 0, width, height + top);
    const color = getComputedStyle(svg).color || '#444';
    lines.forEach((line, i) => {
      ctx.font = i === 0 ? '600 14px system-ui, sans-serif' : '12px system-ui, sans-serif';
      ctx.fillStyle = color;
      ctx.fillText(line, HEADING_PAD, HEADING_PAD + (i + 1) * HEADING_LINE - 4, width - 2 * HEADING_PAD);
    });
    ctx.drawImage(img, 0, top, width, height);
    const png = await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob(
        (blob) => (blob ? resolve(blob) : reject(new Error('The image could not be encoded.'))),
        'image/png',
      ),
    );
    const withText = withPngText(new Uint8Array(await png.arrayBuffer()), {
      Title: heading.title,
      Source: heading.source,
      'Creation Time': heading.madeAt.toISOString(),
      Software: 'Tidemark',
    });
    return new Blob([withText], { type: 'image/png' });
  } finally {
    URL.revokeObjectURL(url);
  }
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * The PNG with UTF-8 text chunks (iTXt) after its header chunk, so a file
 * found later still says what it shows. Keywords are PNG's registered ones.
 */
export function withPngText(png: Uint8Array, entries: Record<string, string>): Uint8Array<ArrayBuffer> {
  const encoder = new TextEncoder();
  const chunks = Object.entries(entries).map(([keyword, value]) => {
    const data = new Uint8Array([...encoder.encode(keyword), 0, 0, 0, 0, 0, ...encoder.encode(value)]);
    const typeAndData = new Uint8Array([...encoder.encode('iTXt'), ...data]);
    const chunk = new Uint8Array(12 + data.length);
    const view = new DataView(chunk.buffer);
    view.setUint32(0, data.length);
    chunk.set(typeAndData, 4);
    view.setUint32(8 + data.length, crc32(typeAndData));
    return chunk;
  });
  // Signature (8 bytes) + IHDR (4 length + 4 type + 13 data + 4 CRC).
  const afterHeader = 8 + 25;
  const size = png.length + chunks.reduce((n, c) => n + c.length, 0);
  const out = new Uint8Array(size);
  out.set(png.subarray(0, afterHeader), 0);
  let at = afterHeader;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  out.set(png.subarray(afterHeader), at);
  return out;
}
