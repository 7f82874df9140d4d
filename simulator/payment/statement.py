"""What payment rules return: transfers from payers to providers, and what each provider is owed."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from simulator.categories import MECHANISM_INDEX, PAYER_INDEX


@dataclass
class Transfers:
    """Flat arrays, one row per transfer, in euros.

    `amount` may be negative (a provider paying back, e.g. shared losses or a bundle loss).
    `cell` attributes the money to a zone and patient group; `item` is a category index,
    or NO_CATEGORY for payments not tied to a service.
    """

    payer: list[np.ndarray] = field(default_factory=list)
    mechanism: list[np.ndarray] = field(default_factory=list)
    item: list[np.ndarray] = field(default_factory=list)
    cell: list[np.ndarray] = field(default_factory=list)
    provider: list[np.ndarray] = field(default_factory=list)
    amount: list[np.ndarray] = field(default_factory=list)

    def add(self, payer: str | np.ndarray, mechanism: str, item: int | np.ndarray, cell: np.ndarray,
            provider: np.ndarray, amount: np.ndarray) -> None:
        """Append transfers; scalars are broadcast to the length of `amount`. Zero amounts are dropped."""
        amount = np.asarray(amount, dtype=np.float64)
        keep = amount != 0
        n = int(np.count_nonzero(keep))
        if not n:
            return

        def column(value: int | np.ndarray, dtype: type) -> np.ndarray:
            arr = np.asarray(value)
            if arr.ndim == 0:
                return np.full(n, arr, dtype)
            if arr.shape == amount.shape:  # masked in place: a broadcast view (an item per row, a cell per column) is not copied out
                return arr[keep].astype(dtype, copy=False)
            return arr.ravel()[keep.ravel()].astype(dtype, copy=False)

        self.payer.append(column(PAYER_INDEX[payer] if isinstance(payer, str) else payer, np.int8))
        self.mechanism.append(np.full(n, MECHANISM_INDEX[mechanism], np.int8))
        self.item.append(column(item, np.int16))
        self.cell.append(column(cell, np.int64))
        self.provider.append(column(provider, np.int64))
        self.amount.append(amount[keep])  # row order: C order of `amount`, as the other columns

    def select(self, keep_provider: np.ndarray) -> Transfers:
        """The transfers whose provider is marked in `keep_provider` (bool per provider)."""
        out = Transfers()
        for i, provider in enumerate(self.provider):
            keep = keep_provider[provider]
            for name in ("payer", "mechanism", "item", "cell", "provider", "amount"):
                getattr(out, name).append(getattr(self, name)[i][keep])
        return out

    def extend(self, other: Transfers) -> None:
        """Append another set of transfers."""
        for name in ("payer", "mechanism", "item", "cell", "provider", "amount"):
            getattr(self, name).extend(getattr(other, name))

    def columns(self) -> dict[str, np.ndarray]:
        """All transfers as concatenated columns."""
        names = ("payer", "mechanism", "item", "cell", "provider", "amount")
        empty = {"payer": np.int8, "mechanism": np.int8, "item": np.int16, "cell": np.int64, "provider": np.int64, "amount": np.float64}
        return {n: (np.concatenate(getattr(self, n)) if getattr(self, n) else np.empty(0, empty[n])) for n in names}


@dataclass
class Statement:
    """A period's transfers and, computed separately by the rules, what each provider is owed."""

    transfers: Transfers
    owed: np.ndarray  # [provider] euros
    paid: np.ndarray | None = None  # [payer] euros, where the rules compute what each payer pays (checked by the ledger)
    charges: np.ndarray | None = None  # [2, category, cell] what patients pay: co-payments, supplements (monthly statements)
