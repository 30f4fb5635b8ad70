/**
 * A binary logistic regression model over sparse vectors: the immutable snapshot that a
 * streaming model publishes after each batch (Spark MLlib's LogisticRegressionModel).
 */
import { ConfigurationError } from '../lib/index.js';
import type { SparseVector } from './features.js';

/** A class label of binary classification: 0 or 1. */
export type BinaryLabel = 0 | 1;

/**
 * Weights, an intercept and a threshold: `probability(x)` is σ(w·x + b), and `predict(x)` is 1
 * when that probability is at least the threshold.
 *
 * @example
 * const model = streaming.latestModel();
 * model.predict(hasher.transform(['great', 'phone'])); // 1
 * model.probability(x); // 0.83
 */
export class LogisticRegressionModel {
  /**
   * @param weights one per feature dimension; the model keeps this array: do not change it.
   * @param intercept the bias term b.
   * @param threshold the probability from which `predict` says 1. Default 0.5.
   */
  constructor(
    readonly weights: Float64Array,
    readonly intercept: number,
    readonly threshold = 0.5,
  ) {
    if (!(threshold >= 0 && threshold <= 1)) {
      throw new ConfigurationError(`logistic regression: threshold ${threshold} must be within [0, 1]`);
    }
  }

  /** The number of feature dimensions the model takes. */
  get dimensions(): number {
    return this.weights.length;
  }

  /** w·x + b, the log-odds of class 1. */
  margin(x: SparseVector): number {
    checkSize(x, this.weights.length);
    let dot = this.intercept;
    for (let j = 0; j < x.indices.length; j++) {
      dot += (this.weights[x.indices[j] as number] as number) * (x.values[j] as number);
    }
    return dot;
  }

  /** The probability of class 1: σ(w·x + b). */
  probability(x: SparseVector): number {
    return sigmoid(this.margin(x));
  }

  /** 1 when the probability of class 1 is at least the threshold, else 0. */
  predict(x: SparseVector): BinaryLabel {
    return this.probability(x) >= this.threshold ? 1 : 0;
  }
}

/** The logistic function, without overflow for large |z|. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** Throws when `x` does not have `size` dimensions. */
export function checkSize(x: SparseVector, size: number): void {
  if (x.size !== size) {
    throw new ConfigurationError(
      `a feature vector of size ${x.size} was given to a model of ${size} dimensions; ` +
        `hash features with a FeatureHasher of dimensions ${size}`,
    );
  }
}
