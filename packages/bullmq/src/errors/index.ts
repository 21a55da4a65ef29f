export { DUPLICATE_RUN, DuplicateRunError } from './duplicate-run-error.js';
