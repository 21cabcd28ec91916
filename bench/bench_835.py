"""835 reading speed: denialdesk's parser against pyx12 and against a bare str.split.

One generated 005010X221A1 file with 10,000 claims (a behavioral-health mix: paid, patient
share, partial, denied, CO-16 with remarks; one to three lines each) is read by
- a bare tokenization, `[s.split("*") for s in text.split("~")]`: the floor for any reader;
- denialdesk's parse_835: tokenize, type every value, build the claims, check every balance;
- pyx12 (the validator the tests use): its X12ContextReader walking the claim loops, and its
  x12n_document validation.
Targets: at least 10x faster than pyx12, within 5x of the bare split.
"""

from __future__ import annotations

import gc
import io
import logging
import time
from collections.abc import Callable
from decimal import Decimal

import pyx12.error_handler
import pyx12.params
import pyx12.x12context
import pyx12.x12n_document

from denialdesk.domain.x12.remit import parse_835

CLAIMS = 10_000
REPEATS = 5
NPI = "1234567893"

# (code, charge, paid, line CAS..., LQ remark) per line; each claim kind is one to three lines.
KINDS: list[list[tuple[str, str, str, list[str], str]]] = [
    [("90837", "180.00", "140.00", ["CAS*CO*45*40.00"], "")],
    [("90834", "150.00", "70.00", ["CAS*CO*45*30.00", "CAS*PR*1*25.00**2*25.00"], "")],
    [
        ("99214", "120.00", "88.40", ["CAS*CO*45*31.60"], ""),
        ("90833", "95.00", "70.15", ["CAS*CO*45*20.00", "CAS*PR*3*4.85"], ""),
    ],
    [("90837", "180.00", "0", ["CAS*CO*197*180.00"], "N54")],
    [("90837", "180.00", "0", ["CAS*CO*16*180.00"], "M62")],
    [
        ("90847", "160.00", "132.40", ["CAS*CO*45*27.60"], ""),
        ("90785", "40.00", "0", ["CAS*CO*97*40.00"], ""),
    ],
    [("90791", "250.00", "0", ["CAS*CO*45*50.00", "CAS*PR*1*200.00"], "")],
    [
        ("H0015:HF", "1000.00", "900.00", ["CAS*CO*45*100.00"], ""),
        ("H0015:HF", "1000.00", "0", ["CAS*CO*119*1000.00*5"], "N362"),
        ("H0004", "75.00", "60.00", ["CAS*CO*45*15.00"], ""),
    ],
]


def generate(claims: int = CLAIMS) -> str:
    body: list[str] = [
        "ST*835*0001",
        "BPR*I*{total}*C*ACH*CCP*01*011000015*DA*123456789*1043210987**01*021000021*DA"
        "*987654321*20240315",
        "TRN*1*EFT0000101*1043210987",
        "DTM*405*20240314",
        "N1*PR*BLUE HARBOR HEALTH PLAN",
        "N3*100 HARBOR WAY",
        "N4*BOSTON*MA*02110",
        "REF*2U*BHHP1",
        "PER*BL*PROVIDER SERVICES*TE*8005550100",
        f"N1*PE*CALM PSYCHIATRY ASSOCIATES*XX*{NPI}",
        "REF*TJ*043219876",
        "LX*1",
    ]
    total = Decimal(0)
    for number in range(claims):
        lines = KINDS[number % len(KINDS)]
        charge = sum(Decimal(line[1]) for line in lines)
        paid = sum(Decimal(line[2]) for line in lines)
        total += paid
        day = f"202403{number % 28 + 1:02d}"
        body += [
            f"CLP*DD{number:012d}*{'1' if paid else '4'}*{charge}*{paid}**12*PCN{number:09d}*11*1",
            f"NM1*QC*1*SAMPLE*PAT{number % 997}****MI*MBR{number:08d}",
        ]
        for index, (code, line_charge, line_paid, cas, remark) in enumerate(lines, 1):
            body += [f"SVC*HC:{code}*{line_charge}*{line_paid}**1", f"DTM*472*{day}", *cas]
            body += [f"REF*6R*{index}"] + ([f"LQ*HE*{remark}"] if remark else [])
    body[1] = body[1].format(total=total)
    body.append(f"SE*{len(body) + 1}*0001")
    isa = (
        f"ISA*00*{'':10}*00*{'':10}*ZZ*{'BHHP835':15}*ZZ*{'CALMPSYCH':15}*240315*1200"
        "*^*00501*000000101*0*T*:"
    )
    segments = [
        isa,
        "GS*HP*BHHP835*CALMPSYCH*20240315*1200*101*X*005010X221A1",
        *body,
        "GE*1*101",
        "IEA*1*000000101",
    ]
    return "~\n".join(segments) + "~\n"


def cpu_seconds(work: Callable[[], object], repeats: int = 1) -> float:
    """Best CPU time of `repeats` runs: process time, so other busy processes on the machine
    (tests, other benchmarks) disturb the figures less than wall-clock time would."""
    times = []
    for _ in range(repeats):
        started = time.process_time()
        work()
        times.append(time.process_time() - started)
    return min(times)


def bare_split(text: str) -> list[list[str]]:
    return [segment.split("*") for segment in text.split("~")]


def pyx12_parse(text: str) -> int:
    """Walk every claim loop (2100) with pyx12's reading API."""
    param = pyx12.params.params()
    errh = pyx12.error_handler.errh_null()
    reader = pyx12.x12context.X12ContextReader(param, errh, io.StringIO(text))
    return sum(1 for node in reader.iter_segments("2100") if node.id == "2100")


def pyx12_validate(text: str) -> bool:
    return pyx12.x12n_document.x12n_document(
        param=pyx12.params.params(), src_file=io.StringIO(text), fd_997=None, fd_html=None
    )


def main() -> None:
    logging.getLogger("pyx12").setLevel(logging.CRITICAL)
    text = generate()
    remit = parse_835(text)
    assert len(remit.claims) == CLAIMS  # the file is real: it parses and balances
    segments = len(bare_split(text)) - 1
    print(f"835 with {CLAIMS:,} claims: {segments:,} segments, {len(text) / 1e6:.1f} MB")

    split = cpu_seconds(lambda: bare_split(text), REPEATS)
    ours = cpu_seconds(lambda: parse_835(text), REPEATS)
    # The collector runs more often the more objects a reader makes; show the ratio without it
    # too, so the comparison is not flattered by the collections the bare split also pays for.
    gc.disable()
    try:
        split_no_gc = cpu_seconds(lambda: bare_split(text), REPEATS)
        ours_no_gc = cpu_seconds(lambda: parse_835(text), REPEATS)
    finally:
        gc.enable()
    claims_seen: list[int] = []
    pyx12_read = cpu_seconds(lambda: claims_seen.append(pyx12_parse(text)))
    valid: list[bool] = []
    pyx12_valid = cpu_seconds(lambda: valid.append(pyx12_validate(text)))
    assert claims_seen == [CLAIMS] and valid == [True]

    rows = [
        ("bare str.split", split, ""),
        ("denialdesk parse_835", ours, f"{ours / split:5.1f}x the bare split (target <= 5x)"),
        ("  without gc, both", ours_no_gc, f"{ours_no_gc / split_no_gc:5.1f}x the bare split"),
        ("pyx12 X12ContextReader", pyx12_read, f"{pyx12_read / ours:5.1f}x denialdesk (>= 10x)"),
        ("pyx12 x12n_document", pyx12_valid, f"{pyx12_valid / ours:5.1f}x denialdesk"),
    ]
    for name, seconds, ratio in rows:
        print(f"  {name:24} {seconds:7.3f} s CPU  {ratio}".rstrip())
    print(f"  (best of {REPEATS} runs for the split and denialdesk, one run of each pyx12 reader)")
