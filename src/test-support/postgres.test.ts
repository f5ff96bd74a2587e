import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { postgresMissing, startPostgres } from './postgres.js';
import { skipWhen } from './skip.js';

async function answer(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query<{ n: number }>('select 1 + 1 as n');
    return result.rows[0]?.n ?? 0;
  } finally {
    await client.end();
  }
}

describe('startPostgres', skipWhen(postgresMissing()), () => {
  it('starts a server on loopback, keeps its data across a restart, and stops', async () => {
    const server = await startPostgres();
    try {
      expect(server.url).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/shipshape$/);
      expect(await answer(server.url)).toBe(2);
      const other = await server.createDatabase('second_db');
      const client = new pg.Client({ connectionString: other });
      await client.connect();
      await client.query('create table kept (x integer); insert into kept values (42)');
      await client.end();

      await server.restart();
      const again = new pg.Client({ connectionString: other });
      await again.connect();
      const { rows } = await again.query<{ x: number }>('select x from kept');
      await again.end();
      expect(rows).toEqual([{ x: 42 }]);
    } finally {
      await server.stop();
    }
    await expect(answer(server.url)).rejects.toThrow();
  });
});
