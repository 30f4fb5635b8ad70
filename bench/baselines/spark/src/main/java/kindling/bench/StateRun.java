package kindling.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.Optional;
import org.apache.spark.api.java.function.Function3;
import org.apache.spark.streaming.Duration;
import org.apache.spark.streaming.State;
import org.apache.spark.streaming.StateSpec;
import org.apache.spark.streaming.api.java.JavaMapWithStateDStream;
import org.apache.spark.streaming.api.java.JavaPairDStream;
import org.apache.spark.streaming.api.java.JavaStreamingContext;
import org.apache.spark.streaming.scheduler.BatchInfo;
import org.apache.spark.util.ManualClock;
import scala.Tuple2;

/**
 * The keyed-state workload of Kindling's state benchmark ({@code bench/state/}) on Spark's
 * {@code mapWithState}: a running sum per key over records {@code (key, 1)} whose keys are drawn
 * from K distinct keys {@code k0 … k<K-1>}, starting from an initial state of all K keys (key
 * {@code k<i>} at {@code i mod 10}). Each batch is two slices, each drawn in its own task by its
 * own mulberry32 generator (seed {@code 0x5eed0000 + 2n + slice} for batch n, 0-based), the very
 * records Kindling's side draws ({@code bench/state/workload.ts}). Run on a manual clock, batches
 * driven as fast as they complete; the state is checkpointed every CHECKPOINT_MS (Spark requires
 * checkpointing for mapWithState), and with a timeout, idle keys are removed on those checkpoint
 * batches (where Spark scans the state for them).
 *
 * <p>Reported: each batch's wall time, each batch's mapped output as {@code records:sum} (the
 * nulls of timed-out keys left out), the digest of the state after the last batch (as {@link
 * StreamingRun#digest}), the JVM's peak used heap (sampled after every batch, garbage included)
 * and its used heap after a full GC at the end, and the bytes of each state checkpoint.
 */
final class StateRun {
  private static final int SLICES = 2;
  private final JavaSparkContext sc;
  private final Spec spec;
  private final LinkedBlockingQueue<BatchInfo> completed = new LinkedBlockingQueue<>();

  /** The parameters of one {@code state} command. */
  record Spec(
      int keys,
      int recordsPerBatch,
      int batches,
      long intervalMs,
      long timeoutMs,
      long checkpointMs,
      String checkpointDir) {
    static Spec parse(String[] words) {
      if (words.length != 8) {
        throw new IllegalArgumentException(
            "state takes 7 arguments: KEYS RECORDS BATCHES INTERVAL_MS TIMEOUT_MS CHECKPOINT_MS CHECKPOINT_DIR");
      }
      Spec spec =
          new Spec(
              Integer.parseInt(words[1]),
              Integer.parseInt(words[2]),
              Integer.parseInt(words[3]),
              Long.parseLong(words[4]),
              Long.parseLong(words[5]),
              Long.parseLong(words[6]),
              words[7]);
      if (spec.checkpointMs() <= 0 || spec.checkpointMs() % spec.intervalMs() != 0) {
        throw new IllegalArgumentException(
            "CHECKPOINT_MS " + spec.checkpointMs() + " must be a positive multiple of INTERVAL_MS "
                + spec.intervalMs() + ": Spark's mapWithState always checkpoints");
      }
      return spec;
    }
  }

  StateRun(JavaSparkContext sc, Spec spec) {
    this.sc = sc;
    this.spec = spec;
  }

  String execute() throws InterruptedException {
    sc.sc().conf().set("spark.streaming.clock", "org.apache.spark.util.ManualClock");
    JavaStreamingContext ssc = new JavaStreamingContext(sc, new Duration(spec.intervalMs()));
    try {
      ssc.checkpoint(spec.checkpointDir());
      int keys = spec.keys();
      int perBatch = spec.recordsPerBatch();
      Queue<JavaRDD<Integer>> queue = new LinkedList<>();
      for (int n = 0; n < spec.batches(); n++) queue.add(sc.parallelize(sliceIds(n), SLICES));
      JavaPairDStream<String, Long> records =
          ssc.queueStream(queue, true).flatMapToPair(id -> sliceRecords(id, keys, perBatch).iterator());
      JavaPairRDD<String, Long> initial =
          sc.parallelize(sliceIds(0), SLICES).flatMapToPair(slice -> initialSlice(slice, keys).iterator());
      Function3<String, Optional<Long>, State<Long>, Long> sum = StateRun::sum;
      StateSpec<String, Long, Long, Long> stateSpec =
          StateSpec.function(sum).initialState(initial).numPartitions(SLICES);
      if (spec.timeoutMs() > 0) stateSpec = stateSpec.timeout(new Duration(spec.timeoutMs()));
      JavaMapWithStateDStream<String, Long, Long, Long> sums = records.mapWithState(stateSpec);
      sums.checkpoint(new Duration(spec.checkpointMs()));
      Map<Long, String> emitted = new ConcurrentHashMap<>();
      sums.foreachRDD((rdd, time) -> emitted.put(time.milliseconds(), emittedDigest(rdd)));
      long last = spec.batches() * spec.intervalMs();
      AtomicReference<String> finalDigest = new AtomicReference<>();
      sums.stateSnapshots()
          .foreachRDD(
              (rdd, time) -> {
                if (time.milliseconds() == last) finalDigest.set(StreamingRun.digest(rdd));
              });
      StreamingRun.queueCompletions(ssc, completed);
      System.gc();
      ssc.start();
      return drive(ssc, emitted, finalDigest);
    } finally {
      ssc.stop(false, false);
    }
  }

  /** Advances the manual clock one interval at a time, as soon as the previous batch completed. */
  private String drive(JavaStreamingContext ssc, Map<Long, String> emitted, AtomicReference<String> finalDigest)
      throws InterruptedException {
    ManualClock clock = (ManualClock) ssc.ssc().scheduler().clock();
    Runtime runtime = Runtime.getRuntime();
    List<String> processing = new ArrayList<>();
    List<String> order = new ArrayList<>();
    List<String> checkpointBytes = new ArrayList<>();
    long peak = runtime.totalMemory() - runtime.freeMemory();
    for (int n = 1; n <= spec.batches(); n++) {
      long time = n * spec.intervalMs();
      double ms = StreamingRun.advanceOneBatch(clock, completed, spec.intervalMs(), time, 30);
      processing.add(String.format(Locale.ROOT, "%.3f", ms));
      peak = Math.max(peak, runtime.totalMemory() - runtime.freeMemory());
      String digest = emitted.get(time);
      if (digest == null) throw new IllegalStateException("no output for batch " + time);
      order.add("\"" + digest + "\"");
      if (time % spec.checkpointMs() == 0) checkpointBytes.add(Long.toString(newestCheckpointBytes()));
    }
    System.gc();
    long retained = runtime.totalMemory() - runtime.freeMemory();
    if (finalDigest.get() == null) throw new IllegalStateException("no state snapshot of the last batch");
    return String.format(
        Locale.ROOT,
        "{\"processingMs\":[%s],\"emitted\":[%s],\"finalDigest\":\"%s\",\"peakHeapBytes\":%d,"
            + "\"retainedHeapBytes\":%d,\"checkpointBytes\":[%s]}",
        String.join(",", processing),
        String.join(",", order),
        finalDigest.get(),
        peak,
        retained,
        String.join(",", checkpointBytes));
  }

  /**
   * The bytes of the newest RDD checkpoint under the checkpoint directory (the files of its
   * {@code rdd-N} folder, Hadoop's checksum files included): the state checkpoint of the batch
   * that just completed. Spark deletes older ones as newer ones are written.
   */
  private long newestCheckpointBytes() {
    try (Stream<Path> paths = Files.walk(Paths.get(spec.checkpointDir()))) {
      Path newest =
          paths
              .filter(p -> Files.isDirectory(p) && p.getFileName().toString().startsWith("rdd-"))
              .max((a, b) -> Long.compare(rddId(a), rddId(b)))
              .orElse(null);
      if (newest == null) return 0;
      try (Stream<Path> files = Files.walk(newest)) {
        return files.filter(Files::isRegularFile).mapToLong(StateRun::size).sum();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long rddId(Path dir) {
    return Long.parseLong(dir.getFileName().toString().substring("rdd-".length()));
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<Integer> sliceIds(int n) {
    List<Integer> ids = new ArrayList<>(SLICES);
    for (int s = 0; s < SLICES; s++) ids.add(n * SLICES + s);
    return ids;
  }

  /** The running sum: a record adds its value; a timed-out key's last call maps to nothing. */
  private static Long sum(String key, Optional<Long> one, State<Long> state) {
    if (!one.isPresent()) return null;
    long next = (state.exists() ? state.get() : 0L) + one.get();
    state.update(next);
    return next;
  }

  /** The records of slice {@code id mod 2} of batch {@code id / 2}, as bench/state/workload.ts draws them. */
  static List<Tuple2<String, Long>> sliceRecords(int id, int keys, int perBatch) {
    int slice = id % SLICES;
    int base = perBatch / SLICES;
    int count = slice == SLICES - 1 ? perBatch - base * (SLICES - 1) : base;
    Mulberry32 random = new Mulberry32(0x5eed0000 + id);
    List<Tuple2<String, Long>> records = new ArrayList<>(count);
    for (int i = 0; i < count; i++) records.add(new Tuple2<>("k" + (random.next() % keys), 1L));
    return records;
  }

  /** Slice {@code slice} of the initial state: key {@code k<i>} at {@code i mod 10}. */
  static List<Tuple2<String, Long>> initialSlice(int slice, int keys) {
    List<Tuple2<String, Long>> pairs = new ArrayList<>();
    for (int i = slice; i < keys; i += SLICES) pairs.add(new Tuple2<>("k" + i, (long) (i % 10)));
    return pairs;
  }

  /** A batch's mapped output as {@code records:sum}, nulls (timed-out keys) left out. */
  static String emittedDigest(JavaRDD<Long> rdd) {
    List<long[]> parts =
        rdd.mapPartitions(
                it -> {
                  long[] acc = new long[2];
                  while (it.hasNext()) {
                    Long value = it.next();
                    if (value == null) continue;
                    acc[0]++;
                    acc[1] += value;
                  }
                  return List.of(acc).iterator();
                })
            .collect();
    long records = 0;
    long sum = 0;
    for (long[] part : parts) {
      records += part[0];
      sum += part[1];
    }
    return records + ":" + sum;
  }

  /** mulberry32, as {@code seededRandom} of bench/workload/lines.ts: the unsigned 32-bit outputs. */
  static final class Mulberry32 {
    private int state;

    Mulberry32(int seed) {
      this.state = seed;
    }

    long next() {
      state += 0x6d2b79f5;
      int t = state;
      t = (t ^ (t >>> 15)) * (t | 1);
      t ^= t + (t ^ (t >>> 7)) * (t | 61);
      return Integer.toUnsignedLong(t ^ (t >>> 14));
    }
  }
}
