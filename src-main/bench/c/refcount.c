/*
 * Reference for `npm run bench`: the naive per-page Dynamic PAMT refcount loop in plain C, over the
 * same page operations as the bench's 2 TiB fill (src-main/bench/benchWorker.ts): TDS TDs of
 * PAGES pages each take one reference per page (a pair on 0->1), visiting PER_VISIT pages of a
 * 2 MiB region at a time, then give them all back (the pair goes on 1->0). PER_VISIT 512 walks
 * regions in order (a fresh host); fewer pages per visit scatter the visits over all REGIONS
 * regions (a fragmented host, each region shared by 512 / PER_VISIT TDs). One uint16 refcount per
 * region, as the kernel keeps one atomic per 2 MiB. Prints one JSON line.
 * Usage: refcount TDS PAGES PER_VISIT REGIONS
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static long gcd(long a, long b) {
  while (b) {
    long t = a % b;
    a = b;
    b = t;
  }
  return a;
}

int main(int argc, char **argv) {
  long tds = argc > 1 ? atol(argv[1]) : 127;
  long pages = argc > 2 ? atol(argv[2]) : 4194304;
  long perVisit = argc > 3 ? atol(argv[3]) : 512;
  long regions = argc > 4 ? atol(argv[4]) : 1048576;
  uint16_t *rc = calloc((size_t)regions, sizeof *rc);
  long visitsPerTd = (pages + perVisit - 1) / perVisit;
  long totalVisits = tds * visitsPerTd;
  /* Visit v of the whole fill lands on region (v * stride) mod regions: in order when each visit
   * fills a region, else spread by a stride coprime to regions (a permutation of the regions). */
  long stride = 1;
  if (perVisit < 512) {
    stride = (0x9e3779b1L % regions) | 1;
    while (gcd(stride, regions) != 1) stride += 2;
  }
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  long pairs = 0, peak = 0, ops = 0;
  for (int phase = 0; phase < 2; phase++) {
    for (long v = 0; v < totalVisits; v++) {
      long r = (long)(((unsigned long)v * (unsigned long)stride) % (unsigned long)regions);
      long n = perVisit;
      long left = pages - (v % visitsPerTd) * perVisit;
      if (n > left) n = left;
      for (long p = 0; p < n; p++) {
        if (phase == 0) {
          if (rc[r]++ == 0 && ++pairs > peak) peak = pairs;
        } else if (--rc[r] == 0) {
          pairs--;
        }
      }
      ops += n;
    }
  }
  clock_gettime(CLOCK_MONOTONIC, &b);
  double ms = ((b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9) * 1e3;
  printf("{\"pageOperations\":%ld,\"ms\":%.1f,\"peakPairs\":%ld,\"pairsLeft\":%ld}\n", ops, ms, peak,
         pairs);
  return 0;
}
