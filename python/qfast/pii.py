"""PII redaction in the core: datatrove's ``PIIFormatter`` for emails and IPv4 addresses (same
regexes, same validity and public-address rules, same round-robin replacements whose position
carries over from one document, and one call, to the next), plus optional detectors for IPv6
addresses, phone numbers, payment cards (Luhn-checked) and IBANs (checksum-checked).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from . import _qfast
from ._input import like, text_column

KINDS: tuple[str, ...] = tuple(_qfast.pii_kinds())


def _tuple(r: Sequence[str] | str) -> list[str]:
    return [r] if isinstance(r, str) else list(r)


class PIIFormatter:
    """Replace PII in a text column, counting replacements per row and kind.

    Defaults are datatrove's: emails and public IPv4 addresses. Like datatrove's formatter,
    an instance cycles through each replacement tuple across rows *and calls*, so the output
    depends on row order (use one instance per ordered stream). Rows are processed in order
    even though the work is spread over threads.

    >>> f = PIIFormatter()
    >>> f.format(pa.array(["write to jane@corp.com"])).to_pylist()
    ['write to email@example.com']
    """

    name = "pii"

    def __init__(
        self,
        remove_emails: bool = True,
        remove_ips: bool = True,
        only_remove_public_ips: bool = True,
        email_replacement: Sequence[str] | str = (
            "email@example.com",
            "firstname.lastname@example.org",
        ),
        ip_replacement: Sequence[str] | str = (
            "22.214.171.124",
            "126.96.36.199",
            "188.8.131.52",
            "184.108.40.206",
            "220.127.116.11",
            "18.104.22.168",
        ),
        remove_ipv6: bool = False,
        remove_phones: bool = False,
        remove_credit_cards: bool = False,
        remove_ibans: bool = False,
        ipv6_replacement: Sequence[str] | str = "<IPV6>",
        phone_replacement: Sequence[str] | str = "<PHONE>",
        credit_card_replacement: Sequence[str] | str = "<CREDIT_CARD>",
        iban_replacement: Sequence[str] | str = "<IBAN>",
    ) -> None:
        self._enabled = [
            remove_emails,
            remove_ips,
            remove_ipv6,
            remove_phones,
            remove_credit_cards,
            remove_ibans,
        ]
        self.only_remove_public_ips = only_remove_public_ips
        self._replacements = [
            _tuple(email_replacement),
            _tuple(ip_replacement),
            _tuple(ipv6_replacement),
            _tuple(phone_replacement),
            _tuple(credit_card_replacement),
            _tuple(iban_replacement),
        ]
        self._counters = [0] * len(KINDS)
        self.stats: dict[str, int] = {"rows_in": 0, "rows_changed": 0} | {
            f"replaced_{k}": 0 for k in KINDS
        }

    def redact(self, data: Any, column: str = "text") -> pa.Table:
        """``text`` (redacted), ``changed`` and one ``pii_<kind>`` count column per kind."""
        _, col = text_column(data, column)
        out = _qfast.pii_redact(
            col,
            column,
            self._enabled,
            self.only_remove_public_ips,
            self._replacements,
            self._counters,
        )
        self._counters = list(out["counters"])
        cols: dict[str, Any] = {"text": out["text"], "changed": out["changed"]}
        self.stats["rows_in"] += len(out["changed"])
        self.stats["rows_changed"] += int(pc.sum(out["changed"]).as_py() or 0)
        for k in KINDS:
            cols[f"pii_{k}"] = out[k]
            self.stats[f"replaced_{k}"] += int(pc.sum(out[k]).as_py() or 0)
        return pa.table(cols)

    def format(self, data: Any, column: str = "text") -> Any:
        """The same kind of input with ``column`` redacted (an array for an array)."""
        table, _ = text_column(data, column)
        red = self.redact(data, column)
        if table is None:
            return like(data, red.column("text").combine_chunks())
        i = table.column_names.index(column)
        return like(
            data, table.set_column(i, pa.field(column, pa.large_utf8()), red.column("text"))
        )


__all__ = ["PIIFormatter", "KINDS"]
