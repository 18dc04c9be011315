"""OC3 (care leavers) code lists from the SSDA903 return (../shared/spec/codes.md §6.8)
and the groupings the care-leaver statistics use (codes.md §7, rules.md §4)."""

from __future__ import annotations

from tracker.codes import Code, CodeList

#: ACCOM letter (the suffix 1/2 is kept separately as "suitable"). "0" (not in touch,
#: died, returned home) is stored as no accommodation, never as a letter.
ACCOMMODATION = CodeList("accommodation (OC3 ACCOM)", [
    Code("B", "With parent(s) or relative(s)"),
    Code("C", "Community home or residential care (incl. NHS establishment)"),
    Code("D", "Semi-independent or transitional accommodation"),
    Code("E", "Supported lodgings"),
    Code("G", "Gone abroad"),
    Code("H", "Deported"),
    Code("K", "Ordinary lodgings without formal support"),
    Code("R", "Residence not known"),
    Code("S", "No fixed abode or homeless"),
    Code("T", "Foyer or similar (accommodation plus education, training or employment)"),
    Code("U", "Independent living (own tenancy, college or university, flat sharing)"),
    Code("V", "Emergency accommodation (night shelter, direct access, emergency hostel)"),
    Code("W", "Bed and breakfast"),
    Code("X", "In custody"),
    Code("Y", "Other accommodation"),
    Code("Z", "With former foster carer(s), aged 18 or over"),
])

#: Letters only for young people aged 18 or over (OC3 rules 347 and 3001).
ADULT_ONLY_ACCOMMODATION = {"T": "OC3 rule 347", "Z": "OC3 rule 3001"}

#: "Residence not known" counts as no information about suitability (codes.md §7).
NO_INFORMATION_ACCOMMODATION = frozenset({"R"})

#: ACTIV code. "0" (not in touch, died, returned home) is stored as no activity.
ACTIVITY = CodeList("activity (OC3 ACTIV)", [
    Code("F1", "Full time higher education"),
    Code("F2", "Full time other education"),
    Code("F4", "Full time apprenticeship"),
    Code("F5", "Full time training or employment (not apprenticeship)"),
    Code("P1", "Part time higher education"),
    Code("P2", "Part time other education"),
    Code("P4", "Part time apprenticeship"),
    Code("P5", "Part time training or employment (not apprenticeship)"),
    Code("G4", "Not in education, employment or training: illness or disability"),
    Code("G5", "Not in education, employment or training: other circumstances"),
    Code("G6", "Not in education, employment or training: pregnancy or parenting"),
])

#: In education, employment or training (rules.md §4, codes.md §7).
EET = frozenset({"F1", "F2", "F4", "F5", "P1", "P2", "P4", "P5"})
#: Not in education, employment or training.
NEET = frozenset({"G4", "G5", "G6"})

#: IN_TOUCH codes whose young people need no ACTIV or ACCOM (OC3 rule 344) and who are
#: outside the statistics population (codes.md §7 exclusions).
NO_ACTIVITY_IN_TOUCH = frozenset({"DIED", "RHOM"})
