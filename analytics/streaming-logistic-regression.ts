/**
 * Logistic regression trained on a stream, updated with every batch, in the manner of Spark
 * MLlib's StreamingLogisticRegressionWithSGD: `trainOn(labeled)`, `predictOn(vectors)`,
 * `latestModel()`.
 */
import { ConfigurationError, type DStream, type Key } from '../lib/index.js';
import type { SparseVector } from './features.js';
import { checkSize, LogisticRegressionModel, sigmoid, type BinaryLabel } from './logistic-regression.js';

/** A training example: a class (0 or 1) and its features. */
export interface LabeledPoint {
  /** The class to learn: 1 (e.g. positive) or 0. */
  readonly label: BinaryLabel;
  /** The example's features, of the model's `dimensions`. */
  readonly features: SparseVector;
}

/** Options of {@link StreamingLogisticRegression}. */
export interface StreamingLogisticRegressionOptions {
  /** The feature vectors' size (a FeatureHasher's `dimensions`). */
  readonly dimensions: number;
  /** The SGD step size η₀; the t-th update steps η₀ / √t. Default 1. */
  readonly stepSize?: number;
  /** Passes of SGD over each batch. Default 1. */
  readonly iterations?: number;
  /** L2 regularisation λ, applied to the weights each example touches. Default 0. */
  readonly regParam?: number;
  /** The probability from which the model predicts 1. Default 0.5. */
  readonly threshold?: number;
  /** The weights to start from (`dimensions` of them). Default: all 0. */
  readonly initialWeights?: Float64Array;
}

/**
 * A binary logistic regression model that learns from a stream: each batch of labeled points
 * given to {@link trainOn} updates the weights by stochastic gradient descent, starting from
 * the weights after the previous batch, and then publishes a new {@link latestModel}.
 *
 * Gotchas: unlike Spark (full-batch gradient steps with a mini-batch fraction), each batch is
 * one or more passes of per-example SGD in record order, so the result is deterministic. The
 * weights are not checkpointed: a restarted job starts from `initialWeights`. A batch predicts
 * with the model as it stands when its prediction is computed: when `trainOn` was called first,
 * the training of the same batch comes first (output operations run in the order they were made).
 *
 * @example
 * const hasher = new FeatureHasher({ dimensions: 1 << 18 });
 * const model = new StreamingLogisticRegression({ dimensions: hasher.dimensions });
 * model.trainOn(labeledTweets.map(({ text, positive }) => ({ label: positive ? 1 : 0, features: tweetFeatures(text, hasher) })));
 * model.predictOnValues(tweets.map((t): [string, SparseVector] => [t.id_str, tweetFeatures(t.text, hasher)])).print();
 * await ssc.start();
 */
export class StreamingLogisticRegression {
  private readonly weights: Float64Array;
  private intercept = 0;
  private updates = 0;
  private model: LogisticRegressionModel;
  private readonly stepSize: number;
  private readonly iterations: number;
  private readonly regParam: number;
  private readonly threshold: number;
  private trained = { batches: 0, points: 0 };

  constructor(options: StreamingLogisticRegressionOptions) {
    const { dimensions } = options;
    if (!Number.isInteger(dimensions) || dimensions < 1) {
      throw new ConfigurationError(
        `StreamingLogisticRegression: dimensions ${dimensions} must be a whole number, 1 or more`,
      );
    }
    this.stepSize = positive('stepSize', options.stepSize ?? 1);
    this.iterations = options.iterations ?? 1;
    if (!Number.isInteger(this.iterations) || this.iterations < 1) {
      throw new ConfigurationError(
        `StreamingLogisticRegression: iterations ${this.iterations} must be a whole number, 1 or more`,
      );
    }
    this.regParam = options.regParam ?? 0;
    if (!(this.regParam >= 0 && Number.isFinite(this.regParam))) {
      throw new ConfigurationError(
        `StreamingLogisticRegression: regParam ${this.regParam} must be a finite number, 0 or more`,
      );
    }
    this.threshold = options.threshold ?? 0.5;
    if (options.initialWeights && options.initialWeights.length !== dimensions) {
      throw new ConfigurationError(
        `StreamingLogisticRegression: initialWeights has ${options.initialWeights.length} weights, dimensions is ${dimensions}`,
      );
    }
    this.weights = options.initialWeights
      ? Float64Array.from(options.initialWeights)
      : new Float64Array(dimensions);
    this.model = this.snapshot();
  }

  /**
   * The model as of the last batch trained: an immutable snapshot, safe to keep and share.
   *
   * @example
   * const accuracy = heldOut.filter((p) => model.latestModel().predict(p.features) === p.label).length / heldOut.length;
   */
  latestModel(): LogisticRegressionModel {
    return this.model;
  }

  /** How many batches and points the model has been trained on. */
  get progress(): {
    /** Batches trained on so far (calls of `update`, one per batch of `trainOn`). */
    readonly batches: number;
    /** Points trained on so far, all batches summed. */
    readonly points: number;
  } {
    return this.trained;
  }

  /**
   * Trains on every batch of `points` as it arrives, and returns the stream of the points
   * trained on. A point that is not a valid example (a label other than 0 or 1, a vector of the
   * wrong size, an index out of range, a value that is not finite) is not learnt from: it is a
   * dead letter, with the reason, of the returned stream (and of `ssc.deadLetters()`).
   *
   * @example
   * const trained = model.trainOn(labeled); // labeled: DStream<LabeledPoint>
   * trained.deadLetters().print(); // the points that were refused, and why
   */
  trainOn(points: DStream<LabeledPoint>): DStream<LabeledPoint> {
    const dimensions = this.weights.length;
    const valid = points.map((point) => validPoint(point, dimensions), { onRecordError: 'deadLetter' });
    valid.foreachBatch((batch) => this.update(batch));
    return valid;
  }

  /**
   * Predicts the class of every vector of `vectors` with the latest model. A vector of another
   * size than the model's fails the batch, with a message naming both sizes.
   *
   * @example
   * model.predictOn(tweets.map((t) => tweetFeatures(t.text, hasher))) // DStream<0 | 1>
   */
  predictOn(vectors: DStream<SparseVector>): DStream<BinaryLabel> {
    return vectors.map((x) => this.model.predict(x));
  }

  /**
   * Predicts the class of the vector of every `[key, vector]` pair, keeping the key.
   *
   * @example
   * model.predictOnValues(tweets.map((t): [string, SparseVector] => [t.id_str, tweetFeatures(t.text, hasher)]))
   */
  predictOnValues<K extends Key>(pairs: DStream<[K, SparseVector]>): DStream<[K, BinaryLabel]> {
    return pairs.map(([key, x]): [K, BinaryLabel] => [key, this.model.predict(x)]);
  }

  /**
   * One training step on a batch of points, outside any stream: what `trainOn` does per batch.
   * Throws on an invalid point before changing anything.
   *
   * @example
   * model.update([{ label: 1, features: hasher.transform(['great']) }]);
   */
  update(points: readonly LabeledPoint[]): void {
    const dimensions = this.weights.length;
    for (const point of points) validPoint(point, dimensions);
    const w = this.weights;
    for (let pass = 0; pass < this.iterations; pass++) {
      for (const { label, features } of points) {
        let margin = this.intercept;
        for (let j = 0; j < features.indices.length; j++) {
          margin += (w[features.indices[j] as number] as number) * (features.values[j] as number);
        }
        const step = this.stepSize / Math.sqrt(++this.updates);
        const gradient = sigmoid(margin) - label;
        for (let j = 0; j < features.indices.length; j++) {
          const i = features.indices[j] as number;
          const wi = w[i] as number;
          w[i] = wi - step * (gradient * (features.values[j] as number) + this.regParam * wi);
        }
        this.intercept -= step * gradient;
      }
    }
    this.trained = { batches: this.trained.batches + 1, points: this.trained.points + points.length };
    this.model = this.snapshot();
  }

  private snapshot(): LogisticRegressionModel {
    return new LogisticRegressionModel(Float64Array.from(this.weights), this.intercept, this.threshold);
  }
}

/** `point` when it is a valid example for `dimensions` features; throws saying what is wrong. */
function validPoint(point: LabeledPoint, dimensions: number): LabeledPoint {
  if (point.label !== 0 && point.label !== 1) {
    throw new ConfigurationError(`labeled point: label ${String(point.label)} must be 0 or 1`);
  }
  const { indices, values } = point.features;
  checkSize(point.features, dimensions);
  if (indices.length !== values.length) {
    throw new ConfigurationError(`labeled point: ${indices.length} indices but ${values.length} values`);
  }
  for (let j = 0; j < indices.length; j++) {
    const i = indices[j] as number;
    if (!Number.isInteger(i) || i < 0 || i >= dimensions) {
      throw new ConfigurationError(`labeled point: index ${i} is outside [0, ${dimensions})`);
    }
    if (!Number.isFinite(values[j])) {
      throw new ConfigurationError(
        `labeled point: the value at index ${i} is ${values[j]}, not a finite number`,
      );
    }
  }
  return point;
}

function positive(name: string, value: number): number {
  if (!(value > 0 && Number.isFinite(value))) {
    throw new ConfigurationError(
      `StreamingLogisticRegression: ${name} ${value} must be a finite number above 0`,
    );
  }
  return value;
}
