"""``language=`` picks datatrove's word tokenizer (qfast.languages): the lookup itself, the
errors for unknown and not-yet-native languages, and that each tokenizer really is in use."""

from __future__ import annotations

import pyarrow as pa
import pytest

import qfast
from qfast import languages
from qfast.errors import ConfigError


def test_lookup_follows_datatrove() -> None:
    assert languages.datatrove_tokenizer("en") == "SpaCyTokenizer:en"
    assert languages.datatrove_tokenizer("eng_Latn") == "SpaCyTokenizer:en"
    # datatrove's own mapping: bare "zh" goes to spaCy xx, "cmn"/"zh_Hani" to spaCy zh (jieba)
    assert languages.datatrove_tokenizer("zh") == "SpaCyTokenizer:xx"
    assert languages.datatrove_tokenizer("cmn") == "SpaCyTokenizer:zh"
    assert languages.datatrove_tokenizer("zh_Hani") == "SpaCyTokenizer:zh"
    assert languages.datatrove_tokenizer("ja") == "SpaCyTokenizer:ja"
    assert languages.datatrove_tokenizer("ab") == "SpaCyTokenizer:xx"  # Abkhazian
    assert languages.is_native("ab") and languages.is_native("ja")
    assert not languages.is_native("ko")


def test_unknown_language_fails_when_the_filter_is_made() -> None:
    with pytest.raises(ConfigError, match="not a language datatrove"):
        qfast.GopherQuality(language="klingon")


def test_language_not_native_yet_names_the_tokenizer() -> None:
    f = qfast.GopherQuality(language="ko")
    with pytest.raises(ConfigError, match="KiwiTokenizer"):
        f.verdict(pa.array(["안녕하세요"]))
    # the fast UAX #29 mode works for any language
    assert f.verdict(pa.array(["안녕하세요"]), tokenizer="unicode").num_rows == 1


def test_pipeline_refuses_steps_needing_different_tokenizers() -> None:
    with pytest.raises(ConfigError, match="different word tokenizers"):
        qfast.Pipeline([qfast.GopherQuality(language="en"), qfast.FineWebQuality(language="cmn")])
    # same tokenizer under two names is fine
    qfast.Pipeline([qfast.GopherQuality(language="en"), qfast.FineWebQuality(language="eng")])


def test_each_language_uses_its_tokenizer() -> None:
    text = pa.array(["I don't like it. 我爱北京天安门。"])
    en = qfast.words(text, language="en").to_pylist()[0]
    xx = qfast.words(text, language="zh").to_pylist()[0]
    cmn = qfast.words(text, language="cmn").to_pylist()[0]
    assert en[:4] == ["I", "do", "n't", "like"]  # English special cases
    assert xx[:3] == ["I", "don't", "like"]  # xx has no English contractions
    assert "我爱北京天安门" in xx  # ... and does not segment Han text
    assert cmn[-5:] == ["我", "爱", "北京", "天安门", "。"]  # jieba does


def test_signals_change_with_language() -> None:
    text = pa.array(["我爱北京天安门。" * 20])
    en = qfast.GopherQuality(language="en").signals(text).column("n_words")[0].as_py()
    cmn = qfast.GopherQuality(language="cmn").signals(text).column("n_words")[0].as_py()
    # spaCy en: no spaces, so one chunk with the final "。" split off; jieba: 5 words a sentence
    assert (en, cmn) == (2, 100)


def test_minhash_shingles_cjk_by_words_or_chars() -> None:
    text = "我爱北京天安门，今天天气很好，我们去公园散步吧。"
    by_words = qfast.MinHash(language="cmn", n_grams=2).shingles_of(text)
    by_xx = qfast.MinHash(language="zh", n_grams=2).shingles_of(text)
    by_chars = qfast.MinHash(shingles="chars", n_grams=2).shingles_of(text)
    # simplify_text drops the punctuation; jieba words: 我/爱/北京/天安门/今天天气/很/好/我们/
    # 去/公园/散步/吧 -> 11 word bigrams; xx keeps each clause whole (3 words -> 2 bigrams);
    # chars: one bigram per adjacent pair
    assert len(by_words) == 11
    assert len(by_xx) == 2
    assert len(by_chars) > 20
