package kindling.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Spark Streaming baseline for Kindling's benchmarks: one JVM, one {@code local[2]} SparkContext,
 * driven by commands on standard input, one per line; each answer is one line on standard output
 * that starts with {@code RESULT } (an error: {@code ERROR }) and holds JSON. Spark's own logs go
 * to standard error.
 *
 * <pre>
 * load FILE                                  read the benchmark's lines (ASCII words, one space apart)
 * run WORKLOAD CLOCK INTERVAL_MS LINES BATCHES WINDOW_MS CHECKPOINT_MS CHECKPOINT_DIR
 *     WORKLOAD: wordcount | windowed; CLOCK: manual (batches driven as fast as they complete,
 *     wall time per batch) | system (real time, delays from a StreamingListener);
 *     CHECKPOINT_MS 0: no checkpoints (CHECKPOINT_DIR then -), otherwise checkpoints into
 *     CHECKPOINT_DIR: the metadata every batch, and windowed's window every CHECKPOINT_MS
 *     (windowed needs CHECKPOINT_MS: Spark cannot run an inverse-function window without)
 * state KEYS RECORDS BATCHES INTERVAL_MS TIMEOUT_MS CHECKPOINT_MS CHECKPOINT_DIR
 *     mapWithState: a running sum per key over KEYS keys, RECORDS records a batch, on a manual
 *     clock; TIMEOUT_MS 0: no timeout; the state checkpointed every CHECKPOINT_MS (see StateRun)
 * sql WORKLOAD SIZE BATCHES
 *     Spark SQL on each batch (foreachRDD, a DataFrame, the SQL query) on a manual clock, SIZE
 *     records a batch drawn as bench/sql draws them; WORKLOAD: wordcount | tweets (see SqlRun)
 * quit
 * </pre>
 *
 * The n-th batch of a run holds LINES lines of the file from line (n * LINES) mod size on,
 * wrapping around: Kindling's side of the benchmark cuts the same batches.
 */
public final class SparkBaseline {
  private SparkBaseline() {}

  public static void main(String[] args) throws IOException {
    SparkConf conf =
        new SparkConf()
            .setMaster("local[2]")
            .setAppName("kindling-bench-baseline")
            .set("spark.ui.enabled", "false")
            .set("spark.driver.host", "127.0.0.1")
            .set("spark.driver.bindAddress", "127.0.0.1")
            .set("spark.default.parallelism", "2")
            // the serializer Spark's tuning guide recommends for streaming jobs
            .set("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
            .set("spark.streaming.stopGracefullyOnShutdown", "false");
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    try (JavaSparkContext sc = new JavaSparkContext(conf)) {
      sc.setLogLevel("WARN");
      out.println("RESULT {\"ready\":true,\"spark\":\"" + sc.version() + "\"}");
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      List<String> lines = List.of();
      for (String command = in.readLine(); command != null; command = in.readLine()) {
        String[] words = command.trim().split(" ");
        try {
          switch (words[0]) {
            case "load" -> {
              lines = Files.readAllLines(Paths.get(words[1]), StandardCharsets.US_ASCII);
              out.println("RESULT {\"lines\":" + lines.size() + "}");
            }
            case "run" -> {
              Run run = Run.parse(words);
              out.println("RESULT " + new StreamingRun(sc, lines, run).execute().toJson());
            }
            case "state" -> out.println("RESULT " + new StateRun(sc, StateRun.Spec.parse(words)).execute());
            case "sql" -> out.println("RESULT " + new SqlRun(sc, words).execute());
            case "quit" -> {
              return;
            }
            default -> throw new IllegalArgumentException("unknown command '" + words[0] + "'");
          }
        } catch (RuntimeException | InterruptedException e) {
          String message = String.valueOf(e.getMessage()).replace('"', '\'').replace('\n', ' ');
          out.println("ERROR {\"message\":\"" + e.getClass().getSimpleName() + ": " + message + "\"}");
          if (e instanceof InterruptedException) return;
        }
      }
    }
  }

  /** The parameters of one {@code run} command. */
  record Run(
      String workload,
      boolean manualClock,
      long intervalMs,
      int linesPerBatch,
      int batches,
      long windowMs,
      long checkpointMs,
      String checkpointDir) {
    static Run parse(String[] words) {
      if (words.length != 9) {
        throw new IllegalArgumentException(
            "run takes 8 arguments: WORKLOAD CLOCK INTERVAL_MS LINES BATCHES WINDOW_MS CHECKPOINT_MS CHECKPOINT_DIR");
      }
      String workload = words[1];
      if (!workload.equals("wordcount") && !workload.equals("windowed")) {
        throw new IllegalArgumentException("unknown workload '" + workload + "' (wordcount, windowed)");
      }
      if (!words[2].equals("manual") && !words[2].equals("system")) {
        throw new IllegalArgumentException("unknown clock '" + words[2] + "' (manual, system)");
      }
      long checkpointMs = Long.parseLong(words[7]);
      if (workload.equals("windowed") && checkpointMs <= 0) {
        throw new IllegalArgumentException(
            "windowed needs CHECKPOINT_MS > 0: Spark cannot run an inverse-function window without checkpoints");
      }
      return new Run(
          workload,
          words[2].equals("manual"),
          Long.parseLong(words[3]),
          Integer.parseInt(words[4]),
          Integer.parseInt(words[5]),
          Long.parseLong(words[6]),
          checkpointMs,
          words[8]);
    }
  }

  /** Per-batch figures of one run, in batch order. */
  record Measured(
      List<Double> processingMs, List<Double> schedulingMs, List<Double> totalMs, List<String> digests) {
    String toJson() {
      return String.format(
          Locale.ROOT,
          "{\"processingMs\":%s,\"schedulingMs\":%s,\"totalMs\":%s,\"digests\":%s}",
          numbers(processingMs),
          numbers(schedulingMs),
          numbers(totalMs),
          strings(digests));
    }

    private static String numbers(List<Double> values) {
      List<String> parts = new ArrayList<>();
      for (double v : values) parts.add(String.format(Locale.ROOT, "%.3f", v));
      return "[" + String.join(",", parts) + "]";
    }

    private static String strings(List<String> values) {
      List<String> parts = new ArrayList<>();
      for (String v : values) parts.add("\"" + v + "\"");
      return "[" + String.join(",", parts) + "]";
    }
  }
}
