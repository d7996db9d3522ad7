"""Deterministic Stripe-like identifiers.

Stripe ids are a prefix and a random base-62 tail; newer objects carry a ``1`` and a
fixed account fragment in the middle (``sub_1Pgc6rB7WZ01zgkWNy0Cn5nw``). The factory
draws from its own seeded generator and never repeats an id.
"""

from __future__ import annotations

import numpy as np

__all__ = ["IdFactory"]

_BASE62 = np.frombuffer(
    b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", dtype=np.uint8
)
_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
_UPPER = np.frombuffer(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", dtype=np.uint8)
_BLOCK = 1 << 20


class _Stream:
    """Random characters from one alphabet, drawn a block at a time."""

    def __init__(self, rng: np.random.Generator, alphabet: np.ndarray) -> None:
        self._rng = rng
        self._alphabet = alphabet
        self._text = ""
        self._pos = 0

    def take(self, k: int) -> str:
        if self._pos + k > len(self._text):
            picks = self._rng.integers(0, self._alphabet.size, _BLOCK)
            self._text = self._alphabet[picks].tobytes().decode("ascii")
            self._pos = 0
        out = self._text[self._pos : self._pos + k]
        self._pos += k
        return out


class IdFactory:
    """Mint unique, reproducible identifiers.

    Parameters
    ----------
    seed
        Seed of the generator; the same seed and the same call order give the same ids.

    Examples
    --------
    >>> ids = IdFactory(0)
    >>> ids.short("cus").startswith("cus_"), len(ids.short("cus"))
    (True, 18)
    """

    def __init__(self, seed: int) -> None:
        rng = np.random.default_rng(seed)
        self._base62 = _Stream(rng, _BASE62)
        self._hex = _Stream(rng, _HEX)
        self._upper = _Stream(rng, _UPPER)
        self._account = self._base62.take(10)
        self._seen: set[str] = set()

    def _fresh(self, candidate: str) -> bool:
        if candidate in self._seen:
            return False
        self._seen.add(candidate)
        return True

    def short(self, prefix: str, *, length: int = 14) -> str:
        """Return ``prefix_`` plus ``length`` base-62 characters (``cus_QXg1o8vcGmoR32``)."""
        while True:
            candidate = f"{prefix}_{self._base62.take(length)}"
            if self._fresh(candidate):
                return candidate

    def long(self, prefix: str) -> str:
        """Return an account-scoped id (``in_1PgafmB7WZ01zgkW6dKueIc5``)."""
        while True:
            tail = self._base62.take(13)
            candidate = f"{prefix}_1{tail[:5]}{self._account}{tail[5:]}"
            if self._fresh(candidate):
                return candidate

    def coupon(self) -> str:
        """Return an 8-character upper-case coupon id (``Z4OV52SU``)."""
        while True:
            candidate = self._upper.take(8)
            if self._fresh(candidate):
                return candidate

    def hex(self, length: int) -> str:
        """Return ``length`` random lower-case hex digits (not checked for uniqueness)."""
        return self._hex.take(length)
