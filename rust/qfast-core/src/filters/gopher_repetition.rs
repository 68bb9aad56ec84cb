//! GopherRepetitionFilter (datatrove `gopher_repetition_filter.py`).
