/** The HBase output: `hbaseOutput(stream, options)`; see `output.ts`. */
export { hbaseOutput } from './output.js';
export type { HBaseOutputOptions, HBaseOutputFields } from './output.js';
