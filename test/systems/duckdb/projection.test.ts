/**
 * Which columns a query reads, from DuckDB's parse of it: only what is named for certain, and
 * every column (undefined) whenever the query may read more than it names.
 */
import test from 'ava';
import { loadDuckApi } from '../../../systems/duckdb/api.js';
import { columnsRead } from '../../../systems/duckdb/projection.js';

const columns = new Set(['user', 'location', 'topic', 'score', 'pos', 'tags']);

test('the columns a query names, and all of them when it may read more', async (t) => {
  const api = loadDuckApi();
  const instance = await api.DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  t.teardown(() => instance.closeSync());
  const read = async (query: string): Promise<string[] | undefined> => {
    const names = await columnsRead(connection, query, columns);
    return names && [...names].sort();
  };
  t.deepEqual(await read('SELECT topic, avg(score) FROM batch GROUP BY topic'), ['score', 'topic']);
  t.deepEqual(await read('SELECT b.Location FROM batch b WHERE b.score > 0'), ['b', 'location', 'score']);
  t.deepEqual(await read('SELECT pos.x FROM batch'), ['pos', 'x']);
  t.deepEqual(await read('SELECT count(*) FROM a JOIN b USING (user)'), ['user']);
  for (const query of [
    'SELECT * FROM batch',
    'FROM batch',
    'SELECT b.* FROM batch b',
    "SELECT COLUMNS('s.*') FROM batch",
    'SELECT count(*) FROM a NATURAL JOIN b',
    'SELECT batch FROM batch', // the whole row, as a struct
    'SELECT topic AS t FROM batch ORDER BY t', // an alias: not told apart from a row or lambda
    'SELECT list_transform(tags, x -> x) FROM batch',
    'PIVOT batch ON topic USING sum(score)',
    'SELECT * FROM (PIVOT batch ON topic USING sum(score))',
    "COPY (SELECT 1) TO 'x.csv'",
  ]) {
    t.is(await read(query), undefined, query);
  }
});
