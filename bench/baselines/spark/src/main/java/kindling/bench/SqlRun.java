package kindling.bench;

import java.util.ArrayList;
import java.util.LinkedList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.streaming.Duration;
import org.apache.spark.streaming.api.java.JavaDStream;
import org.apache.spark.streaming.api.java.JavaStreamingContext;
import org.apache.spark.streaming.scheduler.BatchInfo;
import org.apache.spark.util.ManualClock;

/**
 * The workloads of Kindling's SQL benchmark ({@code bench/sql/}) in Spark SQL, as Spark's
 * programming guide joins the two APIs: {@code foreachRDD}, the batch's RDD made a DataFrame, a
 * temporary view named {@code batch}, the same SQL query, its rows collected to the driver (as
 * Kindling's side collects them into a Map).
 *
 * <pre>
 * sql WORKLOAD SIZE BATCHES     WORKLOAD: wordcount | tweets; SIZE records a batch
 * </pre>
 *
 * Batch n (0-based) holds the records {@code bench/sql/benchmark.ts} draws with seed n + 1, by
 * the same linear congruential generator. Every batch's RDD (two partitions) is made and cached
 * before the run starts, so a batch's time is the query's, not the drawing of its records:
 * Kindling's side, too, gets arrays made beforehand. A batch is unpersisted once it has run.
 * Reported: each batch's wall time, and its result rows ({@code key: [figures]}) for the check.
 */
final class SqlRun {
  static final String WORDCOUNT = "SELECT value AS word, count(*) AS n FROM batch GROUP BY word";
  static final String TWEETS =
      "SELECT topic, location, avg(score) AS mood, count(*) AS n FROM batch GROUP BY topic, location";
  private static final String[] TOPICS = {"politics", "sports", "music", "tech", "food"};
  private static final long INTERVAL_MS = 1000;

  private final JavaSparkContext sc;
  private final String workload;
  private final int size;
  private final int batches;
  private final LinkedBlockingQueue<BatchInfo> completed = new LinkedBlockingQueue<>();

  SqlRun(JavaSparkContext sc, String[] words) {
    if (words.length != 4) throw new IllegalArgumentException("sql takes 3 arguments: WORKLOAD SIZE BATCHES");
    if (!words[1].equals("wordcount") && !words[1].equals("tweets")) {
      throw new IllegalArgumentException("unknown workload '" + words[1] + "' (wordcount, tweets)");
    }
    this.sc = sc;
    this.workload = words[1];
    this.size = Integer.parseInt(words[2]);
    this.batches = Integer.parseInt(words[3]);
  }

  String execute() throws InterruptedException {
    sc.sc().conf().set("spark.streaming.clock", "org.apache.spark.util.ManualClock");
    SparkSession spark = SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
    // local[2]: two shuffle partitions, not SQL's default of 200 (Spark's tuning advice for small data)
    spark.conf().set("spark.sql.shuffle.partitions", "2");
    boolean words = workload.equals("wordcount");
    StructType schema =
        words
            ? new StructType().add("value", DataTypes.StringType)
            : new StructType()
                .add("user", DataTypes.StringType)
                .add("location", DataTypes.StringType)
                .add("topic", DataTypes.StringType)
                .add("score", DataTypes.DoubleType);
    String query = words ? WORDCOUNT : TWEETS;
    JavaStreamingContext ssc = new JavaStreamingContext(sc, new Duration(INTERVAL_MS));
    Queue<JavaRDD<Row>> queue = new LinkedList<>();
    Map<Long, String> results = new ConcurrentHashMap<>();
    try {
      // Java's queueStream copies the queue when called: every batch is made (and cached) first.
      List<JavaRDD<Row>> prepared = new ArrayList<>();
      for (int n = 0; n < batches; n++) {
        JavaRDD<Row> batch = batchRdd(words, size, n + 1).cache();
        batch.count();
        prepared.add(batch);
      }
      queue.addAll(prepared);
      JavaDStream<Row> rows = ssc.queueStream(queue, true);
      rows.foreachRDD(
          (rdd, time) -> {
            Dataset<Row> table = spark.createDataFrame(rdd, schema);
            table.createOrReplaceTempView("batch");
            List<Row> result = spark.sql(query).collectAsList();
            results.put(time.milliseconds(), words ? wordRows(result) : tweetRows(result));
          });
      StreamingRun.queueCompletions(ssc, completed);
      ssc.start();
      ManualClock clock = (ManualClock) ssc.ssc().scheduler().clock();
      List<String> processing = new ArrayList<>();
      List<String> out = new ArrayList<>();
      for (int n = 0; n < batches; n++) {
        long time = (n + 1) * INTERVAL_MS;
        double ms = StreamingRun.advanceOneBatch(clock, completed, INTERVAL_MS, time, 10);
        processing.add(String.format(Locale.ROOT, "%.3f", ms));
        String result = results.remove(time);
        if (result == null) throw new IllegalStateException("no result for batch " + time);
        out.add(result);
        prepared.get(n).unpersist(true);
      }
      return "{\"processingMs\":[" + String.join(",", processing) + "],\"results\":[" + String.join(",", out) + "]}";
    } finally {
      ssc.stop(false, false);
    }
  }

  /** The generator of bench/sql/benchmark.ts ({@code random(seed)}): state * 1664525 + 1013904223 mod 2^32. */
  static final class Lcg {
    private int state;

    Lcg(int seed) {
      this.state = seed;
    }

    double next() {
      state = state * 1664525 + 1013904223;
      return Integer.toUnsignedLong(state) / 4294967296.0;
    }
  }

  /**
   * Batch {@code seed - 1} as an RDD of two partitions, each drawn in its own task: the first
   * half of the records, then the second (its generator moved past the first half's draws).
   */
  private JavaRDD<Row> batchRdd(boolean words, int size, int seed) {
    int half = size / 2;
    return sc.parallelize(List.of(0, 1), 2)
        .flatMap(slice -> (slice == 0 ? records(words, seed, 0, half) : records(words, seed, half, size - half)).iterator());
  }

  /** Records {@code from} to {@code from + count} of the batch drawn with {@code seed}. */
  static List<Row> records(boolean words, int seed, int from, int count) {
    Lcg next = new Lcg(seed);
    int draws = words ? 1 : 4;
    for (long i = 0; i < (long) from * draws; i++) next.next();
    List<Row> rows = new ArrayList<>(count);
    for (int i = 0; i < count; i++) rows.add(words ? word(next) : tweet(next));
    return rows;
  }

  private static Row word(Lcg next) {
    return RowFactory.create("w" + (long) Math.floor(20_000 * StrictMath.pow(next.next(), 3)));
  }

  private static Row tweet(Lcg next) {
    String user = "u" + (long) Math.floor(next.next() * 50_000);
    String location = "city" + (long) Math.floor(100 * StrictMath.pow(next.next(), 2));
    String topic = TOPICS[(int) Math.floor(next.next() * TOPICS.length)];
    double score = Math.round((next.next() * 2 - 1) * 1000) / 1000.0; // JS Math.round: ties up
    return RowFactory.create(user, location, topic, score);
  }

  private static String wordRows(List<Row> rows) {
    StringBuilder json = new StringBuilder("{");
    for (Row row : rows) {
      if (json.length() > 1) json.append(',');
      json.append('"').append(row.getString(0)).append("\":[").append(row.getLong(1)).append(']');
    }
    return json.append('}').toString();
  }

  private static String tweetRows(List<Row> rows) {
    StringBuilder json = new StringBuilder("{");
    for (Row row : rows) {
      if (json.length() > 1) json.append(',');
      json.append('"').append(row.getString(0)).append('/').append(row.getString(1)).append("\":[");
      json.append(String.format(Locale.ROOT, "%.17g", row.getDouble(2))).append(',').append(row.getLong(3)).append(']');
    }
    return json.append('}').toString();
  }
}
