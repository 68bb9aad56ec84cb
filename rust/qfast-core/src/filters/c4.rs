//! C4QualityFilter (datatrove `c4_filters.py`): line filtering that rewrites the text.
