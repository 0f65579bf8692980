/** Writes a minimal docker-archive tarball (just manifest.json) for tests of the image lookup. */
import { writeFileSync } from 'node:fs';

function header(name: string, size: number): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100, 'utf8');
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  h.write('00000000000\0', 136);
  h.write('        ', 148); // checksum field counts as spaces while summing
  h.write('0', 156);
  h.write('ustar\0', 257);
  h.write('00', 263);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return h;
}

export function writeArchiveWithTag(path: string, reference: string | null, extraFirst = 0): void {
  const parts: Buffer[] = [];
  for (let i = 0; i < extraFirst; i++) {
    const body = Buffer.from(`padding ${i}`.repeat(100));
    parts.push(header(`layer${i}/VERSION`, body.length), body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  const manifest = Buffer.from(JSON.stringify([{ Config: 'c.json', RepoTags: reference ? [reference] : [], Layers: [] }]));
  parts.push(header('manifest.json', manifest.length), manifest, Buffer.alloc((512 - (manifest.length % 512)) % 512));
  parts.push(Buffer.alloc(1024));
  writeFileSync(path, Buffer.concat(parts));
}
