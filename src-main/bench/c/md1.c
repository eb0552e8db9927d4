/*
 * Reference for `npm run bench`: a one-lock M/D/1 discrete-event simulation in plain C, the same
 * work as simulateSingleLock (src-shared/model/contention/singleLockQueue.ts): every Poisson
 * arrival is pushed first, then a binary min-heap on (time, sequence) is drained; a FIFO of waiters
 * holds the customers that found the lock taken. Prints one JSON line.
 * Usage: md1 CUSTOMERS RHO HOLD_NS SEED
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double *ht;
static double *hs;
static int32_t *hp;
static long hn;
static double seqNext;

static void push(double t, int32_t p) {
  long i = hn++;
  double s = seqNext++;
  while (i > 0) {
    long q = (i - 1) >> 1;
    if (ht[q] < t || (ht[q] == t && hs[q] < s)) break;
    ht[i] = ht[q];
    hs[i] = hs[q];
    hp[i] = hp[q];
    i = q;
  }
  ht[i] = t;
  hs[i] = s;
  hp[i] = p;
}

static int32_t pop(double *now) {
  int32_t top = hp[0];
  *now = ht[0];
  long n = --hn;
  if (n > 0) {
    double t = ht[n], s = hs[n];
    int32_t p = hp[n];
    long i = 0;
    for (;;) {
      long l = 2 * i + 1;
      if (l >= n) break;
      long r = l + 1;
      long c = (r < n && (ht[r] < ht[l] || (ht[r] == ht[l] && hs[r] < hs[l]))) ? r : l;
      if (t < ht[c] || (t == ht[c] && s < hs[c])) break;
      ht[i] = ht[c];
      hs[i] = hs[c];
      hp[i] = hp[c];
      i = c;
    }
    ht[i] = t;
    hs[i] = s;
    hp[i] = p;
  }
  return top;
}

/* mulberry32, as SeededRandom */
static uint32_t state;
static double next01(void) {
  uint32_t t = (state += 0x6d2b79f5u);
  t = (t ^ (t >> 15)) * (t | 1u);
  t ^= t + (t ^ (t >> 7)) * (t | 61u);
  return (double)(t ^ (t >> 14)) / 4294967296.0;
}

int main(int argc, char **argv) {
  long customers = argc > 1 ? atol(argv[1]) : 1000000;
  double rho = argc > 2 ? atof(argv[2]) : 0.5;
  double hold = argc > 3 ? atof(argv[3]) : 1000;
  state = argc > 4 ? (uint32_t)atol(argv[4]) : 1u;
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  long cap = customers + 16;
  ht = malloc(cap * sizeof *ht);
  hs = malloc(cap * sizeof *hs);
  hp = malloc(cap * sizeof *hp);
  int32_t *fifo = malloc(cap * sizeof *fifo);
  double *since = malloc(cap * sizeof *since);
  long head = 0, tail = 0;
  double t = 0, meanGap = hold / rho;
  for (long i = 0; i < customers; i++) {
    t += -log(1 - next01()) * meanGap;
    push(t, (int32_t)i);
  }
  int holder = -1;
  long acquisitions = 0, contended = 0, events = 0;
  double totalWait = 0;
  while (hn > 0) {
    double now;
    int32_t p = pop(&now);
    events++;
    if (p >= 0) {
      acquisitions++;
      if (holder < 0) {
        holder = p;
        push(now + hold, -1 - p);
      } else {
        contended++;
        fifo[tail] = p;
        since[tail++] = now;
      }
    } else if (head == tail) {
      holder = -1;
    } else {
      int32_t nx = fifo[head];
      totalWait += now - since[head++];
      holder = nx;
      push(now + hold, -1 - nx);
    }
  }
  clock_gettime(CLOCK_MONOTONIC, &b);
  double sec = (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
  printf("{\"customers\":%ld,\"events\":%ld,\"seconds\":%.6f,\"acquisitionsPerSec\":%.0f,"
         "\"meanWaitNs\":%.3f,\"contendedFraction\":%.6f}\n",
         customers, events, sec, acquisitions / sec, totalWait / acquisitions,
         (double)contended / acquisitions);
  return 0;
}
