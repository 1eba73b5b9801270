"""A case system's caseload merged into the cases derived from the register (``--cases``).

The register records no referral, contact or enquiry, so without this a duty already done in
the case system stays listed. The rules, written once:

* Records are matched to derived pupils by ``case_ref`` = the register's ``pupil_ref``. A
  record with no readable ``case_ref``, or a second record for the same one, is a problem (by
  position and field, never a value); the first record for a reference is used.
* **The register wins for the absence section**: every ``absence`` field is derived from the
  register (or unknown where the register cannot say), and the caseload's dated ``changes`` to
  absence fields are replaced by the register's. A caseload value that differs is reported.
* **The caseload's history is kept**, with the register's ``session_coded_n`` event in place of
  any the caseload has (the register shows the current codes). A record without ``history``
  leaves the register's events alone, as without ``--cases``.
* **Everything else the caseload knows is kept** (whereabouts, education, the child's details,
  its other dated changes); the register's ``child.date_of_birth`` and ``school.on_roll`` fill
  in what the record leaves out, and a differing value is reported (the caseload's is kept).
  ``school.closure_days`` are the union of both. A record's ``policy`` key is dropped: the
  packs evaluated are the ones the command names.
* A record for a pupil the register gives nothing to act on (or who is not in it) is counted,
  not evaluated: the worklist is the register's.

Conflicts name the case and the field, never either value (case facts are children's data).
"""

from __future__ import annotations

import copy
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from ..batch import POLICY_KEY, Record, RecordError, readable_ref
from .derive import PupilFacts

#: The case section derived from the register alone.
REGISTER_SECTION = "absence"
#: Events the register derives: the caseload's own are replaced.
REGISTER_EVENTS = frozenset({"session_coded_n"})


@dataclass(frozen=True)
class Conflict:
    """A fact on which the caseload and the register differ, and whose value was used."""

    case_ref: str
    field: str
    used: str  # "register" or "caseload"

    def __str__(self) -> str:
        return (
            f"case {_shown(self.case_ref)}: {self.field}: the caseload and the register differ; "
            f"the {self.used}'s value is used"
        )

    def as_dict(self) -> dict[str, str]:
        return {"case_ref": _shown(self.case_ref), "field": self.field, "used": self.used}


@dataclass
class Caseload:
    """A caseload read once, by ``case_ref``, with the records that could not be used."""

    records: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    problems: list[RecordError] = field(default_factory=list)

    @classmethod
    def read(
        cls, source: str | os.PathLike[str] | Iterable[Any], input_format: str | None = None
    ) -> Caseload:
        """From a caseload file (``-``: standard input; JSON Lines, JSON, YAML or CSV, read by
        :func:`cme_policy.caseload.read_caseload`) or an iterable of case mappings or records."""
        if isinstance(source, (str, os.PathLike)):
            from ..caseload import read_caseload

            items: Iterable[Any] = read_caseload(os.fspath(source), input_format)
        else:
            items = source
        out = cls()
        for position, item in enumerate(items, 1):
            if isinstance(item, RecordError):
                out.problems.append(item)
                continue
            record = item if isinstance(item, Record) else Record(item)
            data = record.data
            ref = readable_ref(data)
            if ref is None:
                out.problems.append(RecordError(position, None, (record.problem(("case_ref",), _NO_REF),)))
            elif ref in out.records:
                out.problems.append(
                    RecordError(
                        position,
                        ref,
                        (record.problem(("case_ref",), "a second record for this case; the first is used"),),
                    )
                )
            else:
                out.records[ref] = data
        return out


_NO_REF = "missing or not a reference of 1-64 printable characters: a record is matched by case_ref"


@dataclass(frozen=True)
class Merged:
    """The derived pupils with the caseload merged in, and what the merge found."""

    pupils: tuple[PupilFacts, ...]
    matched: int
    not_derived: int
    conflicts: tuple[Conflict, ...]
    problems: tuple[RecordError, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "matched": self.matched,
            "not_derived": self.not_derived,
            "conflicts": [c.as_dict() for c in self.conflicts],
            "problems": [str(p) for p in self.problems],
        }


def merge_caseload(pupils: Iterable[PupilFacts], caseload: Caseload) -> Merged:
    """Each derived pupil with its caseload record merged in (the rules above)."""
    out: list[PupilFacts] = []
    conflicts: list[Conflict] = []
    matched: set[str] = set()
    for pupil in pupils:
        record = caseload.records.get(pupil.case_ref)
        if record is None:
            out.append(pupil)
            continue
        matched.add(pupil.case_ref)
        case, found = merge_case(pupil.case, record)
        conflicts += [Conflict(pupil.case_ref, f, used) for f, used in found]
        kept = len(record.get("history") or ()) if isinstance(record.get("history"), list) else 0
        note = (
            f"merged with the caseload's record: {kept} history event(s) from the case system kept; "
            "the absence facts are the register's"
        )
        out.append(replace(pupil, case=case, notes=(*pupil.notes, note)))
    return Merged(
        tuple(out),
        len(matched),
        len(caseload.records) - len(matched),
        tuple(conflicts),
        tuple(caseload.problems),
    )


def merge_case(
    derived: Mapping[str, Any], record: Mapping[str, Any]
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """One derived case and one caseload record (plain data) merged, and the conflicting
    fields as ``(field, whose value was used)``. The record is not changed."""
    case: dict[str, Any] = {k: copy.deepcopy(v) for k, v in record.items() if k != POLICY_KEY}
    found: list[tuple[str, str]] = []
    # The absence section: the register's, field by field.
    theirs = record.get(REGISTER_SECTION)
    ours = derived.get(REGISTER_SECTION) or {}
    if isinstance(theirs, Mapping):
        for name, value in theirs.items():
            if value is not None and name in ours and ours[name] != value:
                found.append((f"{REGISTER_SECTION}.{name}", "register"))
            elif value is not None and name not in ours:
                found.append((f"{REGISTER_SECTION}.{name}", "register"))  # the register: unknown
    case.pop(REGISTER_SECTION, None)
    if ours:
        case[REGISTER_SECTION] = copy.deepcopy(ours)
    # The other sections: the caseload's values kept, the register's filling in.
    for section in ("child", "school"):
        mine = derived.get(section)
        if not isinstance(mine, Mapping):
            continue
        have = case.get(section)
        if not isinstance(have, dict):
            if have is not None:
                continue  # not a mapping: the engine reports it, by field
            have = case[section] = {}
        for name, value in mine.items():
            if name == "closure_days" and isinstance(have.get(name), list):
                have[name] = sorted({*have[name], *value}, key=str)
            elif have.get(name) is None:
                have[name] = copy.deepcopy(value)
            elif have[name] != value:
                found.append((f"{section}.{name}", "caseload"))
    # Dated changes: the register's for absence fields, the caseload's for the rest.
    changes = record.get("changes")
    if isinstance(changes, list):
        own = [c for c in changes if not _is_absence_change(c)]
        if len(own) < len(changes):
            found.append((f"changes ({REGISTER_SECTION})", "register"))
        case["changes"] = copy.deepcopy(own) + copy.deepcopy(derived.get("changes", []))
    elif "changes" in derived:
        case["changes"] = copy.deepcopy(derived["changes"])
    # History: the case system's, with the register's events in place of its own of that kind.
    history = record.get("history")
    derived_events = list(derived.get("history") or [])
    if isinstance(history, list):
        kept = [e for e in history if not (isinstance(e, Mapping) and e.get("event") in REGISTER_EVENTS)]
        theirs_n = [e for e in history if isinstance(e, Mapping) and e.get("event") in REGISTER_EVENTS]
        if theirs_n and [dict(e) for e in theirs_n] != derived_events:
            found.append(("history (session_coded_n)", "register"))
        case["history"] = copy.deepcopy(kept) + copy.deepcopy(derived_events)
    else:
        case["history"] = copy.deepcopy(derived_events)
    case["case_ref"] = derived["case_ref"]
    return case, found


def _is_absence_change(change: Any) -> bool:
    return isinstance(change, Mapping) and str(change.get("field", "")).startswith(f"{REGISTER_SECTION}.")


def _shown(text: str) -> str:
    from ..worklist import shown

    return shown(text)


__all__ = ["Caseload", "Conflict", "Merged", "merge_case", "merge_caseload"]
