//! Wire types of the Single Window API.
