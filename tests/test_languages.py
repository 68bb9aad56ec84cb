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
    # Thai, its Thai-script proxies, and (datatrove's quirk) plain "ms"/"msa"
    for lang in ("th", "tha", "tha_Thai", "urk", "ms", "msa"):
        assert languages.datatrove_tokenizer(lang) == "ThaiTokenizer"
        assert languages.is_native(lang)
    assert languages.datatrove_tokenizer("ms_Latn") == "SpaCyTokenizer:ms"
    # Vietnamese (spaCy vi over pyvi) and the Vietic/Austroasiatic codes datatrove maps to it
    for lang in ("vi", "vie", "vie_Latn", "vi_Latn", "cmo"):
        assert languages.datatrove_tokenizer(lang) == "SpaCyTokenizer:vi"
        assert languages.is_native(lang)
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


def test_thai_without_pythainlp_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    from qfast import segment

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda n, *a: None if n == "pythainlp" else real(n, *a)
    )
    segment._thai.cache_clear()
    try:
        with pytest.raises(ConfigError, match=r"pip install \"qfast\[th\]\""):
            qfast.words(pa.array(["สวัสดีครับ"]), language="th")
    finally:
        monkeypatch.undo()
        segment._thai.cache_clear()


def test_thai_everywhere() -> None:
    """language="th" reaches every filter, words/sentences, the FineWeb chain and MinHash."""
    pytest.importorskip("pythainlp")
    doc = "วันนี้อากาศดีมาก ฉันจะไปเที่ยวทะเล แล้วคุณล่ะจะไปไหน"
    text = pa.array([doc])
    assert qfast.words(text, language="th").to_pylist()[0][:3] == ["วันนี้", "อากาศ", "ดีมาก"]
    assert qfast.sentences(text, language="th").to_pylist()[0] == [
        "วันนี้อากาศดีมาก",
        " ฉันจะไปเที่ยวทะเล",
        " แล้วคุณล่ะจะไปไหน",
    ]
    n_words = qfast.GopherQuality(language="th").signals(text).column("n_words")[0].as_py()
    assert n_words == 13
    for f in (
        qfast.GopherRepetition(language="th"),
        qfast.C4Quality(language="th"),
        qfast.FineWebQuality(language="th"),
    ):
        assert f.verdict(text).num_rows == 1
    assert qfast.Pipeline.fineweb(language="th").run(text).verdict.num_rows == 1
    # datatrove segments simplify_text's output, which has lost the Thai vowel and tone marks
    # (remove_diacritics), hence more, shorter words: 17 bigrams, as datatrove's
    # MinhashDedupSignature(language="th") gives (tests/test_thai_parity.py checks all rows)
    assert len(qfast.MinHash(language="th", n_grams=2).shingles_of(doc)) == 17


def test_vietnamese_without_pyvi_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    from qfast import segment

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda n, *a: None if n == "pyvi" else real(n, *a)
    )
    segment._vietnamese.cache_clear()
    try:
        with pytest.raises(ConfigError, match=r"pip install \"qfast\[vi\]\""):
            qfast.words(pa.array(["Xin chào"]), language="vi")
    finally:
        monkeypatch.undo()
        segment._vietnamese.cache_clear()


def test_vietnamese_everywhere() -> None:
    """language="vi" reaches every filter, words/sentences, the FineWeb chain and MinHash."""
    pytest.importorskip("pyvi")
    doc = "Hôm nay trời đẹp quá. Tôi sẽ đi du lịch Hà Nội, còn bạn thì sao?"
    text = pa.array([doc])
    words = qfast.words(text, language="vi").to_pylist()[0]
    assert words[:5] == ["Hôm nay", "trời", "đẹp", "quá", "."]
    assert words[8:10] == ["du lịch", "Hà Nội"]
    assert qfast.sentences(text, language="vi").to_pylist()[0] == [
        "Hôm nay trời đẹp quá.",
        " Tôi sẽ đi du lịch Hà Nội, còn bạn thì sao?",
    ]
    n_words = qfast.GopherQuality(language="vi").signals(text).column("n_words")[0].as_py()
    assert n_words == 16  # datatrove: len(split_into_words(text)), punctuation included
    for f in (
        qfast.GopherRepetition(language="vi"),
        qfast.C4Quality(language="vi"),
        qfast.FineWebQuality(language="vi"),
    ):
        assert f.verdict(text).num_rows == 1
    assert qfast.Pipeline.fineweb(language="vi").run(text).verdict.num_rows == 1
    # datatrove's MinhashDedupSignature(language="vi", n_grams=2) gives 15 (on simplify_text's
    # output, diacritics removed; tests/test_vi_parity.py checks all rows)
    assert len(qfast.MinHash(language="vi", n_grams=2).shingles_of(doc)) == 15


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
