"""Word segmentation for Chinese, inside the core: jieba's default cut (accurate mode, HMM on)
reproduced from jieba's own dictionary and HMM tables, read from the installed ``jieba``
package (``pip install "qfast[zh]"``; nothing is downloaded). The Japanese (Sudachi) and Thai
(PyThaiNLP newmm + crfcut) and Vietnamese (pyvi's CRF) states that ``language="ja"``/``"th"``/``"vi"``
use are loaded here too, from their packages' data files.

>>> qfast.segment.jieba_words(pa.array(["我来到北京清华大学"])).to_pylist()   # doctest: +SKIP
[['我', '来到', '北京', '清华大学']]
"""

from __future__ import annotations

import functools
import importlib.util
import os
from typing import Any

import pyarrow as pa

from . import _qfast
from ._input import text_column
from .errors import ConfigError


@functools.lru_cache(maxsize=1)
def _jieba() -> Any:
    try:
        import jieba
        from jieba.finalseg.prob_emit import P as emit
        from jieba.finalseg.prob_start import P as start
        from jieba.finalseg.prob_trans import P as trans
    except ModuleNotFoundError:
        raise ConfigError(
            "Chinese segmentation reads jieba's dictionary from the 'jieba' package: "
            "pip install jieba"
        ) from None
    path = os.path.join(os.path.dirname(jieba.__file__), "dict.txt")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    return _qfast.JiebaState(text, start, trans, emit)


@functools.lru_cache(maxsize=1)
def _sudachi() -> Any:
    """Sudachi's system dictionary (``sudachidict_core``) and SudachiPy's resource files, read
    from the installed packages without importing them (qfast runs its own port)."""
    dic_pkg = importlib.util.find_spec("sudachidict_core")
    res_pkg = importlib.util.find_spec("sudachipy")
    if dic_pkg is None or res_pkg is None or not dic_pkg.submodule_search_locations:
        raise ConfigError(
            "Japanese segmentation reads Sudachi's dictionary and resources from the "
            "'sudachidict-core' and 'sudachipy' packages: pip install \"qfast[ja]\""
        )
    dic = os.path.join(list(dic_pkg.submodule_search_locations)[0], "resources", "system.dic")
    res = os.path.join(list(res_pkg.submodule_search_locations or [""])[0], "resources")

    def read(name: str) -> str:
        with open(os.path.join(res, name), encoding="utf-8") as f:
            return f.read()

    return _qfast.SudachiState(dic, read("char.def"), read("unk.def"), read("rewrite.def"))


def _package_files(package: str, folder: str, names: tuple[str, ...], missing: str) -> list[str]:
    """Paths of data files shipped inside an installed package (found without importing it);
    ConfigError with ``missing`` when the package or a file is not there."""
    spec = importlib.util.find_spec(package)
    base = None
    if spec is not None and spec.submodule_search_locations:
        base = os.path.join(list(spec.submodule_search_locations)[0], folder)
    paths = [os.path.join(base, n) for n in names] if base else []
    if not paths or not all(os.path.exists(p) for p in paths):
        raise ConfigError(missing)
    return paths


@functools.lru_cache(maxsize=1)
def _thai() -> Any:
    """PyThaiNLP's word dictionary and crfcut sentence model, read from the installed
    ``pythainlp`` package without importing it (qfast runs its own port of newmm and crfcut;
    python-crfsuite is not needed)."""
    return _qfast.ThaiState(
        *_package_files(
            "pythainlp",
            "corpus",
            ("words_th.txt", "sentenceseg_crfcut.model"),
            "Thai segmentation reads PyThaiNLP's dictionary and sentence model from the "
            "'pythainlp' package: pip install \"qfast[th]\"",
        )
    )


@functools.lru_cache(maxsize=1)
def _vietnamese() -> Any:
    """pyvi's word list and CRF model, read from the installed ``pyvi`` package without
    importing it (qfast runs its own port; the model is read out of ``pyvi3.pkl``'s bytes, the
    pickle is not loaded, so scikit-learn and sklearn-crfsuite are not needed)."""
    return _qfast.VietnameseState(
        *_package_files(
            "pyvi",
            "models",
            ("words.txt", "pyvi3.pkl"),
            "Vietnamese segmentation reads pyvi's word list and CRF model from the 'pyvi' "
            'package: pip install "qfast[vi]"',
        )
    )


def jieba_words(data: Any, column: str = "text") -> pa.Array:
    """Per row, the words ``jieba.cut(row)`` gives (whitespace and punctuation included, as
    jieba yields them); null for a null text. The dictionary loads once per process."""
    _, col = text_column(data, column)
    return _jieba().cut(col, column)


def words(data: Any, language: str, column: str = "text") -> pa.Array:
    """Per row, the words datatrove's ``load_word_tokenizer(language).word_tokenize(row)``
    gives (e.g. ``"cmn"``: spaCy's jieba segmenter, jieba's words without the whitespace
    tokens); null for a null text. Same as ``qfast.words(data, column, language=language)``."""
    from .tokenize import words as _words

    return _words(data, column, language=language)


__all__ = ["jieba_words", "words"]
