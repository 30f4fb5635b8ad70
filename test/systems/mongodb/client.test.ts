/**
 * How MongoDB errors are described: a failed server selection says what every server said, a
 * refused connection says how to fix it, and no password is ever in the text.
 */
import test from 'ava';
import { describe } from '../../../systems/mongodb/client.js';

/** An error shaped as the driver's MongoServerSelectionError: one server in its message, all in its reason. */
function selectionError(message: string, servers: [string, Error & { code?: string }][]): Error {
  const error = new Error(message);
  error.name = 'MongoServerSelectionError';
  return Object.assign(error, {
    reason: { servers: new Map(servers.map(([address, said]) => [address, { error: said }])) },
  });
}

const refusedAt = (address: string) =>
  Object.assign(new Error(`connect ECONNREFUSED ${address}`), { code: 'ECONNREFUSED' });

test('a failed server selection names every server it tried, and what a refusal means', (t) => {
  const error = selectionError('connect ECONNREFUSED 10.0.0.1:27017', [
    ['10.0.0.1:27017', refusedAt('10.0.0.1:27017')],
    ['10.0.0.2:27017', refusedAt('10.0.0.2:27017')],
  ]);
  t.is(
    describe(error, []),
    'MongoServerSelectionError: connect ECONNREFUSED 10.0.0.1:27017; 10.0.0.2:27017: connect ECONNREFUSED ' +
      '10.0.0.2:27017 (connection refused: nothing listens there; start the server, or correct the host and port)',
  );
});

test('other errors are described as they are, without secrets', (t) => {
  const timeout = selectionError('Server selection timed out after 300 ms', []);
  t.is(describe(timeout, []), 'MongoServerSelectionError: Server selection timed out after 300 ms');
  const auth = new Error('Authentication failed for mongodb://app:s3cret@db:27017');
  t.is(describe(auth, ['s3cret']), 'Error: Authentication failed for mongodb://***@db:27017');
});
