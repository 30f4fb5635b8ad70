export { jsonlFileLookup, parseJsonLines } from './jsonl-lookup.js';
export { csvFileLookup } from './csv-lookup.js';
export type { CsvFileLookupOptions } from './csv-lookup.js';
export { parseCsv, csvObjects, CsvSyntaxError } from '../../systems/rows/csv.js';
export type { CsvRecord } from '../../systems/rows/csv.js';
export { FileTableLookup } from './file-table.js';
export type { FileLookupOptions, FileRefreshPolicy, RowKey, ParsedRow } from './file-table.js';
