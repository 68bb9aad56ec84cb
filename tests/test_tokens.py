"""TokenCount with a real HF tokenizers BPE tokenizer (trained here on eval_data text, saved
as tokenizer.json): counts equal tokenizing row by row, bounds and reasons, a pipeline step."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import qfast

tokenizers = pytest.importorskip("tokenizers")
EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval_data"


@pytest.fixture(scope="module")
def texts() -> list[str]:
    t = pq.read_table(EVAL / "web_dclm_human_quality.parquet", columns=["text"])["text"].to_pylist()
    return [x for x in t if x]


@pytest.fixture(scope="module")
def tokenizer_path(texts: list[str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers

    tok = Tokenizer(models.BPE(unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel()
    tok.train_from_iterator(texts, trainers.BpeTrainer(vocab_size=2000, special_tokens=["[UNK]"]))
    p = tmp_path_factory.mktemp("tok") / "tokenizer.json"
    tok.save(str(p))
    return p


def test_counts_equal_row_by_row_encoding(texts: list[str], tokenizer_path: Path) -> None:
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(tokenizer_path))
    rows = [*texts, None, ""]
    got = (
        qfast.TokenCount(tokenizer_path, batch_size=100)
        .signals(pa.array(rows))["token_count"]
        .to_pylist()
    )
    want = [None if t is None else len(tok.encode(t, add_special_tokens=False).ids) for t in rows]
    assert got == want
    print(
        f"\nTokenCount: {len(texts)} rows, {sum(w for w in want if w)} tokens, identical to encode() per row"
    )


def test_bounds_reasons_and_pipeline(tokenizer_path: Path) -> None:
    f = qfast.TokenCount(tokenizer_path, min_tokens=3, max_tokens=50)
    v = f.verdict(pa.array(["a b", "a normal sentence with a few words", "word " * 200, None]))
    assert v["reason"].to_pylist() == ["too_few_tokens", None, "too_many_tokens", "null_text"]
    out = qfast.Pipeline([f]).run(pa.table({"text": ["a b", "a normal sentence with a few words"]}))
    assert out.data["text"].to_pylist() == ["a normal sentence with a few words"]
    assert out.data["token_count"].to_pylist()[0] > 3
    with pytest.raises(qfast.errors.ConfigError):
        qfast.TokenCount("/no/such/tokenizer.json")
