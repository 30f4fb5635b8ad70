/**
 * The input stream of a receiver that decodes what it reads (socketTextStream, and any receiver
 * with `storesRejectedRecords`): the {@link RejectedRecord}s it stored among its records leave the
 * batch and become the stream's dead letters of that batch time.
 */
import {
  DeadLetterLog,
  isRejectedRecord,
  type DeadLetter,
  type RejectedRecord,
} from '../dead-letters/dead-letter-log.js';
import { ReceiverInputNode } from './receiver-stream.js';

/** A receiver input whose rejected records become dead letters; see the file summary. */
export class RejectingReceiverInputNode<T> extends ReceiverInputNode<T> {
  constructor(...args: ConstructorParameters<typeof ReceiverInputNode<T>>) {
    super(...args);
    this.deadLetterLog = new DeadLetterLog();
  }

  /** The batch without its rejected records, which are written to the dead-letter log. */
  protected override async compute(time: number): Promise<T[]> {
    const mixed = await super.compute(time);
    let first = 0;
    while (first < mixed.length && !isRejectedRecord(mixed[first])) first++;
    const letters: DeadLetter[] = [];
    if (first === mixed.length) {
      this.deadLetterLog?.write(time, letters);
      return mixed;
    }
    const records = mixed.slice(0, first);
    for (let i = first; i < mixed.length; i++) {
      const item = mixed[i];
      if (isRejectedRecord(item)) letters.push(this.letter(item, time));
      else records.push(item as T);
    }
    this.deadLetterLog?.write(time, letters);
    return records;
  }

  private letter(rejected: RejectedRecord, batchTime: number): DeadLetter {
    const { record, error, reason } = rejected;
    const origin = { input: this.name, detail: rejected.detail ?? this.receiver.name };
    return { record, error, reason, operator: this.name, batchTime, origin };
  }
}
