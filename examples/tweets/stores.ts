/**
 * Where the demo reads its users table and writes its scored tweets, from one address each:
 * `--users` picks the lookup (a local JSON Lines file by default, or MongoDB, HBase, S3, HDFS),
 * `--output` an output (Kafka, MongoDB, HBase, S3, HDFS or a local folder).
 *
 * S3 takes its endpoint and credentials from the environment (`S3_ENDPOINT`,
 * `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`), never from the address.
 */
import { ConfigurationError, type DStream, type Lookup } from 'kindling';
import { hbaseLookup, hdfsLookup, jsonlFileLookup, mongoLookup, s3Lookup } from 'kindling/lookups';
import { fileOutput, hbaseOutput, hdfsOutput, kafkaOutput, mongoOutput, s3Output } from 'kindling/outputs';
import type { Profile, ScoredTweet } from './job.js';

/** The forms of address the demo understands, for its help text. */
export const ADDRESS_FORMS = [
  'a path                              a local JSON Lines file (users) or folder (output)',
  'mongodb://HOST:PORT/DB/COLLECTION   documents keyed by id_str (users) or by tweet id (output)',
  'hbase://ZKHOST:ZKPORT/TABLE         family "p" (users: p:json holds the profile) or "t" (output)',
  's3://BUCKET/KEY                     a JSON Lines object (users) or a prefix (output)',
  'hdfs://HOST:RPCPORT/PATH            a JSON Lines file (users) or a folder (output)',
  'kafka://HOST:PORT/TOPIC             output only: one JSON message per scored tweet',
];

function split(address: string, what: string): { scheme: string; host: string; path: string[] } {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw new ConfigurationError(
      `${what} ${address} is not an address; use one of:\n  ${ADDRESS_FORMS.join('\n  ')}`,
    );
  }
  return { scheme: url.protocol.slice(0, -1), host: url.host, path: url.pathname.split('/').filter(Boolean) };
}

const isAddress = (spec: string): boolean => /^[a-z][a-z0-9+.-]*:\/\//i.test(spec);

function s3Connection(): { endpoint?: string; forcePathStyle: boolean } {
  const endpoint = process.env['S3_ENDPOINT'];
  return endpoint ? { endpoint, forcePathStyle: true } : { forcePathStyle: false };
}

/** The users lookup that `--users` names, keyed by the author's id (`id_str`). */
export function usersLookup(spec: string): Lookup<string, Profile> {
  if (!isAddress(spec)) return jsonlFileLookup<Profile, string>(spec, { key: 'id_str', name: 'users' });
  const { scheme, host, path } = split(spec, '--users');
  switch (scheme) {
    case 'mongodb': {
      const [db, collection] = path;
      if (!db || !collection)
        throw new ConfigurationError(`--users ${spec}: give mongodb://HOST:PORT/DB/COLLECTION`);
      return mongoLookup<string, Profile>({
        url: `mongodb://${host}`,
        db,
        collection,
        keyField: 'id_str',
        name: 'users',
      });
    }
    case 'hbase': {
      const [table] = path;
      if (!table) throw new ConfigurationError(`--users ${spec}: give hbase://ZKHOST:ZKPORT/TABLE`);
      const lookup = hbaseLookup<string, { profile: Profile }>({
        zookeeper: host,
        table,
        columns: { profile: 'p:json' },
        decode: 'json',
        name: 'users',
      });
      return {
        name: 'users',
        getAll: async (keys) => {
          const rows = await lookup.getAll(keys);
          return new Map([...rows].map(([key, row]) => [key, row.profile]));
        },
        close: async () => {
          await lookup.close?.();
        },
      };
    }
    case 's3':
      return s3Lookup<string, Profile>({
        url: spec,
        format: 'jsonl',
        key: (row) => row.id_str,
        ...s3Connection(),
      });
    case 'hdfs':
      return hdfsLookup<string, Profile>({ url: spec, format: 'jsonl', key: (row: Profile) => row.id_str });
    default:
      throw new ConfigurationError(
        `--users ${spec}: unknown store '${scheme}'; use one of:\n  ${ADDRESS_FORMS.join('\n  ')}`,
      );
  }
}

/** The record each output writes for a scored tweet. */
export function outputRecord(tweet: ScoredTweet): Record<string, unknown> {
  const s = tweet.sentiment;
  return {
    id: tweet.id,
    text: tweet.text,
    topics: tweet.topics,
    location: tweet.location ?? null,
    sentiment: s.scored ? { score: s.score, label: s.label, language: s.language } : { unscored: s.reason },
  };
}

/** Declares the output that `--output` names on the scored tweets. */
export function resultsOutput(scored: DStream<ScoredTweet>, spec: string): void {
  if (!isAddress(spec)) {
    fileOutput(scored.map(outputRecord), { dir: spec, format: 'jsonl' });
    return;
  }
  const { scheme, host, path } = split(spec, '--output');
  switch (scheme) {
    case 'kafka': {
      const [topic] = path;
      if (!topic) throw new ConfigurationError(`--output ${spec}: give kafka://HOST:PORT/TOPIC`);
      kafkaOutput(scored, {
        brokers: [host],
        topic,
        key: (t) => t.id,
        value: (t) => JSON.stringify(outputRecord(t)),
      });
      return;
    }
    case 'mongodb': {
      const [db, collection] = path;
      if (!db || !collection)
        throw new ConfigurationError(`--output ${spec}: give mongodb://HOST:PORT/DB/COLLECTION`);
      mongoOutput(scored, {
        url: `mongodb://${host}`,
        db,
        collection,
        key: (t) => t.id,
        document: outputRecord,
      });
      return;
    }
    case 'hbase': {
      const [table] = path;
      if (!table) throw new ConfigurationError(`--output ${spec}: give hbase://ZKHOST:ZKPORT/TABLE`);
      const rows = scored.map((t) => ({ id: t.id, json: JSON.stringify(outputRecord(t)) }));
      hbaseOutput(rows, { zookeeper: host, table, rowKey: (row) => row.id, columns: { json: 't:json' } });
      return;
    }
    case 's3':
      s3Output(scored.map(outputRecord), { url: spec, format: 'jsonl', ...s3Connection() });
      return;
    case 'hdfs':
      hdfsOutput(scored.map(outputRecord), { url: spec, format: 'jsonl' });
      return;
    default:
      throw new ConfigurationError(
        `--output ${spec}: unknown store '${scheme}'; use one of:\n  ${ADDRESS_FORMS.join('\n  ')}`,
      );
  }
}
