import { StreamingContext, seconds } from 'kindling';

const ssc = new StreamingContext({ batchInterval: seconds(1), name: 'first-job' });
ssc
  .socketTextStream('127.0.0.1', 9999) // e.g. `nc -lk 9999`, then type lines
  .flatMap((line) => line.split(' '))
  .map((word): [string, number] => [word, 1])
  .reduceByKey((a, b) => a + b)
  .print();
await ssc.start();
await ssc.awaitTermination(); // Ctrl-C to stop
