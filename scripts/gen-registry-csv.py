#!/usr/bin/env python3
"""Writes a registry CSV for import measurements: N persons, each with two Pfizer doses and a negative PCR.

Usage: scripts/gen-registry-csv.py N OUT.csv   (docs/PERFORMANCE.md uses N = 100000: 400,000 rows)
"""
import sys

n, out = int(sys.argv[1]), sys.argv[2]
with open(out, "w", encoding="utf-8") as f:
    f.write("kind,person_id,name,birth_date,phone,vaccine,dose,vaccinated_on,test,result,result_at\n")
    for i in range(n):
        pid = f"R{i:07d}"
        day = 1 + i % 28
        phone = f"010-{1000 + i % 9000}-{1000 + i % 9000}"
        f.write(f"person,{pid},홍길동{i % 100},1970-01-{day:02d},{phone},,,,,,\n")
        f.write(f"immunization,{pid},,,,pfizer,1,2021-07-{day:02d},,,\n")
        f.write(f"immunization,{pid},,,,pfizer,2,2021-08-{day:02d},,,\n")
        f.write(f"test,{pid},,,,,,,pcr,negative,2022-01-{day:02d}T10:00:00+09:00\n")
