//! datatrove's character classes (`utils/text.py`): PUNCTUATION, TERMINAL_PUNCTUATION, PUNCTUATION_SET.
