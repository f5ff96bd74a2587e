import type { DbRead, DbRecord } from './records.js';

/**
 * rpm's NDB package database (`Packages.db`, SUSE; rpm's lib/backend/ndb/rpmpkg.c). All integers
 * are little-endian u32. The file starts with slot pages (4096 bytes each): a 32-byte header in the
 * place of the first two slots, then 16-byte slots { magic `Slot`, package index, block offset,
 * block count }. A slot points (in 16-byte blocks) at a blob { magic `BlbS`, package index,
 * timestamp, length } followed by the header blob and a 12-byte tail.
 */

/** `RpmP`, the first four bytes of an NDB database. */
export const ndbMagic: Buffer = Buffer.from('RpmP', 'latin1');

const slotMagic = 0x746f6c53; // 'Slot'
const blobMagic = 0x53626c42; // 'BlbS'
const pageBytes = 4096;
const slotBytes = 16;
const blockBytes = 16;
const blobHeadBytes = 16;
const blobTailBytes = 12;
const headerBytes = 32;

/** Reads every package blob of an NDB database. Never throws; problems are notes. */
export function readNdb(content: Buffer): DbRead {
  const records: DbRecord[] = [];
  const notes: string[] = [];
  if (content.length < headerBytes || !content.subarray(0, 4).equals(ndbMagic)) {
    return { records, notes: ['not an NDB database: no RpmP header'] };
  }
  const version = content.readUInt32LE(4);
  if (version !== 0) return { records, notes: [`NDB database version ${version} is not supported (only 0)`] };
  const slotPages = content.readUInt32LE(12);
  let slotEnd = slotPages * pageBytes;
  if (slotPages === 0) return { records, notes: ['NDB header says there are no slot pages'] };
  if (slotEnd > content.length) {
    notes.push(`NDB header says ${slotPages} slot pages (${slotEnd} bytes), but the file has ${content.length} bytes: truncated`);
    slotEnd = content.length - (content.length % slotBytes);
  }

  for (let at = headerBytes, slot = 0; at + slotBytes <= slotEnd; at += slotBytes, slot++) {
    if (content.readUInt32LE(at) !== slotMagic) {
      notes.push(`NDB slot ${slot} (byte ${at}) has no Slot magic: the slot table is corrupt, slots from there on are not read`);
      break;
    }
    const pkgIndex = content.readUInt32LE(at + 4);
    if (pkgIndex === 0) continue; // free slot
    const result = readBlob(content, pkgIndex, content.readUInt32LE(at + 8), content.readUInt32LE(at + 12));
    if (typeof result === 'string') notes.push(`record package index ${pkgIndex}: ${result}; skipped`);
    else records.push({ id: `package index ${pkgIndex}`, blob: result });
  }
  return { records, notes };
}

/** The header blob a slot points at, or why it cannot be read. */
function readBlob(content: Buffer, pkgIndex: number, blockOffset: number, blockCount: number): Buffer | string {
  const start = blockOffset * blockBytes;
  const extent = blockCount * blockBytes;
  if (start + blobHeadBytes > content.length) return `blob at byte ${start} is past the end of the ${content.length}-byte file`;
  if (content.readUInt32LE(start) !== blobMagic) return `no BlbS blob magic at byte ${start}`;
  const blobIndex = content.readUInt32LE(start + 4);
  if (blobIndex !== pkgIndex) return `blob at byte ${start} belongs to package index ${blobIndex}`;
  const length = content.readUInt32LE(start + 12);
  if (blobHeadBytes + length + blobTailBytes > extent) return `blob of ${length} bytes does not fit the slot's ${blockCount} blocks`;
  const dataStart = start + blobHeadBytes;
  if (dataStart + length > content.length) return `blob of ${length} bytes at byte ${dataStart} runs past the end of the ${content.length}-byte file`;
  return content.subarray(dataStart, dataStart + length);
}
