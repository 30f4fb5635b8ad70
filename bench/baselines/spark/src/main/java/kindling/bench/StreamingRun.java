package kindling.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.streaming.Duration;
import org.apache.spark.streaming.api.java.JavaPairDStream;
import org.apache.spark.streaming.api.java.JavaStreamingContext;
import org.apache.spark.streaming.scheduler.BatchInfo;
import org.apache.spark.streaming.scheduler.StreamingListener;
import org.apache.spark.streaming.scheduler.StreamingListenerBatchCompleted;
import org.apache.spark.util.ManualClock;
import scala.Tuple2;

/**
 * One run of a workload on a fresh StreamingContext over the shared SparkContext: the batches are
 * queued as RDDs before the start ({@code queueStream}, one RDD per batch), word counts per batch
 * ({@code wordcount}) or per 1-interval slide of a window with the inverse function
 * ({@code windowed}), and each batch's output reduced to a digest that Kindling's side computes the
 * same way (see {@link #digest}). With a checkpoint interval, the run checkpoints into its
 * directory: the metadata every batch, the window's data at that interval.
 */
final class StreamingRun {
  private final JavaSparkContext sc;
  private final List<String> lines;
  private final SparkBaseline.Run run;
  private final Map<Long, String> digests = new ConcurrentHashMap<>();
  private final LinkedBlockingQueue<BatchInfo> completed = new LinkedBlockingQueue<>();

  StreamingRun(JavaSparkContext sc, List<String> lines, SparkBaseline.Run run) {
    if (lines.isEmpty()) throw new IllegalStateException("no lines loaded: send 'load FILE' first");
    this.sc = sc;
    this.lines = lines;
    this.run = run;
  }

  SparkBaseline.Measured execute() throws InterruptedException {
    sc.sc()
        .conf()
        .set(
            "spark.streaming.clock",
            run.manualClock() ? "org.apache.spark.util.ManualClock" : "org.apache.spark.util.SystemClock");
    JavaStreamingContext ssc = new JavaStreamingContext(sc, new Duration(run.intervalMs()));
    try {
      // With a checkpoint directory Spark writes its metadata checkpoint every batch; a window with
      // an inverse function cannot run without one (Run.parse refuses that).
      if (run.checkpointMs() > 0) ssc.checkpoint(run.checkpointDir());
      Queue<JavaRDD<String>> queue = new LinkedList<>();
      for (int n = 0; n < run.batches(); n++) queue.add(sc.parallelize(batch(n), 2));
      JavaPairDStream<String, Integer> pairs =
          ssc.queueStream(queue, true).flatMap(StreamingRun::split).mapToPair(w -> new Tuple2<>(w, 1));
      JavaPairDStream<String, Integer> counts =
          run.workload().equals("windowed")
              ? pairs.reduceByKeyAndWindow(
                  Integer::sum,
                  (a, b) -> a - b,
                  new Duration(run.windowMs()),
                  new Duration(run.intervalMs()),
                  2,
                  p -> p._2() > 0)
              : pairs.reduceByKey(Integer::sum, 2);
      // The window's data checkpoint at the run's interval (Spark's default: 10 s rounded up to a
      // multiple of the slide).
      if (run.workload().equals("windowed")) counts.checkpoint(new Duration(run.checkpointMs()));
      Map<Long, String> sink = digests;
      counts.foreachRDD((rdd, time) -> sink.put(time.milliseconds(), digest(rdd)));
      queueCompletions(ssc, completed);
      ssc.start();
      return run.manualClock() ? driveManually(ssc) : awaitBatches();
    } finally {
      ssc.stop(false, false);
    }
  }

  /** The n-th batch: LINES lines from (n * LINES) mod size on, wrapping around. */
  private List<String> batch(int n) {
    int size = lines.size();
    List<String> batch = new ArrayList<>(run.linesPerBatch());
    int start = (int) (((long) n * run.linesPerBatch()) % size);
    for (int i = 0; i < run.linesPerBatch(); i++) batch.add(lines.get((start + i) % size));
    return batch;
  }

  private static Iterator<String> split(String line) {
    return Arrays.asList(line.split(" ")).iterator();
  }

  /** Puts the info of every batch of {@code ssc} on {@code completed} as the batch completes. */
  static void queueCompletions(JavaStreamingContext ssc, BlockingQueue<BatchInfo> completed) {
    ssc.addStreamingListener(
        new StreamingListener() {
          @Override
          public void onBatchCompleted(StreamingListenerBatchCompleted batch) {
            completed.add(batch.batchInfo());
          }
        });
  }

  /**
   * Advances {@code clock} one interval and waits (up to {@code minutes}) for the batch of
   * {@code time} to complete, which must be the next on {@code completed}; returns the ms it took.
   */
  static double advanceOneBatch(
      ManualClock clock, BlockingQueue<BatchInfo> completed, long intervalMs, long time, int minutes)
      throws InterruptedException {
    long start = System.nanoTime();
    clock.advance(intervalMs);
    BatchInfo info = completed.poll(minutes, TimeUnit.MINUTES);
    if (info == null) {
      throw new IllegalStateException("batch " + time + " did not complete in " + minutes + " minutes");
    }
    if (info.batchTime().milliseconds() != time) {
      throw new IllegalStateException("batch " + info.batchTime().milliseconds() + " completed, expected " + time);
    }
    return (System.nanoTime() - start) / 1e6;
  }

  /** Advances the manual clock one interval at a time, as soon as the previous batch completed. */
  private SparkBaseline.Measured driveManually(JavaStreamingContext ssc) throws InterruptedException {
    ManualClock clock = (ManualClock) ssc.ssc().scheduler().clock();
    List<Double> processing = new ArrayList<>();
    List<String> order = new ArrayList<>();
    for (int n = 1; n <= run.batches(); n++) {
      long time = n * run.intervalMs();
      processing.add(advanceOneBatch(clock, completed, run.intervalMs(), time, 10));
      order.add(digestOf(time));
    }
    return new SparkBaseline.Measured(processing, zeros(processing.size()), processing, order);
  }

  /**
   * Waits for the run's batches to complete in real time; delays as the listener reports them. A
   * run that falls behind is cut off after 30 s plus three times its length: then only the batches
   * completed by then are reported.
   */
  private SparkBaseline.Measured awaitBatches() throws InterruptedException {
    List<Double> processing = new ArrayList<>();
    List<Double> scheduling = new ArrayList<>();
    List<Double> total = new ArrayList<>();
    List<String> order = new ArrayList<>();
    long limitMs = 30_000 + 3 * run.batches() * run.intervalMs();
    long deadline = System.nanoTime() + limitMs * 1_000_000;
    while (processing.size() < run.batches()) {
      BatchInfo info = completed.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (info == null) break;
      processing.add(((Number) info.processingDelay().get()).doubleValue());
      scheduling.add(((Number) info.schedulingDelay().get()).doubleValue());
      total.add(((Number) info.totalDelay().get()).doubleValue());
      order.add(digestOf(info.batchTime().milliseconds()));
    }
    return new SparkBaseline.Measured(processing, scheduling, total, order);
  }

  private String digestOf(long time) {
    String digest = digests.get(time);
    if (digest == null) throw new IllegalStateException("no output for batch " + time);
    return digest;
  }

  private static List<Double> zeros(int n) {
    List<Double> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) list.add(0.0);
    return list;
  }

  /**
   * A batch's word counts as {@code pairs:sum:hash}: the number of (word, count) pairs, the sum of
   * the counts, and the sum modulo 2^32 of the 32-bit FNV-1a hash of each pair's {@code word\tcount}
   * (its chars, which are ASCII). Independent of the order of the pairs. The counts are whole
   * numbers ({@code Integer} here, {@code Long} in {@link StateRun}).
   */
  static <N extends Number> String digest(JavaPairRDD<String, N> rdd) {
    List<long[]> parts =
        rdd.mapPartitions(
                it -> {
                  long[] acc = new long[3];
                  while (it.hasNext()) {
                    Tuple2<String, N> pair = it.next();
                    acc[0]++;
                    acc[1] += pair._2().longValue();
                    acc[2] += Integer.toUnsignedLong(fnv1a(pair._1() + "\t" + pair._2()));
                  }
                  return List.of(acc).iterator();
                })
            .collect();
    long pairs = 0;
    long sum = 0;
    long hash = 0;
    for (long[] part : parts) {
      pairs += part[0];
      sum += part[1];
      hash += part[2];
    }
    return pairs + ":" + sum + ":" + (hash & 0xffffffffL);
  }

  static int fnv1a(String text) {
    int h = 0x811c9dc5;
    for (int i = 0; i < text.length(); i++) {
      h ^= text.charAt(i);
      h *= 0x01000193;
    }
    return h;
  }
}
