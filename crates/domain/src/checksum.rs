//! Check characters: the unified social credit code (GB 32100) and the ISO
//! 6346 container number.
