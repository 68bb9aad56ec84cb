//! GopherQualityFilter (datatrove `gopher_quality_filter.py`).
