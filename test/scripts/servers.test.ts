import test from 'ava';
import { describeSettings } from '../../scripts/servers.js';

test('server settings are printed with secrets masked', (t) => {
  const line = describeSettings({
    KINDLING_KINESIS_PORT: '14567',
    KINDLING_KINESIS_SECRET_ACCESS_KEY: 'hunter2',
    KINDLING_RABBITMQ_PASSWORD: 'swordfish',
  });
  t.is(
    line,
    'KINDLING_KINESIS_PORT=14567 KINDLING_KINESIS_SECRET_ACCESS_KEY=*** KINDLING_RABBITMQ_PASSWORD=***',
  );
  t.false(/hunter2|swordfish/.test(line));
});
