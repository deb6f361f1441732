#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Runs FAISS on the bank and queries that `safeguard bench index --export DIR` wrote, checks that
FAISS returns the same result sets, and prints FAISS's figures and Safeguard's ratios.

Usage: /usr/bin/python3 benchmarks/index-vs-faiss.py DIR RADIUS [--multihash-queries K] [--flat-queries F]
DIR holds bank.u8, queries.u8 (32 bytes per hash), results.txt (Safeguard's sorted bank positions
per query) and bench.txt (Safeguard's bench output)."""
import argparse
import re
import resource
import time

import faiss
import numpy as np


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(p * len(values)))]


def run_queries(index, queries, radius, ours, limit):
    """One query per call, as a matcher serves uploads; FAISS's radius is strict, so ask for r + 1."""
    times, mismatches = [], 0
    for k in range(min(limit, len(queries))):
        start = time.perf_counter()
        lims, _, ids = index.range_search(queries[k:k + 1], radius + 1)
        times.append((time.perf_counter() - start) * 1000.0)
        if set(int(i) for i in ids[lims[0]:lims[1]]) != ours[k]:
            mismatches += 1
    return times, mismatches


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("dir")
    parser.add_argument("radius", type=int)
    parser.add_argument("--multihash-queries", type=int, default=1000)
    parser.add_argument("--flat-queries", type=int, default=100)
    args = parser.parse_args()

    faiss.omp_set_num_threads(1)
    bank = np.fromfile(f"{args.dir}/bank.u8", dtype=np.uint8).reshape(-1, 32)
    queries = np.fromfile(f"{args.dir}/queries.u8", dtype=np.uint8).reshape(-1, 32)
    with open(f"{args.dir}/results.txt") as f:
        ours = [set(int(x) for x in line.split()) for line in f]
    print(f"faiss {faiss.__version__}, one thread; bank {len(bank):,}, queries {len(queries):,}, radius {args.radius}")

    rows = {}
    before = peak_rss_mb()
    start = time.perf_counter()
    multihash = faiss.IndexBinaryMultiHash(256, 16, 16)
    multihash.nflip = args.radius // 16  # HMA: threshold // nhash
    multihash.add(bank)
    build = time.perf_counter() - start
    grown = peak_rss_mb() - before
    times, bad = run_queries(multihash, queries, args.radius, ours, args.multihash_queries)
    rows["MultiHash(256,16,16)"] = (percentile(times, 0.5), percentile(times, 0.99))
    print(f"IndexBinaryMultiHash(256,16,16) nflip={multihash.nflip}: build {build:.1f} s, peak RSS grew {grown:,.0f} MB "
          f"({grown * 1e6 / len(bank):.0f} bytes/hash); {len(times)} queries p50 {rows['MultiHash(256,16,16)'][0]:.2f} ms "
          f"p99 {rows['MultiHash(256,16,16)'][1]:.2f} ms; result sets differing from Safeguard: {bad}")
    del multihash

    flat = faiss.IndexBinaryFlat(256)
    flat.add(bank)
    times, bad_flat = run_queries(flat, queries, args.radius, ours, args.flat_queries)
    rows["Flat"] = (percentile(times, 0.5), percentile(times, 0.99))
    print(f"IndexBinaryFlat range_search: {len(times)} queries p50 {rows['Flat'][0]:.2f} ms p99 {rows['Flat'][1]:.2f} ms; "
          f"result sets differing from Safeguard: {bad_flat}")

    with open(f"{args.dir}/bench.txt") as f:
        bench = f.read()
    m = re.search(r"latency p50 ([\d.]+) ms, p99 ([\d.]+) ms", bench)
    mem = re.search(r"([\d.]+) bytes/hash in index arrays", bench)
    b = re.search(r"build: ([\d.]+) s", bench)
    p50, p99 = float(m.group(1)), float(m.group(2))
    print(f"safeguard: p50 {p50:.3f} ms, p99 {p99:.3f} ms, {mem.group(1)} bytes/hash, build {b.group(1)} s")
    for name, (f50, f99) in rows.items():
        print(f"ratio {name} / safeguard: p50 {f50 / p50:,.0f}x, p99 {f99 / p99:,.0f}x")
    print(f"ratio MultiHash build / safeguard build: {build / float(b.group(1)):.1f}x; "
          f"memory: {grown * 1e6 / len(bank) / float(mem.group(1)):.1f}x")
    return 1 if bad or bad_flat else 0


if __name__ == "__main__":
    raise SystemExit(main())
