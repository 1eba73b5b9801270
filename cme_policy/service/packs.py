"""The packs a running service answers with: loaded once at start-up, swapped whole on reload.

A request takes the current :class:`Packs` once and uses it to the end, so a reload (SIGHUP or
``POST /v1/admin/reload``) never changes the packs under a request in flight, and a reload that
fails leaves the packs in service as they were.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from ..batch import Batch
from ..engine.evaluate import national_floor
from ..pack.load import load_policy
from ..pack.loaded import PolicyPack
from ..pack.locate import shipped_policies

#: Compliance reports kept per snapshot, by (pack, date).
REPORTS_KEPT = 64


class UnknownPack(LookupError):
    def __init__(self, name: str, known: list[str]) -> None:
        super().__init__(name)
        self.name = name
        self.known = known


@dataclass
class Packs:
    """Every shipped pack with its national floor, as loaded at one moment."""

    packs: dict[str, PolicyPack]
    floors: dict[str, PolicyPack | None]
    loaded_at: dt.datetime
    _reports: OrderedDict[tuple[str, dt.date], Any] = field(default_factory=OrderedDict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def load(cls) -> Packs:
        packs = {name: load_policy(name) for name in shipped_policies()}
        floors = {name: national_floor(pack) for name, pack in packs.items()}
        return cls(packs, floors, dt.datetime.now(dt.UTC).replace(microsecond=0))

    @property
    def ids(self) -> list[str]:
        return sorted(self.packs)

    def get(self, name: str) -> PolicyPack:
        pack = self.packs.get(name)
        if pack is None:
            raise UnknownPack(name, self.ids)
        return pack

    def floor(self, name: str, statutory_floor: bool = True) -> PolicyPack | None:
        return self.floors[name] if statutory_floor else None

    def batch(self, default: str | None, statutory_floor: bool = True) -> SnapshotBatch:
        return SnapshotBatch(self, default, statutory_floor)

    def compliance(self, name: str, on: dt.date) -> Any:
        """The compliance report of a pack on a date (kept: the packs do not change)."""
        from ..compliance import check_compliance

        key = (name, on)
        with self._lock:
            hit = self._reports.get(key)
            if hit is not None:
                self._reports.move_to_end(key)
                return hit
        report = check_compliance(self.get(name), on=on, baseline=self.get("england"))
        with self._lock:
            self._reports[key] = report
            while len(self._reports) > REPORTS_KEPT:
                self._reports.popitem(last=False)
        return report


class SnapshotBatch(Batch):
    """A :class:`~cme_policy.batch.Batch` whose packs are the snapshot's, so a batch, a
    worklist and a single evaluation all read the same packs, whatever a reload does."""

    def __init__(self, packs: Packs, default: str | None, statutory_floor: bool = True) -> None:
        super().__init__(None, statutory_floor=statutory_floor)
        self.snapshot = packs
        if default is not None:
            self.default = self.pack(default)

    def pack(self, name: str | None) -> tuple[PolicyPack, PolicyPack | None]:
        if name is None or name not in self.snapshot.packs:
            return super().pack(name)  # the batch's own wording for a missing or unknown name
        return self.snapshot.packs[name], self.snapshot.floor(name, self.statutory_floor)

    def calendar_of(self, pack_id: str) -> Any:
        return self.snapshot.get(pack_id).calendar


class Holder:
    """The snapshot in service, replaced whole by :meth:`reload`."""

    def __init__(self) -> None:
        self.current = Packs.load()
        self._reloading = threading.Lock()

    def reload(self) -> Packs:
        with self._reloading:  # one reload at a time; requests never wait for it
            fresh = Packs.load()
            self.current = fresh
            return fresh
