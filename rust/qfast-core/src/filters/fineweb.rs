//! FineWebQualityFilter (datatrove `fineweb_quality_filter.py`).
