import test from 'ava';
import { inspect } from 'node:util';
import { redact, safeError } from '../../systems/redact.js';

test('redact replaces every secret and the user info of URLs', (t) => {
  const error = new Error('amqp://app:s3cret@mq:5672 refused; password s3cret; mqtts://u:p@b; wss://x@y');
  t.is(redact(error, ['s3cret']), 'amqp://***@mq:5672 refused; password ***; mqtts://***@b; wss://***@y');
  t.is(redact('no secret here', ['']), 'no secret here');
});

test('safeError keeps the name and code and nothing of the original object', (t) => {
  const original = Object.assign(new Error('login with hunter2 refused'), {
    code: 'EAUTH',
    options: { password: 'hunter2' },
  });
  original.name = 'AuthError';
  const copy = safeError(original, ['hunter2']);
  t.is(copy.message, 'login with *** refused');
  t.is(copy.name, 'AuthError');
  t.is((copy as Error & { code?: string }).code, 'EAUTH');
  t.false(inspect(copy, { depth: Infinity }).includes('hunter2'));
});
