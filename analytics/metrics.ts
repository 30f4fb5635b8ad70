/**
 * How well a classifier did: accuracy, precision, recall and F1 per class, macro-F1, and the
 * accuracy of always answering the most common class, for comparison (as Spark's MulticlassMetrics).
 */
import { ConfigurationError } from '../lib/index.js';

/** Precision, recall and F1 of one class. */
export interface ClassMetrics {
  /** Of the items predicted as this class, the share that are; 0 when none was predicted. */
  readonly precision: number;
  /** Of the items of this class, the share predicted as such; 0 when there are none. */
  readonly recall: number;
  /** The harmonic mean of precision and recall; 0 when both are 0. */
  readonly f1: number;
  /** How many items are of this class. */
  readonly support: number;
}

/** The metrics of a set of predictions. */
export interface ClassificationMetrics<L> {
  /** The (predicted, actual) pairs measured, abstentions included. */
  readonly total: number;
  /** The pairs whose prediction was the actual class. */
  readonly correct: number;
  /** Items the classifier gave no class (a sentiment score of exactly 0): counted as wrong. */
  readonly abstained: number;
  /** correct / total. */
  readonly accuracy: number;
  /** The mean of the classes' F1. */
  readonly macroF1: number;
  /** Precision, recall, F1 and support of each class given, in the order given. */
  readonly perClass: ReadonlyMap<L, ClassMetrics>;
  /** The accuracy of always predicting the most common class: the bar to beat. */
  readonly majorityAccuracy: number;
}

/**
 * The metrics of `pairs` of (predicted, actual) classes. A prediction of `undefined` is an
 * abstention: wrong, and a miss for the actual class's recall, but no false positive of any class.
 *
 * @example
 * const m = classificationMetrics([['positive', 'positive'], [undefined, 'negative']], ['positive', 'negative']);
 * m.accuracy; // 0.5
 * m.perClass.get('negative')?.recall; // 0
 */
export function classificationMetrics<L>(
  pairs: Iterable<readonly [predicted: L | undefined, actual: L]>,
  classes: readonly L[],
): ClassificationMetrics<L> {
  if (classes.length === 0) throw new ConfigurationError('classificationMetrics: give at least one class');
  const counts = new Map(classes.map((c) => [c, { truePositive: 0, predicted: 0, actual: 0 }]));
  let total = 0;
  let correct = 0;
  let abstained = 0;
  for (const [predicted, actual] of pairs) {
    const actualCounts = counts.get(actual);
    if (!actualCounts) throw unknownClass('actual', actual, classes, total);
    total++;
    actualCounts.actual++;
    if (predicted === undefined) {
      abstained++;
      continue;
    }
    const predictedCounts = counts.get(predicted);
    if (!predictedCounts) throw unknownClass('predicted', predicted, classes, total - 1);
    predictedCounts.predicted++;
    if (predicted === actual) {
      correct++;
      actualCounts.truePositive++;
    }
  }
  if (total === 0) throw new ConfigurationError('classificationMetrics: no predictions to measure');
  const perClass = new Map<L, ClassMetrics>();
  let largest = 0;
  for (const [c, { truePositive, predicted, actual }] of counts) {
    const precision = predicted === 0 ? 0 : truePositive / predicted;
    const recall = actual === 0 ? 0 : truePositive / actual;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    perClass.set(c, { precision, recall, f1, support: actual });
    largest = Math.max(largest, actual);
  }
  const macroF1 = [...perClass.values()].reduce((sum, m) => sum + m.f1, 0) / perClass.size;
  return {
    total,
    correct,
    abstained,
    accuracy: correct / total,
    macroF1,
    perClass,
    majorityAccuracy: largest / total,
  };
}

function unknownClass(
  role: string,
  value: unknown,
  classes: readonly unknown[],
  index: number,
): ConfigurationError {
  return new ConfigurationError(
    `classificationMetrics: the ${role} class ${JSON.stringify(value)} of pair ${index} is not one of ` +
      `${JSON.stringify(classes)}; list every class in 'classes'`,
  );
}
