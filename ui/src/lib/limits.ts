/** Most goods lines one declaration may carry (rule 8; MAX_LINES in Rust). */
export const MAX_LINES = 50;

/** Drafts per page in the list. */
export const PAGE_SIZE = 50;
