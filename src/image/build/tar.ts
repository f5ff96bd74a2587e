import tar from 'tar-stream';

/** One member of a tar being written. Nothing is checked: tests write unsafe names and links on purpose. */
export interface TarEntry {
  /** As written: a directory's trailing `/` is the caller's choice. */
  name: string;
  type: 'file' | 'directory' | 'symlink' | 'link';
  content?: Buffer | undefined;
  /** The target of a symlink or hard link. */
  linkname?: string | undefined;
  mode: number;
  uid?: number | undefined;
  gid?: number | undefined;
  mtime: Date;
}

/**
 * The tar of the entries, in the order given. Owner names stay empty and times are the caller's,
 * so the same entries always give the same bytes (image digests depend on them).
 */
export async function packTar(entries: Iterable<TarEntry>): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (chunk: unknown) => {
    chunks.push(chunk as Buffer);
  });
  const done = new Promise<void>((resolve, reject) => {
    pack.on('end', resolve);
    pack.on('error', reject);
  });
  for (const entry of entries) {
    const header: Partial<tar.Header> & { name: string } = {
      name: entry.name,
      type: entry.type,
      mode: entry.mode,
      uid: entry.uid ?? 0,
      gid: entry.gid ?? 0,
      mtime: entry.mtime,
    };
    if (entry.linkname !== undefined) header.linkname = entry.linkname;
    await new Promise<void>((resolve, reject) => {
      const callback = (error?: Error | null): void => (error ? reject(error) : resolve());
      if (entry.content) pack.entry(header, entry.content, callback);
      else pack.entry(header, callback);
    });
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}
