"""Evaluation and management (E/M) visit codes a prescriber bills, in plain English."""

from __future__ import annotations

# E/M visits: the level is chosen by medical decision making or by total time on the day
# (the minutes shown); psychotherapy time is counted separately. Any of these carries the
# psychotherapy add-ons 90833/90836/90838.
EM_VISITS: tuple[tuple[str, str], ...] = (
    ("99202", "Office visit, new patient, straightforward (15 minutes)"),
    ("99203", "Office visit, new patient, low complexity (30 minutes)"),
    ("99204", "Office visit, new patient, moderate complexity (45 minutes)"),
    ("99205", "Office visit, new patient, high complexity (60 minutes)"),
    ("99211", "Office visit, established patient, may not need a physician"),
    ("99212", "Office visit, established patient, straightforward (10 minutes)"),
    ("99213", "Office visit, established patient, low complexity (20 minutes)"),
    ("99214", "Office visit, established patient, moderate complexity (30 minutes)"),
    ("99215", "Office visit, established patient, high complexity (40 minutes)"),
    ("99221", "Hospital admission visit, low complexity"),
    ("99222", "Hospital admission visit, moderate complexity"),
    ("99223", "Hospital admission visit, high complexity"),
    ("99231", "Hospital follow-up visit, low complexity"),
    ("99232", "Hospital follow-up visit, moderate complexity"),
    ("99233", "Hospital follow-up visit, high complexity"),
    ("99238", "Hospital discharge day, 30 minutes or less"),
    ("99239", "Hospital discharge day, more than 30 minutes"),
    ("99242", "Office consultation, straightforward"),
    ("99243", "Office consultation, low complexity"),
    ("99244", "Office consultation, moderate complexity"),
    ("99245", "Office consultation, high complexity"),
    ("99252", "Inpatient consultation, straightforward"),
    ("99253", "Inpatient consultation, low complexity"),
    ("99254", "Inpatient consultation, moderate complexity"),
    ("99255", "Inpatient consultation, high complexity"),
    ("99281", "Emergency department visit, may not need a physician"),
    ("99282", "Emergency department visit, straightforward"),
    ("99283", "Emergency department visit, low complexity"),
    ("99284", "Emergency department visit, moderate complexity"),
    ("99285", "Emergency department visit, high complexity"),
    ("99304", "Nursing facility admission visit, low complexity"),
    ("99305", "Nursing facility admission visit, moderate complexity"),
    ("99306", "Nursing facility admission visit, high complexity"),
    ("99307", "Nursing facility follow-up visit, straightforward"),
    ("99308", "Nursing facility follow-up visit, low complexity"),
    ("99309", "Nursing facility follow-up visit, moderate complexity"),
    ("99310", "Nursing facility follow-up visit, high complexity"),
    ("99341", "Home or residence visit, new patient, straightforward"),
    ("99342", "Home or residence visit, new patient, low complexity"),
    ("99344", "Home or residence visit, new patient, moderate complexity"),
    ("99345", "Home or residence visit, new patient, high complexity"),
    ("99347", "Home or residence visit, established patient, straightforward"),
    ("99348", "Home or residence visit, established patient, low complexity"),
    ("99349", "Home or residence visit, established patient, moderate complexity"),
    ("99350", "Home or residence visit, established patient, high complexity"),
)

# CPT 2025 telemedicine E/M visits: the code itself says real-time audio-video (98000–98007)
# or audio only (98008–98014), so no telehealth modifier goes on them; 98015 is a brief
# virtual check-in. Like the office visits, they carry the psychotherapy add-ons.
TELEMEDICINE_EM_VISITS: tuple[tuple[str, str], ...] = (
    ("98000", "Audio-video visit, new patient, straightforward (15 minutes)"),
    ("98001", "Audio-video visit, new patient, low complexity (30 minutes)"),
    ("98002", "Audio-video visit, new patient, moderate complexity (45 minutes)"),
    ("98003", "Audio-video visit, new patient, high complexity (60 minutes)"),
    ("98004", "Audio-video visit, established patient, straightforward (10 minutes)"),
    ("98005", "Audio-video visit, established patient, low complexity (20 minutes)"),
    ("98006", "Audio-video visit, established patient, moderate complexity (30 minutes)"),
    ("98007", "Audio-video visit, established patient, high complexity (40 minutes)"),
    ("98008", "Audio-only visit, new patient, straightforward (15 minutes)"),
    ("98009", "Audio-only visit, new patient, low complexity (30 minutes)"),
    ("98010", "Audio-only visit, new patient, moderate complexity (45 minutes)"),
    ("98011", "Audio-only visit, new patient, high complexity (60 minutes)"),
    ("98012", "Audio-only visit, established patient, straightforward (10 minutes)"),
    ("98013", "Audio-only visit, established patient, low complexity (20 minutes)"),
    ("98014", "Audio-only visit, established patient, moderate complexity (30 minutes)"),
    ("98015", "Brief virtual check-in, established patient (5–10 minutes)"),
)

TELEMEDICINE_EM_CODES: frozenset[str] = frozenset(code for code, _ in TELEMEDICINE_EM_VISITS)
EM_CODES: frozenset[str] = frozenset(code for code, _ in EM_VISITS) | TELEMEDICINE_EM_CODES
