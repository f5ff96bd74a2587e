/** One value of an rpm package database: a header blob, and how to name it in notes. */
export interface DbRecord {
  /** `hnum 12`, `key 12`, `package index 12`: the record's identity in its database format. */
  id: string;
  blob: Buffer;
}

/** What a database reader could get out of a file: the records, and what went wrong on the way. */
export interface DbRead {
  records: DbRecord[];
  notes: string[];
}
