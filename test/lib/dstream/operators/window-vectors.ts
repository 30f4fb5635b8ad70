/**
 * Input and expected batches from Spark's WindowOperationsSuite (batch interval 1 s; default
 * window 2 s, slide 1 s). Scala tuples are arrays; Spark compares as sets, so tests sort batches.
 */

export type Pairs = [string, number][];

export const largerSlideInput: Pairs[] = [
  [['a', 1]],
  [['a', 2]],
  [['a', 3]],
  [['a', 4]],
  [['a', 5]],
  [['a', 6]],
  [],
  [],
];

export const largerSlideReduceOutput: Pairs[] = [[['a', 3]], [['a', 10]], [['a', 18]], [['a', 11]]];

export const bigInput: Pairs[] = [
  [['a', 1]],
  [
    ['a', 1],
    ['b', 1],
  ],
  [
    ['a', 1],
    ['b', 1],
    ['c', 1],
  ],
  [
    ['a', 1],
    ['b', 1],
  ],
  [['a', 1]],
  [],
  [['a', 1]],
  [
    ['a', 1],
    ['b', 1],
  ],
  [
    ['a', 1],
    ['b', 1],
    ['c', 1],
  ],
  [
    ['a', 1],
    ['b', 1],
  ],
  [['a', 1]],
  [],
];

export const bigGroupByOutput: [string, number[]][][] = [
  [['a', [1]]],
  [
    ['a', [1, 1]],
    ['b', [1]],
  ],
  [
    ['a', [1, 1]],
    ['b', [1, 1]],
    ['c', [1]],
  ],
  [
    ['a', [1, 1]],
    ['b', [1, 1]],
    ['c', [1]],
  ],
  [
    ['a', [1, 1]],
    ['b', [1]],
  ],
  [['a', [1]]],
  [['a', [1]]],
  [
    ['a', [1, 1]],
    ['b', [1]],
  ],
  [
    ['a', [1, 1]],
    ['b', [1, 1]],
    ['c', [1]],
  ],
  [
    ['a', [1, 1]],
    ['b', [1, 1]],
    ['c', [1]],
  ],
  [
    ['a', [1, 1]],
    ['b', [1]],
  ],
  [['a', [1]]],
];

export const bigReduceOutput: Pairs[] = bigGroupByOutput.map((batch) =>
  batch.map(([key, values]): [string, number] => [key, values.length]),
);

/** With an inverse function and no filter, keys stay with the value 0 after they leave. */
export const bigReduceInvOutput: Pairs[] = [
  [['a', 1]],
  [
    ['a', 2],
    ['b', 1],
  ],
  [
    ['a', 2],
    ['b', 2],
    ['c', 1],
  ],
  [
    ['a', 2],
    ['b', 2],
    ['c', 1],
  ],
  [
    ['a', 2],
    ['b', 1],
    ['c', 0],
  ],
  [
    ['a', 1],
    ['b', 0],
    ['c', 0],
  ],
  [
    ['a', 1],
    ['b', 0],
    ['c', 0],
  ],
  [
    ['a', 2],
    ['b', 1],
    ['c', 0],
  ],
  [
    ['a', 2],
    ['b', 2],
    ['c', 1],
  ],
  [
    ['a', 2],
    ['b', 2],
    ['c', 1],
  ],
  [
    ['a', 2],
    ['b', 1],
    ['c', 0],
  ],
  [
    ['a', 1],
    ['b', 0],
    ['c', 0],
  ],
];

/** Spark's small reduceByKeyAndWindow cases (window 2 s, slide 1 s): name, input, expected. */
export const smallReduceCases: [string, Pairs[], Pairs[]][] = [
  [
    'basic reduction',
    [
      [
        ['a', 1],
        ['a', 3],
      ],
    ],
    [[['a', 4]]],
  ],
  [
    'key already in window and new value added into window',
    [[['a', 1]], [['a', 1]]],
    [[['a', 1]], [['a', 2]]],
  ],
  [
    'new key added into window',
    [
      [['a', 1]],
      [
        ['a', 1],
        ['b', 1],
      ],
    ],
    [
      [['a', 1]],
      [
        ['a', 2],
        ['b', 1],
      ],
    ],
  ],
];
