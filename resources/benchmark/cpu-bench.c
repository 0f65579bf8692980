/*
 * RigShift CPU benchmark workload.
 *
 * Runs when the machine has no usable NVIDIA GPU (or no NVIDIA container runtime), so the
 * whole benchmark path (image, container, protocol, telemetry, result) still runs for real.
 * Measures:
 *   1. FP32 SGEMM on every thread (each thread multiplies its own cache-blocked matrices),
 *   2. memory bandwidth: memcpy of buffers far larger than the caches, read+write bytes counted,
 *   3. RAM pattern check: write address-dependent patterns, read them back, count mismatches.
 * Output: the JSON-lines protocol in PROTOCOL.md on stdout, nothing else on stdout.
 *
 * Build: gcc -O3 -static -pthread -o cpu-bench cpu-bench.c
 * The binary is static and portable across x86-64 hosts: the hot kernel is compiled twice
 * (baseline and x86-64-v3 = AVX2+FMA) and glibc's ifunc resolver picks one at start.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define WORKLOAD_VERSION "1.0.0"
#define PROTOCOL_VERSION 1
#define GEMM_N 512
#define GEMM_JB 256 /* columns of C/B per block: a C row segment stays in L1 */
#define GEMM_KB 128 /* rows of B per block: the B tile (128 KiB) stays in L2 */
#define MAX_WINDOWS 4096
#define MAX_THREADS 256

/* ---------- options ---------- */

typedef struct {
  double measure_s;  /* measured seconds per timed phase */
  double warmup_s;   /* discarded seconds before each timed phase */
  double window_s;   /* length of one measurement window */
  size_t mem_mib;    /* size of each of the two copy buffers */
  size_t ram_mib;    /* size of the pattern-check buffer */
  int threads;
  int quick;
} options_t;

static void usage(void) {
  fprintf(stderr,
          "usage: cpu-bench [--quick] [--seconds-per-phase S] [--threads N] [--mem-mib M] [--ram-mib M]\n"
          "  --quick              a few seconds in all (tests, smoke runs)\n"
          "  --seconds-per-phase  measured seconds for SGEMM and memory phases (default 10)\n"
          "  --threads            worker threads (default: CPUs this process may run on)\n"
          "  --mem-mib            size of each memcpy buffer in MiB (default max(256, 2x largest cache))\n"
          "  --ram-mib            RAM pattern check size in MiB (default 512)\n");
}

/* ---------- JSON-lines output ---------- */

static double g_started;   /* monotonic seconds at start */
static double g_planned_s; /* planned total seconds, for the overall fraction */
static double g_done_s;    /* planned seconds of phases already finished */

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void json_string(const char *s) {
  putchar('"');
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') printf("\\%c", c);
    else if (c < 0x20) printf("\\u%04x", c);
    else putchar(c);
  }
  putchar('"');
}

static void emit_phase(const char *phase, const char *label, int index, int total) {
  printf("{\"type\":\"phase\",\"phase\":\"%s\",\"label\":", phase);
  json_string(label);
  printf(",\"index\":%d,\"total\":%d}\n", index, total);
  fflush(stdout);
}

/* progress inside the current phase (0..1) of planned length phase_s */
static void emit_progress(double phase_fraction, double phase_s) {
  if (phase_fraction < 0) phase_fraction = 0;
  if (phase_fraction > 1) phase_fraction = 1;
  double f = (g_done_s + phase_fraction * phase_s) / g_planned_s;
  if (f > 1) f = 1;
  printf("{\"type\":\"progress\",\"fraction\":%.4f}\n", f);
  fflush(stdout);
}

static void emit_error(const char *code, const char *message) {
  printf("{\"type\":\"error\",\"code\":\"%s\",\"message\":", code);
  json_string(message);
  printf("}\n");
  fflush(stdout);
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double median(const double *v, int n) {
  if (n <= 0) return 0;
  double tmp[MAX_WINDOWS];
  memcpy(tmp, v, sizeof(double) * (size_t)n);
  qsort(tmp, (size_t)n, sizeof(double), cmp_double);
  return n % 2 ? tmp[n / 2] : 0.5 * (tmp[n / 2 - 1] + tmp[n / 2]);
}

/* value = median of all windows; burst = first quarter; sustained = last quarter (>= 1 window each). */
static void emit_metric(const char *id, const char *label, const char *unit, const double *w, int n) {
  int q = n / 4 < 1 ? 1 : n / 4;
  printf("{\"type\":\"metric\",\"id\":\"%s\",\"label\":", id);
  json_string(label);
  printf(",\"unit\":\"%s\",\"value\":%.6g,\"burst\":%.6g,\"sustained\":%.6g,\"windows\":%d}\n", unit,
         median(w, n), median(w, q), median(w + (n - q), q), n);
  fflush(stdout);
}

/* ---------- worker threads ---------- */

typedef struct {
  int index;
  int nthreads;
  atomic_int *stop;
  _Atomic uint64_t work; /* units of work done (FLOPs or bytes) */
  void *ctx;
} worker_t;

typedef void *(*worker_fn)(void *);

static int start_workers(worker_t *w, pthread_t *tid, int n, worker_fn fn, atomic_int *stop, void *ctx) {
  for (int i = 0; i < n; i++) {
    w[i].index = i;
    w[i].nthreads = n;
    w[i].stop = stop;
    atomic_store(&w[i].work, 0);
    w[i].ctx = ctx;
    if (pthread_create(&tid[i], NULL, fn, &w[i]) != 0) {
      atomic_store(stop, 1);
      for (int j = 0; j < i; j++) pthread_join(tid[j], NULL);
      return -1;
    }
  }
  return 0;
}

static uint64_t total_work(worker_t *w, int n) {
  uint64_t s = 0;
  for (int i = 0; i < n; i++) s += atomic_load(&w[i].work);
  return s;
}

/*
 * Runs workers for warmup_s (discarded), then samples their shared work counter every
 * window_s for measure_s, storing work-per-second per window in rates. Returns the
 * number of windows. The main thread only sleeps, so it does not steal a core.
 */
static int timed_phase(const options_t *o, worker_fn fn, void *ctx, double *rates, double scale) {
  worker_t w[MAX_THREADS];
  pthread_t tid[MAX_THREADS];
  atomic_int stop = 0;
  double phase_s = o->warmup_s + o->measure_s;
  if (start_workers(w, tid, o->threads, fn, &stop, ctx) != 0) return -1;
  double t0 = now_s();
  while (now_s() - t0 < o->warmup_s) {
    struct timespec ts = {0, 50 * 1000 * 1000};
    nanosleep(&ts, NULL);
  }
  int n = 0;
  int windows = (int)(o->measure_s / o->window_s + 0.5);
  if (windows < 1) windows = 1;
  if (windows > MAX_WINDOWS) windows = MAX_WINDOWS;
  uint64_t last = total_work(w, o->threads);
  double tl = now_s();
  for (int i = 0; i < windows; i++) {
    double target = tl + o->window_s;
    for (;;) {
      double left = target - now_s();
      if (left <= 0) break;
      struct timespec ts = {(time_t)left, (long)((left - (double)(time_t)left) * 1e9)};
      nanosleep(&ts, NULL);
    }
    uint64_t cur = total_work(w, o->threads);
    double t = now_s();
    rates[n++] = (double)(cur - last) / (t - tl) * scale;
    last = cur;
    tl = t;
    emit_progress((t - t0) / phase_s, phase_s);
  }
  atomic_store(&stop, 1);
  for (int i = 0; i < o->threads; i++) pthread_join(tid[i], NULL);
  return n;
}

/* ---------- SGEMM ---------- */

/*
 * C = A * B for N x N row-major matrices. Blocked over k and j so the B tile and the C
 * row segments stay in cache, and four rows of C share every load of B. Compiled for
 * AVX2+FMA and for the x86-64 baseline; the loader picks at run time.
 */
__attribute__((target_clones("arch=x86-64-v3", "default"))) static void sgemm(const float *restrict A,
                                                                               const float *restrict B,
                                                                               float *restrict C, int N) {
  memset(C, 0, sizeof(float) * (size_t)N * (size_t)N);
  for (int jj = 0; jj < N; jj += GEMM_JB) {
    int je = jj + GEMM_JB < N ? jj + GEMM_JB : N;
    for (int kk = 0; kk < N; kk += GEMM_KB) {
      int ke = kk + GEMM_KB < N ? kk + GEMM_KB : N;
      for (int i = 0; i < N; i += 4) {
        float *restrict c0 = C + (size_t)i * N, *restrict c1 = c0 + N, *restrict c2 = c1 + N, *restrict c3 = c2 + N;
        const float *a0 = A + (size_t)i * N, *a1 = a0 + N, *a2 = a1 + N, *a3 = a2 + N;
        for (int k = kk; k < ke; k++) {
          const float x0 = a0[k], x1 = a1[k], x2 = a2[k], x3 = a3[k];
          const float *restrict b = B + (size_t)k * N;
          for (int j = jj; j < je; j++) {
            const float bj = b[j];
            c0[j] += x0 * bj;
            c1[j] += x1 * bj;
            c2[j] += x2 * bj;
            c3[j] += x3 * bj;
          }
        }
      }
    }
  }
}

typedef struct {
  float *a[MAX_THREADS], *b[MAX_THREADS], *c[MAX_THREADS];
} gemm_ctx_t;

static void *gemm_worker(void *arg) {
  worker_t *w = arg;
  gemm_ctx_t *g = w->ctx;
  const uint64_t flops = 2ull * GEMM_N * GEMM_N * GEMM_N;
  while (!atomic_load_explicit(w->stop, memory_order_relaxed)) {
    sgemm(g->a[w->index], g->b[w->index], g->c[w->index], GEMM_N);
    atomic_fetch_add_explicit(&w->work, flops, memory_order_relaxed);
  }
  return NULL;
}

/* One element of C recomputed with a plain dot product in double: catches a broken kernel. */
static int gemm_result_ok(const gemm_ctx_t *g, int t) {
  const int N = GEMM_N;
  for (int probe = 0; probe < 8; probe++) {
    int i = (probe * 131) % N, j = (probe * 277 + 5) % N;
    double ref = 0, mag = 0;
    for (int k = 0; k < N; k++) {
      ref += (double)g->a[t][(size_t)i * N + k] * (double)g->b[t][(size_t)k * N + j];
      mag += fabs((double)g->a[t][(size_t)i * N + k] * (double)g->b[t][(size_t)k * N + j]);
    }
    double got = g->c[t][(size_t)i * N + j];
    if (fabs(got - ref) > 1e-4 * mag + 1e-3) return 0;
  }
  return 1;
}

static int phase_gemm(const options_t *o, int index, int total) {
  emit_phase("cpu_fp32", "CPU FP32 matrix multiply", index, total);
  gemm_ctx_t g;
  size_t bytes = sizeof(float) * GEMM_N * GEMM_N;
  uint32_t seed = 12345;
  for (int t = 0; t < o->threads; t++) {
    g.a[t] = aligned_alloc(64, bytes);
    g.b[t] = aligned_alloc(64, bytes);
    g.c[t] = aligned_alloc(64, bytes);
    if (!g.a[t] || !g.b[t] || !g.c[t]) {
      emit_error("out_of_memory", "could not allocate the SGEMM matrices");
      return -1;
    }
    for (size_t i = 0; i < (size_t)GEMM_N * GEMM_N; i++) {
      seed = seed * 1664525u + 1013904223u;
      g.a[t][i] = (float)(seed >> 8) / 16777216.0f - 0.5f;
      seed = seed * 1664525u + 1013904223u;
      g.b[t][i] = (float)(seed >> 8) / 16777216.0f - 0.5f;
    }
  }
  double rates[MAX_WINDOWS];
  int n = timed_phase(o, gemm_worker, &g, rates, 1e-9);
  int ok = n > 0;
  for (int t = 0; ok && t < o->threads; t++) ok = gemm_result_ok(&g, t);
  for (int t = 0; t < o->threads; t++) {
    free(g.a[t]);
    free(g.b[t]);
    free(g.c[t]);
  }
  if (n <= 0) {
    emit_error("thread_start_failed", "could not start the SGEMM worker threads");
    return -1;
  }
  if (!ok) {
    emit_error("wrong_result", "the SGEMM result did not match the reference dot product");
    return -1;
  }
  emit_metric("cpu_fp32_gflops", "CPU FP32 SGEMM (all threads)", "GFLOP/s", rates, n);
  return 0;
}

/* ---------- memory bandwidth ---------- */

#define COPY_CHUNK (4u << 20)

typedef struct {
  char *src, *dst;
  size_t bytes; /* per buffer */
} copy_ctx_t;

static void *copy_worker(void *arg) {
  worker_t *w = arg;
  copy_ctx_t *c = w->ctx;
  /* Each thread walks its own slice of both buffers, so the slices never share cache lines. */
  size_t slice = c->bytes / (size_t)w->nthreads / COPY_CHUNK * COPY_CHUNK;
  if (slice < COPY_CHUNK) slice = COPY_CHUNK;
  size_t base = slice * (size_t)w->index, off = 0;
  while (!atomic_load_explicit(w->stop, memory_order_relaxed)) {
    memcpy(c->dst + base + off, c->src + base + off, COPY_CHUNK);
    __asm__ volatile("" ::: "memory");
    atomic_fetch_add_explicit(&w->work, 2ull * COPY_CHUNK, memory_order_relaxed); /* read + write */
    off += COPY_CHUNK;
    if (off >= slice) off = 0;
  }
  return NULL;
}

static int phase_memory(const options_t *o, int index, int total) {
  emit_phase("cpu_memory", "CPU memory bandwidth", index, total);
  copy_ctx_t c;
  c.bytes = o->mem_mib << 20;
  if (c.bytes < (size_t)COPY_CHUNK * (size_t)o->threads) c.bytes = (size_t)COPY_CHUNK * (size_t)o->threads;
  c.src = aligned_alloc(4096, c.bytes);
  c.dst = aligned_alloc(4096, c.bytes);
  if (!c.src || !c.dst) {
    emit_error("out_of_memory", "could not allocate the memory-bandwidth buffers");
    return -1;
  }
  /* Touch every page first so page faults are not timed. */
  memset(c.src, 0x5a, c.bytes);
  memset(c.dst, 0, c.bytes);
  double rates[MAX_WINDOWS];
  int n = timed_phase(o, copy_worker, &c, rates, 1e-9);
  free(c.src);
  free(c.dst);
  if (n <= 0) {
    emit_error("thread_start_failed", "could not start the memory worker threads");
    return -1;
  }
  emit_metric("cpu_mem_bw_gbps", "CPU memory copy (read+write)", "GB/s", rates, n);
  return 0;
}

/* ---------- RAM pattern check ---------- */

typedef struct {
  uint64_t *buf;
  size_t words;
  uint64_t seed;
  uint64_t errors[MAX_THREADS];
  int verify;
} pattern_ctx_t;

typedef struct {
  pattern_ctx_t *p;
  int index, n;
} pattern_arg_t;

static inline uint64_t pattern_word(size_t i, uint64_t seed) {
  uint64_t x = (uint64_t)i * 0x9E3779B97F4A7C15ull ^ seed;
  return x ^ (x >> 29);
}

static void *pattern_worker(void *arg) {
  pattern_arg_t *a = arg;
  pattern_ctx_t *p = a->p;
  size_t per = p->words / (size_t)a->n;
  size_t lo = per * (size_t)a->index, hi = a->index == a->n - 1 ? p->words : lo + per;
  volatile uint64_t *buf = p->buf; /* volatile: every word really goes to RAM and back */
  if (!p->verify) {
    for (size_t i = lo; i < hi; i++) buf[i] = pattern_word(i, p->seed);
  } else {
    uint64_t errors = 0;
    for (size_t i = lo; i < hi; i++) errors += buf[i] != pattern_word(i, p->seed);
    p->errors[a->index] = errors;
  }
  return NULL;
}

static int run_pattern_pass(pattern_ctx_t *p, int threads) {
  pthread_t tid[MAX_THREADS];
  pattern_arg_t args[MAX_THREADS];
  for (int i = 0; i < threads; i++) {
    args[i] = (pattern_arg_t){p, i, threads};
    if (pthread_create(&tid[i], NULL, pattern_worker, &args[i]) != 0) {
      for (int j = 0; j < i; j++) pthread_join(tid[j], NULL);
      return -1;
    }
  }
  for (int i = 0; i < threads; i++) pthread_join(tid[i], NULL);
  return 0;
}

static int phase_ram(const options_t *o, int index, int total, double planned_s) {
  emit_phase("ram_pattern", "RAM pattern check", index, total);
  pattern_ctx_t p;
  memset(&p, 0, sizeof p);
  size_t bytes = o->ram_mib << 20;
  p.words = bytes / 8;
  p.buf = aligned_alloc(4096, bytes);
  if (!p.buf) {
    emit_error("out_of_memory", "could not allocate the RAM pattern buffer");
    return -1;
  }
  /* Two patterns, the second the complement of the first, so every bit is seen as 0 and 1. */
  const uint64_t seeds[2] = {0x5555555555555555ull, 0xAAAAAAAAAAAAAAAAull};
  uint64_t errors = 0;
  for (int s = 0; s < 2; s++) {
    p.seed = seeds[s];
    for (int v = 0; v < 2; v++) {
      p.verify = v;
      if (run_pattern_pass(&p, o->threads) != 0) {
        free(p.buf);
        emit_error("thread_start_failed", "could not start the RAM pattern threads");
        return -1;
      }
      __asm__ volatile("" ::: "memory");
      emit_progress((s * 2 + v + 1) / 4.0, planned_s);
    }
    for (int t = 0; t < o->threads; t++) errors += p.errors[t];
  }
  free(p.buf);
  printf("{\"type\":\"integrity\",\"name\":\"ram-pattern\",\"bytesChecked\":%zu,\"errors\":%llu}\n", bytes * 2,
         (unsigned long long)errors);
  fflush(stdout);
  return 0;
}

/* ---------- main ---------- */

static int online_threads(void) {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) {
    int n = CPU_COUNT(&set);
    if (n > 0) return n;
  }
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? (int)n : 1;
}

/* Respect a CPU quota (docker --cpus / NanoCpus): more threads than the quota only adds contention. */
static int quota_threads(int n) {
  FILE *f = fopen("/sys/fs/cgroup/cpu.max", "r"); /* cgroup v2 */
  long long quota = -1, period = 0;
  if (f) {
    char q[32];
    if (fscanf(f, "%31s %lld", q, &period) == 2 && strcmp(q, "max") != 0) quota = atoll(q);
    fclose(f);
  } else {
    FILE *fq = fopen("/sys/fs/cgroup/cpu/cpu.cfs_quota_us", "r"); /* cgroup v1 */
    FILE *fp = fopen("/sys/fs/cgroup/cpu/cpu.cfs_period_us", "r");
    if (fq && fp && (fscanf(fq, "%lld", &quota) != 1 || fscanf(fp, "%lld", &period) != 1)) quota = -1;
    if (fq) fclose(fq);
    if (fp) fclose(fp);
  }
  if (quota > 0 && period > 0) {
    int q = (int)((quota + period - 1) / period);
    if (q >= 1 && q < n) return q;
  }
  return n;
}

static void cpu_model(char *out, size_t len) {
  snprintf(out, len, "CPU");
  FILE *f = fopen("/proc/cpuinfo", "r");
  if (!f) return;
  char line[512];
  while (fgets(line, sizeof line, f)) {
    if (strncmp(line, "model name", 10) == 0) {
      char *colon = strchr(line, ':');
      if (colon) {
        colon++;
        while (*colon == ' ' || *colon == '\t') colon++;
        colon[strcspn(colon, "\n")] = 0;
        snprintf(out, len, "%s", colon);
      }
      break;
    }
  }
  fclose(f);
}

/* Largest cache size in MiB from sysfs (0 when unknown, e.g. under gVisor). */
static size_t largest_cache_mib(void) {
  size_t best = 0;
  for (int i = 0; i < 8; i++) {
    char path[96], buf[32];
    snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/size", i);
    FILE *f = fopen(path, "r");
    if (!f) continue;
    if (fgets(buf, sizeof buf, f)) {
      char *end;
      size_t v = strtoul(buf, &end, 10);
      size_t mib = *end == 'M' ? v : *end == 'K' ? v / 1024 : v >> 20;
      if (mib > best) best = mib;
    }
    fclose(f);
  }
  return best;
}

static int parse_args(int argc, char **argv, options_t *o) {
  o->quick = 0;
  o->measure_s = 10;
  o->threads = 0;
  /* Each copy buffer at least twice the largest cache, so src+dst are >= 4x the cache. */
  size_t cache = largest_cache_mib();
  o->mem_mib = cache * 2 > 256 ? cache * 2 : 256;
  o->ram_mib = 512;
  double seconds = -1;
  long mem = -1, ram = -1;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "--quick")) o->quick = 1;
    else if (!strcmp(a, "--seconds-per-phase") && v) seconds = atof(argv[++i]);
    else if (!strcmp(a, "--threads") && v) o->threads = atoi(argv[++i]);
    else if (!strcmp(a, "--mem-mib") && v) mem = atol(argv[++i]);
    else if (!strcmp(a, "--ram-mib") && v) ram = atol(argv[++i]);
    else if (!strcmp(a, "--help") || !strcmp(a, "-h")) return 1;
    else return -1;
  }
  if (o->quick) {
    o->measure_s = 1.5;
    o->mem_mib = 64;
    o->ram_mib = 64;
  }
  if (seconds > 0) o->measure_s = seconds;
  if (mem > 0) o->mem_mib = (size_t)mem;
  if (ram > 0) o->ram_mib = (size_t)ram;
  if (o->measure_s > 600) o->measure_s = 600;
  /* Warm-up: long enough for turbo clocks and page faults to settle, discarded. */
  o->warmup_s = o->measure_s / 6 < 0.3 ? 0.3 : (o->measure_s / 6 > 3 ? 3 : o->measure_s / 6);
  /* Aim for >= 8 windows per phase; never below 0.1 s, so a window spans many work units. */
  o->window_s = o->measure_s / 16 < 0.1 ? 0.1 : (o->measure_s / 16 > 1 ? 1 : o->measure_s / 16);
  if (o->threads <= 0) o->threads = quota_threads(online_threads());
  if (o->threads > MAX_THREADS) o->threads = MAX_THREADS;
  return 0;
}

int main(int argc, char **argv) {
  options_t o;
  int rc = parse_args(argc, argv, &o);
  if (rc != 0) {
    usage();
    if (rc < 0) emit_error("bad_arguments", "unknown or incomplete command-line argument");
    return rc < 0 ? 2 : 0;
  }
  g_started = now_s();
  char model[256];
  cpu_model(model, sizeof model);
  printf("{\"type\":\"hello\",\"protocol\":%d,\"workload\":\"cpu-bench\",\"version\":\"%s\",\"kind\":\"cpu\","
         "\"device\":{\"name\":",
         PROTOCOL_VERSION, WORKLOAD_VERSION);
  json_string(model);
  printf(",\"threads\":%d},\"quick\":%s,\"secondsPerPhase\":%.3g}\n", o.threads, o.quick ? "true" : "false",
         o.measure_s);
  fflush(stdout);

  /* Planned durations drive the overall progress fraction; the pattern check is estimated at ~3 GB/s. */
  double gemm_s = o.warmup_s + o.measure_s, mem_s = gemm_s;
  double ram_s = (double)(o.ram_mib << 20) * 4 / 3e9;
  g_planned_s = gemm_s + mem_s + ram_s;
  const int total = 3;

  if (phase_gemm(&o, 1, total) != 0) return 1;
  g_done_s += gemm_s;
  if (phase_memory(&o, 2, total) != 0) return 1;
  g_done_s += mem_s;
  if (phase_ram(&o, 3, total, ram_s) != 0) return 1;
  g_done_s += ram_s;

  printf("{\"type\":\"progress\",\"fraction\":1}\n");
  printf("{\"type\":\"done\",\"elapsedMs\":%.0f}\n", (now_s() - g_started) * 1000);
  fflush(stdout);
  return 0;
}
