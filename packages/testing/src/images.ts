// Real image files for media tests, and the form upload a browser makes. The files are made here
// rather than checked in: a PNG (zlib, as the format
// says) and a JPEG (jpeg-js, a real baseline encoder), each of the size asked, with varied pixels.
import { crc32, deflateSync } from 'node:zlib';
import jpeg from 'jpeg-js';

const pixel = (x: number, y: number, seed: number) => [(x * 37 + seed) % 256, (y * 59 + seed) % 256, (x * y + seed) % 256];

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

/** A truecolour PNG of `width` × `height`. */
export function aPng(width: number, height: number, seed = 1): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits, RGB, deflate, no filter method, no interlace
  const rows = Buffer.alloc(height * (1 + width * 3));
  for (let y = 0; y < height; y++) {
    const row = y * (1 + width * 3);
    for (let x = 0; x < width; x++) rows.set(pixel(x, y, seed), row + 1 + x * 3);
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

/** A baseline JPEG of `width` × `height`. */
export function aJpeg(width: number, height: number, seed = 1): Buffer {
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set([...pixel(x, y, seed), 255], (y * width + x) * 4);
  }
  return jpeg.encode({ width, height, data }, 90).data;
}

/**
 * What a browser does with a presigned POST: multipart/form-data to `form.url` with every field,
 * then the file as `file` (S3 ignores fields after it). Resolves the storage's status.
 */
export async function postUploadForm(form: { url: string; fields: Record<string, string> }, bytes: Uint8Array, filename = 'upload'): Promise<number> {
  const body = new FormData();
  for (const [name, value] of Object.entries(form.fields)) body.append(name, value);
  body.append('file', new Blob([Uint8Array.from(bytes)]), filename);
  const response = await fetch(form.url, { method: 'POST', body });
  await response.arrayBuffer();
  return response.status;
}
