#!/usr/bin/env python3
"""Writes a venue CSV for import measurements: N venues over 250 districts (시·군·구), one in ten with a 안심콜 number,
plus BAD rows with problems spread through the file (bad id, business number, district code, venue type, phone).

Usage: scripts/gen-venues-csv.py N OUT.csv [BAD]   (docs/PERFORMANCE.md uses N = 1000000, BAD = 1000)
"""
import sys

n, out = int(sys.argv[1]), sys.argv[2]
bad = int(sys.argv[3]) if len(sys.argv) > 3 else 0
types = ["restaurant_cafe"] * 6 + ["karaoke", "indoor_sports", "bathhouse", "pc_cafe", "academy", "study_cafe",
                                   "multiroom", "cinema_theatre", "massage", "other"]
sido = ["서울", "부산", "대구", "인천", "광주", "대전", "울산", "경기", "강원", "충북", "충남", "전북", "전남", "경북", "경남", "제주"]
every = n // bad if bad else 0
with open(out, "w", encoding="utf-8") as f:
    f.write("venue_id,business_number,name,address,region,district_code,district_name,venue_type,"
            "operator_name,operator_phone,call_number\n")
    for i in range(n):
        d = i % 250
        region = sido[d % len(sido)]
        code = f"{11 + d % 40:02d}{110 + (d // 40) * 10:03d}"
        call = f"080{i:08d}" if i % 10 == 0 else ""
        row = [f"v{i:07d}", f"{100 + i % 900:03d}-{i % 100:02d}-{i % 100000:05d}", f"가게 {i}",
               f"{region} 시군구{d} 길 {i % 999}", region, code, f"시군구{d}", types[i % len(types)],
               f"운영자{i % 1000}", f"010-{1000 + i % 9000}-{1000 + (i // 9000) % 9000}", call]
        if every and i % every == every // 2:
            k = (i // every) % 5
            row[[0, 1, 5, 7, 9][k]] = ["Bad Id", "12-34", "1111", "spaceship", "12"][k]
        f.write(",".join(row) + "\n")
