/**
 * sql: each batch time, the batches of one or more streams are tables of a SQL query, run by the
 * context's SQL engine (see `lib/sql/`); the result rows are the batch. The session (a connection
 * with the query prepared) is opened at start by `SqlRuntime` and closed at stop.
 */
import { ConfigurationError, KindlingError } from '../../errors.js';
import { formatDuration } from '../../duration.js';
import type { SqlSession, SqlSessionSpec, SqlTable } from '../../sql/engine.js';
import { DeadLetterLog, type DeadLetter } from '../dead-letters/dead-letter-log.js';
import { lineageOrigin } from '../dead-letters/dead-letters.js';
import { Node } from '../node.js';

/** A stream table of a sql operator: the stream's node, the table's name and its schema. */
export interface SqlInput {
  readonly node: Node<unknown>;
  readonly table: string;
  readonly schema?: Readonly<Record<string, string>>;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Throws a ConfigurationError unless `name` is a plain SQL identifier. */
export function checkTableName(operation: string, name: string): void {
  if (!IDENTIFIER.test(name)) {
    throw new ConfigurationError(
      `${operation}: table name '${name}' is not a plain identifier; use letters, digits and _`,
    );
  }
}

/** The node of `stream.sql` and `ssc.sql`. */
export class SqlNode extends Node<Record<string, unknown>> {
  /** Set at start by the context's SQL runtime; cleared at stop. */
  session: SqlSession | undefined;

  constructor(
    readonly inputs: readonly SqlInput[],
    readonly query: string,
    readonly tables: Readonly<Record<string, SqlTable>>,
  ) {
    const first = inputs[0];
    if (!first) throw new ConfigurationError('sql needs at least one stream');
    if (typeof query !== 'string' || query.trim() === '') {
      throw new ConfigurationError('sql: the query must be a non-empty string');
    }
    const names = new Set<string>();
    for (const name of [...inputs.map((i) => i.table), ...Object.keys(tables)]) {
      checkTableName('sql', name);
      if (names.has(name.toLowerCase())) {
        throw new ConfigurationError(`sql: table '${name}' is named twice; give each table its own name`);
      }
      names.add(name.toLowerCase());
    }
    super(
      first.node.scope,
      'sql',
      inputs.map((i) => i.node),
    );
    this.deadLetterLog = new DeadLetterLog();
  }

  override validate(): void {
    super.validate();
    const slides = new Set(this.dependencies.map((d) => d.slideDuration));
    if (slides.size > 1) {
      const list = this.inputs.map((i) => `${i.table} ${formatDuration(i.node.slideDuration)}`).join(', ');
      throw new ConfigurationError(
        `sql '${this.name}': its streams slide at different intervals (${list}); window them alike first`,
      );
    }
  }

  /** What the session is opened with (lookups among the tables are loaded by the runtime). */
  sessionSpec(tables: SqlSessionSpec['tables']): SqlSessionSpec {
    return {
      operator: this.name,
      query: this.query,
      streams: this.inputs.map((i) => ({ name: i.table, ...(i.schema ? { schema: i.schema } : {}) })),
      tables,
    };
  }

  protected async compute(time: number): Promise<Record<string, unknown>[]> {
    const batches = await Promise.all(this.dependencies.map((d) => d.getOrCompute(time)));
    const session = this.session;
    if (!session) {
      throw new KindlingError(`sql '${this.name}' has no open session: the context is not running`);
    }
    const result = await session.run(batches.map((b) => b ?? []));
    const letters: DeadLetter[] = result.misfits.map((misfit) => {
      const input = this.inputs[misfit.table] as SqlInput;
      return {
        record: misfit.record,
        error: new KindlingError(`table '${input.table}': ${misfit.reason}`),
        reason: 'schemaMismatch',
        operator: this.name,
        batchTime: time,
        origin: lineageOrigin(input.node),
      };
    });
    this.deadLetterLog?.write(time, letters);
    return result.rows;
  }
}
