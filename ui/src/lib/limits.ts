/** Most goods lines one declaration may carry (rule 8), from the Rust validator. */
export { MAX_LINES } from './bindings';

/** Drafts per page in the list. */
export const PAGE_SIZE = 50;
