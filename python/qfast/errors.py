"""Exceptions raised by qfast.

Each class also subclasses the built-in exception a Python user would expect
(``TypeError`` for a wrong column type, ``KeyError`` for a missing column,
``ValueError`` for a bad setting), so existing ``except`` clauses keep working.
"""

from __future__ import annotations


class QfastError(Exception):
    """Base class of every qfast error."""


class ColumnTypeError(QfastError, TypeError):
    """The input column is neither a string column (utf8, large_utf8, utf8_view) nor a binary
    one (binary, large_binary, binary_view), which is read as UTF-8 text."""


class ColumnNotFoundError(QfastError, KeyError):
    """The named text column is not in the table or record batch."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class InvalidDataError(QfastError, ValueError):
    """The column's Arrow buffers are not valid string data (bad offsets, or invalid UTF-8:
    the message names the first bad row). Producers of Arrow data through the C interface do
    not always validate it, and a binary column may hold text in another encoding."""


class ConfigError(QfastError, ValueError):
    """A filter or pipeline setting is invalid."""


class IndexFileError(QfastError, ValueError):
    """A dedup index file is missing, truncated, corrupted, or of another format version."""


class ModelFileError(QfastError, ValueError):
    """A model file is missing, truncated, corrupted, or not a supported fastText model."""


__all__ = [
    "QfastError",
    "ColumnTypeError",
    "ColumnNotFoundError",
    "InvalidDataError",
    "ConfigError",
    "IndexFileError",
    "ModelFileError",
]
