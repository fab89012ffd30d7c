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

/**
 * The chart's <svg> as a PNG: serialised with its computed styles inlined, drawn
 * into an <img> from a blob: address, then onto a canvas (allowed by the CSP:
 * img-src 'self' data: blob:). Twice the pixels, for sharp slides.
 */
export async function svgToPng(svg: SVGSVGElement, background: string, scale = 2): Promise<Blob> {
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
  const bg = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
  bg.setAttribute('width', '100%');
  bg.setAttribute('height', '100%');
  bg.setAttribute('fill', background);
  clone.insertBefore(bg, clone.firstChild);

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
    const canvas = document.createElement('canvas');
    canvas.width = Math.ceil(width * scale);
    canvas.height = Math.ceil(height * scale);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('This window cannot draw images.');
    ctx.scale(scale, scale);
    ctx.drawImage(img, 0, 0, width, height);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob(
        (blob) => (blob ? resolve(blob) : reject(new Error('The image could not be encoded.'))),
        'image/png',
      ),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}
