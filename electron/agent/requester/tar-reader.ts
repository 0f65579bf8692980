/**
 * Reads the regular files of a tar archive held in memory (ustar, with GNU long names and
 * pax path headers). Just enough for the requester to hash what a provider uploaded: no
 * extraction to disk, so a hostile archive cannot write anywhere.
 */
export interface TarFile {
  name: string;
  data: Buffer;
}

const BLOCK = 512;

function text(header: Buffer, start: number, length: number): string {
  const raw = header.subarray(start, start + length);
  const nul = raw.indexOf(0);
  return (nul === -1 ? raw : raw.subarray(0, nul)).toString('utf8');
}

function octal(header: Buffer, start: number, length: number): number {
  const field = text(header, start, length).trim();
  if (field === '') return 0;
  if (!/^[0-7]+$/.test(field)) throw new Error(`bad number field "${field}" in a tar header`);
  return parseInt(field, 8);
}

function checksumOk(header: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : header[i]!;
  return sum === octal(header, 148, 8);
}

function paxPath(data: Buffer): string | null {
  // Records: "<len> <key>=<value>\n"
  let offset = 0;
  while (offset < data.length) {
    const space = data.indexOf(0x20, offset);
    if (space === -1) break;
    const length = Number(data.subarray(offset, space).toString('utf8'));
    if (!Number.isInteger(length) || length <= 0) break;
    const record = data.subarray(space + 1, offset + length - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq !== -1 && record.slice(0, eq) === 'path') return record.slice(eq + 1);
    offset += length;
  }
  return null;
}

/** The archive's regular files, names without a leading "./". Throws on a malformed archive. */
export function readTarFiles(archive: Buffer): TarFile[] {
  const files: TarFile[] = [];
  let offset = 0;
  let longName: string | null = null;
  while (offset + BLOCK <= archive.length) {
    const header = archive.subarray(offset, offset + BLOCK);
    if (header.every((byte) => byte === 0)) break; // end of archive
    if (!checksumOk(header)) throw new Error(`tar header checksum mismatch at byte ${offset}`);
    const size = octal(header, 124, 12);
    const type = String.fromCharCode(header[156]!);
    const dataStart = offset + BLOCK;
    if (dataStart + size > archive.length) throw new Error('the tar archive is truncated');
    const data = archive.subarray(dataStart, dataStart + size);
    offset = dataStart + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'L') {
      longName = text(data, 0, data.length);
      continue;
    }
    if (type === 'x') {
      longName = paxPath(data) ?? longName;
      continue;
    }
    if (type === 'g') continue;
    const prefix = text(header, 345, 155);
    const name = longName ?? (prefix ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100));
    longName = null;
    if (type === '0' || type === '\0' || type === '7') files.push({ name: name.replace(/^(\.\/)+/, ''), data: Buffer.from(data) });
  }
  return files;
}
