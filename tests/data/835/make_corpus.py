"""Write the 835 test corpus in this folder (fake practices, payers and patients; no PHI).

Each file is written here in one readable notation (`*` elements, `:` components, one segment per
line) and rendered with its own separators and line endings; the envelope counts (SE01, GE01,
IEA01) are computed. The .835 files are the fixtures the tests read; run this script only to
change them:  .venv/bin/python tests/data/835/make_corpus.py
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).parent

PAYER = """N1*PR*BLUE HARBOR HEALTH PLAN
N3*100 HARBOR WAY
N4*BOSTON*MA*02110
REF*2U*BHHP1
PER*BL*PROVIDER SERVICES*TE*8005550100"""
PAYEE = """N1*PE*CALM PSYCHIATRY ASSOCIATES*XX*1234567893
N3*12 ELM STREET SUITE 3
N4*CAMBRIDGE*MA*02139
REF*TJ*043219876"""
ACH = (
    "BPR*I*{amount}*C*ACH*CCP*01*011000015*DA*123456789*1043210987"
    "**01*021000021*DA*987654321*{date}"
)
CHECK = "BPR*I*{amount}*C*CHK************{date}"
NO_PAYMENT = "BPR*H*0*C*NON************{date}"


@dataclass
class Style:
    element: str = "*"
    component: str = ":"
    repetition: str = "^"
    terminator: str = "~"
    line_break: str = "\n"
    bom: bool = False


def transaction(control: str, bpr: str, trace: str, body: str, *, payer: str = PAYER,
                payee: str = PAYEE, originator: str = "1043210987") -> list[str]:  # fmt: skip
    segments = [
        f"ST*835*{control}",
        bpr,
        f"TRN*1*{trace}*{originator}",
        "DTM*405*20240314",
        *payer.splitlines(),
        *payee.splitlines(),
        *[line.strip() for line in body.strip().splitlines() if line.strip()],
    ]
    return [*segments, f"SE*{len(segments) + 1}*{control}"]


def render(transactions: list[list[str]], style: Style, control: str = "000000101") -> str:
    isa = (
        f"ISA*00*{'':10}*00*{'':10}*ZZ*{'BHHP835':15}*ZZ*{'CALMPSYCH':15}*240315*1200"
        f"*{style.repetition}*00501*{control}*0*T*{style.component}"
    )
    segments = [
        isa,
        "GS*HP*BHHP835*CALMPSYCH*20240315*1200*101*X*005010X221A1",
        *[segment for tx in transactions for segment in tx],
        f"GE*{len(transactions)}*101",
        f"IEA*1*{control}",
    ]
    table = str.maketrans({"*": style.element, ":": style.component})
    out = []
    for segment in segments:
        if segment is isa:  # the ISA declares the separators; translate only its element one
            out.append(segment.replace("*", style.element))
        else:
            out.append(segment.translate(table))
    text = style.terminator.join(f"{s}" for s in out)
    text = text.replace(style.terminator, style.terminator + style.line_break)
    return ("\ufeff" if style.bom else "") + text + style.terminator + style.line_break


def claim(clp: str, *rest: str) -> str:
    """A 2100 loop in the guide's order: CLP, claim-level CAS, NM1*QC, the rest."""
    first_line = next((i for i, s in enumerate(rest) if s.startswith("SVC")), len(rest))
    cas = [s for s in rest[:first_line] if s.startswith("CAS")]
    other = [s for i, s in enumerate(rest) if not (i < first_line and s.startswith("CAS"))]
    return "\n".join([clp, *cas, "NM1*QC*1*SAMPLE*PAT****MI*MBR0000001", *other])


FILES: dict[str, tuple[list[list[str]], Style]] = {}


def add(name: str, style: Style, *transactions: list[str]) -> None:
    FILES[name] = (list(transactions), style)


add(
    "01_paid_single.835",
    Style(component=">"),
    transaction(
        "0001", ACH.format(amount="140", date="20240315"), "EFT0000101",
        "LX*1\n" + claim(
            "CLP*DD2403000001*1*180*140**12*BH24075000001*11*1",
            "DTM*050*20240305",
            "SVC*HC>90837>95*180*140**1",
            "DTM*472*20240301",
            "CAS*CO*45*40",
            "REF*6R*1",
            "AMT*B6*140",
        ),
    ),
)  # fmt: skip

add(
    "02_patient_responsibility.835",
    Style(),
    transaction(
        "0001", CHECK.format(amount="70", date="20240318"), "100234567",
        "LX*1\n" + claim(
            "CLP*DD2403000002*1*150*70*50*12*BH24075000002*11*1",
            "SVC*HC:90834*150*70**1",
            "DTM*472*20240304",
            "CAS*CO*45*30",
            "CAS*PR*1*25**2*25",
            "AMT*B6*120",
        ) + "\n" + claim(
            "CLP*DD2403000003*1*250*0*200*12*BH24075000003*11*1",
            "SVC*HC:90791*250*0**1",
            "DTM*472*20240305",
            "CAS*CO*45*50",
            "CAS*PR*1*200",
            "AMT*B6*200",
        ),
    ),
)  # fmt: skip

add(
    "03_denied_authorization.835",
    Style(),
    transaction(
        "0001", NO_PAYMENT.format(date="20240320"), "NP20240320",
        "LX*1\n" + claim(
            "CLP*DD2403000004*4*180*0**12*BH24080000004*11*1",
            "SVC*HC:90837*180*0**1",
            "DTM*472*20240306",
            "CAS*CO*197*180",
            "LQ*HE*N54",
        ),
    ),
)  # fmt: skip

add(
    "04_co16_remarks.835",
    Style(),
    transaction(
        "0001", CHECK.format(amount="90", date="20240322"), "100234590",
        "LX*1\n" + claim(
            "CLP*DD2403000005*4*180*0**12*BH24082000005*11*1",
            "SVC*HC:90837*180*0**1",
            "DTM*472*20240307",
            "CAS*CO*16*180",
            "LQ*HE*M62",
        ) + "\n" + claim(
            "CLP*DD2403000006*4*150*0**12*BH24082000006*11*1",
            "MOA***MA130*M76",
            "SVC*HC:90834*150*0**1",
            "DTM*472*20240307",
            "CAS*CO*16*150",
        ) + "\n" + claim(
            "CLP*DD2403000007*1*300*90**12*BH24082000007*11*1",
            "MOA***M51",
            "SVC*HC:99214*120*90**1",
            "DTM*472*20240308",
            "CAS*CO*45*30",
            "SVC*HC:90833*180*0**1",
            "DTM*472*20240308",
            "CAS*CO*16*180",
            "LQ*HE*N130",
        ),
    ),
)  # fmt: skip

SUMMIT = """N1*PR*SUMMIT COMMUNITY CARE MCO
N3*PO BOX 4400
N4*PROVIDENCE*RI*02940
REF*2U*SCC01
PER*BL*EDI SUPPORT*TE*8005550199"""
add(
    "05_multi_transaction.835",
    Style(component=">"),
    transaction(
        "0001", ACH.format(amount="95", date="20240325"), "EFT0000201",
        "LX*1\n" + claim(
            "CLP*DD2403000008*1*120*95**12*BH24085000008*11*1",
            "SVC*HC>90832*120*95**1",
            "DTM*472*20240311",
            "CAS*CO*45*25",
        ),
    ),
    transaction(
        "0002", CHECK.format(amount="212.40", date="20240326"), "4400981", payer=SUMMIT,
        originator="1050607080",
        body="LX*1\n" + claim(
            "CLP*DD2403000009*1*260*212.40**MC*SC2408600009*11*1",
            "SVC*HC>90847*160*132.40**1",
            "DTM*472*20240312",
            "CAS*CO*45*27.60",
            "SVC*HC>90785*100*80**1",
            "DTM*472*20240312",
            "CAS*CO*45*20",
        ) + "\n" + claim(
            "CLP*DD2403000010*4*140*0**MC*SC2408600010*11*1",
            "SVC*HC>90834*140*0**1",
            "DTM*472*20240313",
            "CAS*CO*27*140",
        ),
    ),
)  # fmt: skip

add(
    "06_no_line_breaks.835",
    Style(line_break=""),
    transaction(
        "0001", ACH.format(amount="135", date="20240327"), "EFT0000301",
        "LX*1\n" + claim(
            "CLP*DD2403000011*2*220*135**12*BH24087000011*11*1",
            "SVC*HC:90837*180*135**1",
            "DTM*472*20240314",
            "CAS*CO*45*45",
            "SVC*HC:90785*40*0**1",
            "DTM*472*20240314",
            "CAS*CO*97*40",
        ),
    ),
)  # fmt: skip

add(
    "07_crlf_bom.835",
    Style(line_break="\r\n", bom=True),
    transaction(
        "0001", CHECK.format(amount="100", date="20240328"), "100234612",
        "LX*1\n" + claim(
            "CLP*DD2401000012*4*150*0**12*BH24088000012*11*1",
            "SVC*HC:90834*150*0**1",
            "DTM*472*20231102",
            "CAS*CO*29*150",
        ) + "\n" + claim(
            "CLP*DD2403000013*1*130*100**12*BH24088000013*11*1",
            "SVC*HC:90832*130*100**1",
            "DTM*472*20240315",
            "CAS*CO*45*30",
        ),
    ),
)  # fmt: skip

add(
    "08_reversal.835",
    Style(),
    transaction(
        "0001", ACH.format(amount="50", date="20240329"), "EFT0000401",
        "LX*1\n" + claim(
            "CLP*DD2402000014*22*-180*-140**12*BH24050000014*11*1",
            "SVC*HC:90837*-180*-140**-1",
            "DTM*472*20240215",
            "CAS*CO*45*-40",
        ) + "\n" + claim(
            "CLP*DD2402000014*1*180*100*40*12*BH24089000014*11*1",
            "SVC*HC:90837*180*100**1",
            "DTM*472*20240215",
            "CAS*CO*45*40",
            "CAS*PR*2*40",
        ) + "\n" + claim(
            "CLP*DD2403000015*1*120*90**12*BH24089000015*11*1",
            "SVC*HC:90832*120*90**1",
            "DTM*472*20240318",
            "CAS*CO*45*30",
        ),
    ),
)  # fmt: skip

add(
    "09_no_service_lines.835",
    Style(),
    transaction(
        "0001", CHECK.format(amount="144", date="20240401"), "100234700",
        "LX*1\n" + claim(
            "CLP*DD2403000016*1*200*144*36*12*BH24092000016*11*1",
            "CAS*CO*45*20",
            "CAS*PR*2*36",
            "DTM*232*20240318",
            "DTM*233*20240318",
        ) + "\n" + claim(
            "CLP*DD2403000017*4*180*0**12*BH24092000017*11*1",
            "CAS*CO*27*180",
            "DTM*232*20240319",
            "DTM*233*20240319",
        ),
    ),
)  # fmt: skip

add(
    "10_per_diem_range.835",
    Style(),
    transaction(
        "0001", ACH.format(amount="900", date="20240402"), "EFT0000501",
        "LX*1\n" + claim(
            "CLP*DD2403000018*2*2000*900**MC*BH24093000018*11*1",
            "SVC*HC:H0015:HF*1000*900**5",
            "DTM*150*20240311",
            "DTM*151*20240315",
            "CAS*CO*45*100",
            "SVC*HC:H0015:HF*1000*0**5",
            "DTM*150*20240318",
            "DTM*151*20240322",
            "CAS*CO*119*1000*5",
            "LQ*HE*N362",
        ),
    ),
)  # fmt: skip

add(
    "11_six_cas_triplets.835",
    Style(),
    transaction(
        "0001", CHECK.format(amount="133.40", date="20240403"), "100234800",
        "LX*1\n" + claim(
            "CLP*DD2403000019*1*200*133.40**12*BH24094000019*11*1",
            "SVC*HC:90837*200*133.40**1",
            "DTM*472*20240320",
            "CAS*CO*45*20**253*1.60**50*15**97*15**4*10**18*5",
        ),
    ),
)  # fmt: skip

add(
    "12_provider_adjustments.835",
    Style(),
    transaction(
        "0001", ACH.format(amount="132.15", date="20240404"), "EFT0000601",
        "LX*1\n" + claim(
            "CLP*DD2403000020*1*180*180**12*BH24095000020*11*1",
            "SVC*HC:90837*180*180**1",
            "DTM*472*20240321",
        ) + "\nPLB*1234567893*20241231*WO:BH24020000099*50*L6*-2.15",
    ),
)  # fmt: skip

add(
    "13_pipe_caret.835",
    Style(element="|", component="^", repetition="}"),
    transaction(
        "0001", NO_PAYMENT.format(date="20240405"), "NP20240405",
        "LX*1\n" + claim(
            "CLP*DD2403000021*1*150*0*150*12*BH24096000021*11*1",
            "SVC*HC:90834:GT*150*0**1",
            "DTM*472*20240322",
            "CAS*PR*96*150",
        ),
    ),
)  # fmt: skip

add(
    "14_repetition_caret.835",
    Style(element="*", component=":", repetition="^"),
    transaction(
        "0001", ACH.format(amount="110", date="20240408"), "EFT0000701",
        "LX*1\n" + claim(
            "CLP*DD2403000022*4*180*0**12*BH24099000022*11*1",
            "NM1*82*1*CLINICIAN*RENDERING****XX*1987654328",
            "SVC*HC:90837*180*0**1",
            "DTM*472*20240325",
            "CAS*CO*185*180",
            "LQ*HE*N290",
        ) + "\n" + claim(
            "CLP*DD2403000023*4*150*0**12*BH24099000023*11*1",
            "SVC*HC:90834*150*0**1",
            "DTM*472*20240325",
            "CAS*OA*18*150",
        ) + "\n" + claim(
            "CLP*DD2403000024*1*300*110**12*BH24099000024*11*1",
            "SVC*HC:99214*120*110**1",
            "DTM*472*20240326",
            "CAS*CO*45*10",
            "SVC*HC:90838*180*0**1",
            "DTM*472*20240326",
            "CAS*CO*50*180",
        ),
    ),
)  # fmt: skip

add(
    "15_newline_terminator.835",
    Style(component="^", repetition="{", terminator="\n", line_break=""),
    transaction(
        "0001", CHECK.format(amount="95", date="20240409"), "100234900",
        "LX*1\n" + claim(
            "CLP*DD2403000025*1*120*95**12*BH24100000025*02*1",
            "SVC*HC:90832:95*120*95**1",
            "DTM*472*20240327",
            "CAS*CO*45*25",
        ),
    ),
)  # fmt: skip


def main() -> None:
    for name, (transactions, style) in FILES.items():
        (HERE / name).write_bytes(render(transactions, style).encode("utf-8"))
        print("wrote", name)


if __name__ == "__main__":
    main()
