//! Python `str` semantics over UTF-8: code-point lengths, `isspace`, `strip`, `splitlines`,
//! `isalpha`, `lower`, `count`. The reference filters are Python, so these decide parity.
