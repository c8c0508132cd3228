#!/usr/bin/env python3
"""Prints the median of each JMH benchmark's measurement iterations from a `-rf json` result file.

The machines are noisy, so docs/PERFORMANCE.md reports medians of iterations, not means.
Usage: scripts/jmh-medians.py result.json
"""
import json
import statistics
import sys

for bench in json.load(open(sys.argv[1])):
    raw = [x for fork in bench["primaryMetric"]["rawData"] for x in fork]
    params = ",".join(f"{k}={v}" for k, v in (bench.get("params") or {}).items())
    name = bench["benchmark"].rsplit(".", 2)[-2:]
    print(f"{'.'.join(name):45s} {params:20s} threads={bench['threads']} "
          f"median={statistics.median(raw):12.1f} {bench['primaryMetric']['scoreUnit']}  "
          f"iterations={[round(x) for x in raw]}")
