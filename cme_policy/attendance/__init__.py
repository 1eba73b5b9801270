"""From the attendance register to CME duties: a register extract read, each pupil's facts
derived (cited and explained), and the authority's pack applied (issue 15).

The columnar engines (DuckDB, Polars) are imported only when a register is opened: install
them with ``pip install "cme_policy[attendance]"``. docs/attendance.md has the column mapping,
the derivation rules with the regulations they follow, and the figures measured.
"""

from __future__ import annotations

from .codes import CODES_2006, CODES_2024, CODES_2024_FROM, kind_of
from .derive import DerivedFact, PupilFacts, derive
from .engines import ENGINES, RegisterError, Source
from .merge import Caseload, Conflict, Merged, merge_caseload
from .run import Derivation, derive_register, evaluate_register, open_extract
from .scan import Admission, Frame, PupilScan, scan_reference

__all__ = [
    "CODES_2006",
    "CODES_2024",
    "CODES_2024_FROM",
    "ENGINES",
    "Admission",
    "Caseload",
    "Conflict",
    "Derivation",
    "DerivedFact",
    "Frame",
    "Merged",
    "PupilFacts",
    "PupilScan",
    "RegisterError",
    "Source",
    "derive",
    "derive_register",
    "evaluate_register",
    "kind_of",
    "merge_caseload",
    "open_extract",
    "scan_reference",
]
