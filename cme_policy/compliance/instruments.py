"""The national instruments a pack's sources may cite, with the dates they were in force.

A source names what it cites in ``cites`` (ids below). Packs written before that field existed
say it in words, so the checker also reads a source's title, version and note for the usual
ways of naming each instrument and reports which words it matched. Dates are those of the
reference summary (/work/shared/reference/dfe_requirements.md, "Version timeline").
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Instrument:
    id: str
    title: str
    in_force_from: dt.date | None
    in_force_to: dt.date | None = None  # last day in force
    replaced_by: str | None = None
    patterns: tuple[str, ...] = ()

    def in_force(self, on: dt.date) -> bool:
        return (self.in_force_from is None or self.in_force_from <= on) and (
            self.in_force_to is None or on <= self.in_force_to
        )


_D = dt.date

INSTRUMENTS: dict[str, Instrument] = {
    i.id: i
    for i in (
        Instrument(
            "education_act_1996",
            "Education Act 1996",
            _D(1996, 11, 1),
            patterns=(r"Education Act 1996",),
        ),
        Instrument(
            "pupil_registration_regs_2006",
            "Education (Pupil Registration) (England) Regulations 2006 (SI 2006/1751)",
            _D(2006, 9, 1),
            _D(2024, 8, 18),
            "pupil_registration_regs_2024",
            (
                r"Pupil\s+Registration\)?\s*\(England\)\s*Regulations,?\s*2006",
                r"2006/1751",
                r"\b2006 Regulations\b",
                r"Registration[^.;]{0,40}Regulations 2006",
            ),
        ),
        Instrument(
            "pupil_registration_amendment_regs_2016",
            "Education (Pupil Registration) (England) (Amendment) Regulations 2016 (SI 2016/792)",
            _D(2016, 9, 1),
            _D(2024, 8, 18),
            "pupil_registration_regs_2024",
            (r"2016/792", r"\(Amendment\)\s*Regulations\s*2016"),
        ),
        Instrument(
            "pupil_registration_regs_2024",
            "School Attendance (Pupil Registration) (England) Regulations 2024 (SI 2024/208)",
            _D(2024, 8, 19),
            patterns=(r"2024/208", r"Pupil\s+Registration\)?\s*\(England\)\s*Regulations,?\s*2024"),
        ),
        Instrument(
            "dfe_cme_guidance_2016",
            "DfE, Children missing education: statutory guidance for local authorities (Sept 2016)",
            _D(2016, 9, 1),
            _D(2024, 8, 18),
            "dfe_cme_guidance_2024",
            (
                r"guidance[^.;]{0,60}\b(?:September|Sept\.?) 2016",
                r"\b(?:September|Sept\.?) 2016[^.;]{0,40}guidance",
            ),
        ),
        Instrument(
            "dfe_cme_guidance_2024",
            "DfE, Children missing education: statutory guidance (19 Aug 2024 update)",
            _D(2024, 8, 19),
            _D(2025, 9, 7),
            "dfe_cme_guidance_2025",
        ),
        Instrument(
            "dfe_cme_guidance_2025",
            "DfE, Children missing education: statutory guidance for local authorities and "
            "schools (8 Sep 2025)",
            _D(2025, 9, 8),
        ),
        Instrument(
            "wtisa_2024",
            "DfE, Working together to improve school attendance (Aug 2024)",
            _D(2024, 8, 19),
        ),
        Instrument(
            "cwsa_2026",
            "Children's Wellbeing and Schools Act 2026",
            None,
        ),
    )
}


def current_successor(instrument_id: str, on: dt.date) -> Instrument | None:
    """The instrument in force on ``on`` that (through replacements) took this one's place."""
    seen: set[str] = set()
    inst = INSTRUMENTS.get(instrument_id)
    while inst is not None and inst.id not in seen:
        seen.add(inst.id)
        if inst.in_force(on) and inst.id != instrument_id:
            return inst
        inst = INSTRUMENTS.get(inst.replaced_by) if inst.replaced_by else None
    return None


def mentioned(text: str) -> dict[str, str]:
    """Instruments named in free text: id -> the words matched."""
    found: dict[str, str] = {}
    for inst in INSTRUMENTS.values():
        for pattern in inst.patterns:
            m = re.search(pattern, text, flags=re.IGNORECASE)
            if m:
                found[inst.id] = m.group(0)
                break
    return found
