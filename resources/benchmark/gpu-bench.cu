// RigShift GPU benchmark workload (CUDA C++, no cuBLAS: every GEMM is hand-written).
//
// Phases (each: warm-up discarded, then fixed windows timed with CUDA events):
//   1. fp32    FP32 SGEMM 4096^3, shared-memory tiled, 8x8 register blocking per thread
//   2. fp16    FP16 tensor-core GEMM 8192^3 with FP32 accumulate (mma.sync m16n8k16, ldmatrix,
//              3-stage cp.async pipeline; Turing runs the same kernel with m16n8k8 pairs and plain loads)
//   3. bf16    BF16 tensor-core GEMM 8192^3 with FP32 accumulate (sm_80+; skipped on Turing)
//   4. memory  device-to-device copy of buffers >= 1 GiB and >= 8x L2, read+write bytes counted
//   5. pcie    pinned host-to-device and device-to-host copies, 256 MiB chunks
//   6. vram    fill most free VRAM with two complementary patterns and verify, counting mismatches
// Output: the JSON-lines protocol in PROTOCOL.md on stdout, nothing else on stdout.
// Every GEMM result is spot-checked against a host dot product, so a broken kernel or a
// faulty card cannot report a throughput figure for wrong answers.
//
// Build: see build-images.mjs (nvcc -O3 -cudart static, sm_75..sm_120 + PTX).
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#define WORKLOAD_VERSION "1.0.0"
#define PROTOCOL_VERSION 1

// ---------------------------------------------------------------- output

static double g_planned_s = 1;  // planned total seconds, for the overall fraction
static double g_done_s = 0;     // planned seconds of finished phases

static double wall_s() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

static std::string json_str(const std::string &s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += (char)c;
    } else if (c < 0x20) {
      char buf[8];
      snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += (char)c;
    }
  }
  return out + "\"";
}

static void emit(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  putchar('\n');
  fflush(stdout);
}

static void emit_error(const char *code, const std::string &message) {
  emit("{\"type\":\"error\",\"code\":\"%s\",\"message\":%s}", code, json_str(message).c_str());
}

static void emit_log(const std::string &message) {
  emit("{\"type\":\"log\",\"message\":%s}", json_str(message).c_str());
}

static void emit_phase(const char *phase, const char *label, int index, int total) {
  emit("{\"type\":\"phase\",\"phase\":\"%s\",\"label\":%s,\"index\":%d,\"total\":%d}", phase,
       json_str(label).c_str(), index, total);
}

static void emit_progress(double phase_fraction, double phase_s) {
  phase_fraction = std::min(1.0, std::max(0.0, phase_fraction));
  double f = std::min(1.0, (g_done_s + phase_fraction * phase_s) / g_planned_s);
  emit("{\"type\":\"progress\",\"fraction\":%.4f}", f);
}

static double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// value = median of all windows; burst = first quarter; sustained = last quarter (>= 1 window each).
static void emit_metric(const char *id, const char *label, const char *unit, const std::vector<double> &w) {
  size_t q = std::max<size_t>(1, w.size() / 4);
  std::vector<double> first(w.begin(), w.begin() + q), last(w.end() - q, w.end());
  emit("{\"type\":\"metric\",\"id\":\"%s\",\"label\":%s,\"unit\":\"%s\",\"value\":%.6g,\"burst\":%.6g,"
       "\"sustained\":%.6g,\"windows\":%zu}",
       id, json_str(label).c_str(), unit, median(w), median(first), median(last), w.size());
}

#define CUDA_CHECK(call)                                                                          \
  do {                                                                                            \
    cudaError_t err_ = (call);                                                                    \
    if (err_ != cudaSuccess) {                                                                    \
      emit_error("cuda_error", std::string(#call) + " failed: " + cudaGetErrorString(err_));      \
      exit(1);                                                                                    \
    }                                                                                             \
  } while (0)

// ---------------------------------------------------------------- options

struct Options {
  bool quick = false;
  double measure_s = 8;  // measured seconds per timed phase
  double warmup_s = 2;   // discarded seconds before each timed phase
  double window_s = 0.5;
  int gemm_n = 8192;     // tensor GEMM size
  int sgemm_n = 4096;    // FP32 GEMM size
  size_t pcie_mib = 256;
  double vram_fraction = 0.9;  // share of free VRAM the pattern check uses
  int device = 0;
};

static void usage() {
  fprintf(stderr,
          "usage: gpu-bench [--quick] [--seconds-per-phase S] [--size N] [--device I] [--vram-fraction F]\n"
          "  --quick              a few seconds per phase, smaller matrices (smoke runs)\n"
          "  --seconds-per-phase  measured seconds per timed phase (default 8; warm-up is S/4, max 3 s)\n"
          "  --size               tensor GEMM size N (multiple of 128, default 8192)\n"
          "  --device             CUDA device index inside the container (default 0)\n"
          "  --vram-fraction      share of free VRAM the pattern check fills (default 0.9)\n");
}

static int parse_args(int argc, char **argv, Options &o) {
  double seconds = -1;
  int size = -1;
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    bool has = i + 1 < argc;
    if (a == "--quick") o.quick = true;
    else if (a == "--seconds-per-phase" && has) seconds = atof(argv[++i]);
    else if (a == "--size" && has) size = atoi(argv[++i]);
    else if (a == "--device" && has) o.device = atoi(argv[++i]);
    else if (a == "--vram-fraction" && has) o.vram_fraction = atof(argv[++i]);
    else if (a == "--help" || a == "-h") return 1;
    else return -1;
  }
  if (o.quick) {
    o.measure_s = 1.5;
    o.gemm_n = 4096;
    o.sgemm_n = 2048;
    o.pcie_mib = 64;
    o.vram_fraction = 0.25;
  }
  if (seconds > 0) o.measure_s = std::min(600.0, seconds);
  if (size > 0) o.gemm_n = std::max(256, size / 128 * 128);
  o.vram_fraction = std::min(0.95, std::max(0.01, o.vram_fraction));
  o.warmup_s = std::min(3.0, std::max(0.3, o.measure_s / 4));
  o.window_s = std::min(1.0, std::max(0.1, o.measure_s / 16));
  return 0;
}

// ---------------------------------------------------------------- timing harness

// Runs `launch` (one iteration, enqueued on the default stream) for warmup_s, discarding the
// result, then for measure_s in windows of ~window_s; each window's iterations are timed with
// CUDA events. Returns work-per-second per window times `scale`.
template <typename Launch>
static std::vector<double> timed_windows(const Options &o, double work_per_iter, double scale, double phase_s,
                                         double phase_offset_s, Launch launch) {
  cudaEvent_t e0, e1;
  CUDA_CHECK(cudaEventCreate(&e0));
  CUDA_CHECK(cudaEventCreate(&e1));
  double t0 = wall_s();
  // Warm-up: first launches pay for module loading and clock ramp-up; also measures one iteration.
  double iter_s = 0;
  int warm_iters = 0;
  while (wall_s() - t0 < o.warmup_s || warm_iters < 2) {
    CUDA_CHECK(cudaEventRecord(e0));
    launch();
    CUDA_CHECK(cudaEventRecord(e1));
    CUDA_CHECK(cudaEventSynchronize(e1));
    float ms = 0;
    CUDA_CHECK(cudaEventElapsedTime(&ms, e0, e1));
    iter_s = ms / 1000.0;
    warm_iters++;
    if (warm_iters > 100000) break;
  }
  CUDA_CHECK(cudaGetLastError());
  int per_window = std::max(1, (int)std::lround(o.window_s / std::max(iter_s, 1e-6)));
  int windows = std::max(1, (int)std::lround(o.measure_s / o.window_s));
  std::vector<double> rates;
  for (int w = 0; w < windows; w++) {
    CUDA_CHECK(cudaEventRecord(e0));
    for (int i = 0; i < per_window; i++) launch();
    CUDA_CHECK(cudaEventRecord(e1));
    CUDA_CHECK(cudaEventSynchronize(e1));
    CUDA_CHECK(cudaGetLastError());
    float ms = 0;
    CUDA_CHECK(cudaEventElapsedTime(&ms, e0, e1));
    rates.push_back(work_per_iter * per_window / (ms / 1000.0) * scale);
    emit_progress((phase_offset_s + (wall_s() - t0)) / phase_s, phase_s);
  }
  cudaEventDestroy(e0);
  cudaEventDestroy(e1);
  return rates;
}

// ---------------------------------------------------------------- init kernels

__device__ __forceinline__ float hash_unit(uint64_t i, uint32_t seed) {
  uint64_t x = i * 0x9E3779B97F4A7C15ull + seed;
  x ^= x >> 31;
  x *= 0xBF58476D1CE4E5B9ull;
  x ^= x >> 29;
  return (float)(x & 0xFFFFFF) / 16777216.0f - 0.5f;  // [-0.5, 0.5)
}

template <typename T>
__device__ __forceinline__ T from_float(float f);
template <>
__device__ __forceinline__ float from_float<float>(float f) { return f; }
template <>
__device__ __forceinline__ __half from_float<__half>(float f) { return __float2half(f); }
template <>
__device__ __forceinline__ __nv_bfloat16 from_float<__nv_bfloat16>(float f) { return __float2bfloat16(f); }

template <typename T>
__global__ void fill_random(T *p, size_t n, uint32_t seed) {
  for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n; i += (size_t)gridDim.x * blockDim.x)
    p[i] = from_float<T>(hash_unit(i, seed));
}

static inline float to_float_host(float v) { return v; }
static inline float to_float_host(__half v) { return __half2float(v); }
static inline float to_float_host(__nv_bfloat16 v) { return __bfloat162float(v); }

// ---------------------------------------------------------------- FP32 SGEMM

// C[M,N] = A[M,K] * B[K,N], all row-major, M,N multiples of 128, K multiple of 8.
// 128x128 block tile, BK = 8, 256 threads; each thread owns an 8x8 block split into four
// 4x4 quadrants 64 apart, so shared-memory reads are float4 and conflict-free. Double
// buffered: the next tile is fetched into registers while the current one is multiplied.
namespace sg {
constexpr int BM = 128, BN = 128, BK = 8;
}

__global__ void __launch_bounds__(256) sgemm_128x128(const float *__restrict__ A, const float *__restrict__ B,
                                                     float *__restrict__ C, int M, int N, int K) {
  using namespace sg;
  __shared__ __align__(16) float As[2][BK][BM];
  __shared__ __align__(16) float Bs[2][BK][BN];
  const int tid = threadIdx.x;
  const int tx = tid % 16, ty = tid / 16;
  const int bm = blockIdx.y * BM, bn = blockIdx.x * BN;
  // Global-load coordinates: A tile 128x8 (one float4 per thread), B tile 8x128 (one float4).
  const int a_row = tid / 2, a_col = (tid % 2) * 4;
  const int b_row = tid / 32, b_col = (tid % 32) * 4;
  const float *a_ptr = A + (size_t)(bm + a_row) * K + a_col;
  const float *b_ptr = B + (size_t)b_row * N + bn + b_col;

  float acc[8][8] = {};
  float4 a_ld = *reinterpret_cast<const float4 *>(a_ptr);
  float4 b_ld = *reinterpret_cast<const float4 *>(b_ptr);
  As[0][a_col + 0][a_row] = a_ld.x;
  As[0][a_col + 1][a_row] = a_ld.y;
  As[0][a_col + 2][a_row] = a_ld.z;
  As[0][a_col + 3][a_row] = a_ld.w;
  *reinterpret_cast<float4 *>(&Bs[0][b_row][b_col]) = b_ld;
  __syncthreads();

  int buf = 0;
  for (int k0 = 0; k0 < K; k0 += BK) {
    const bool more = k0 + BK < K;
    if (more) {
      a_ld = *reinterpret_cast<const float4 *>(a_ptr + k0 + BK);
      b_ld = *reinterpret_cast<const float4 *>(b_ptr + (size_t)(k0 + BK) * N);
    }
#pragma unroll
    for (int k = 0; k < BK; k++) {
      float a[8], b[8];
      *reinterpret_cast<float4 *>(&a[0]) = *reinterpret_cast<const float4 *>(&As[buf][k][ty * 4]);
      *reinterpret_cast<float4 *>(&a[4]) = *reinterpret_cast<const float4 *>(&As[buf][k][64 + ty * 4]);
      *reinterpret_cast<float4 *>(&b[0]) = *reinterpret_cast<const float4 *>(&Bs[buf][k][tx * 4]);
      *reinterpret_cast<float4 *>(&b[4]) = *reinterpret_cast<const float4 *>(&Bs[buf][k][64 + tx * 4]);
#pragma unroll
      for (int i = 0; i < 8; i++)
#pragma unroll
        for (int j = 0; j < 8; j++) acc[i][j] = fmaf(a[i], b[j], acc[i][j]);
    }
    if (more) {
      const int nb = buf ^ 1;
      As[nb][a_col + 0][a_row] = a_ld.x;
      As[nb][a_col + 1][a_row] = a_ld.y;
      As[nb][a_col + 2][a_row] = a_ld.z;
      As[nb][a_col + 3][a_row] = a_ld.w;
      *reinterpret_cast<float4 *>(&Bs[nb][b_row][b_col]) = b_ld;
      __syncthreads();
      buf = nb;
    }
  }
#pragma unroll
  for (int i = 0; i < 8; i++) {
    const int row = bm + (i < 4 ? ty * 4 + i : 64 + ty * 4 + (i - 4));
    float *c = C + (size_t)row * N + bn;
    *reinterpret_cast<float4 *>(c + tx * 4) = make_float4(acc[i][0], acc[i][1], acc[i][2], acc[i][3]);
    *reinterpret_cast<float4 *>(c + 64 + tx * 4) = make_float4(acc[i][4], acc[i][5], acc[i][6], acc[i][7]);
  }
}

// ---------------------------------------------------------------- tensor-core GEMM

// C[M,N] (fp32) = A[M,K] * B[K,N] where A is row-major and B is given as B^T, i.e. [N,K]
// row-major ("TN", the layout cuBLAS is fastest in): both operands are K-contiguous, so
// one ldmatrix (no .trans) serves A and B fragments alike.
// Block tile 128x128x32, 8 warps as 2 (M) x 4 (N), warp tile 64x32 = 4x4 mma tiles of 16x8.
// Shared rows are padded to 40 elements (80 bytes): the 8 row addresses of one ldmatrix
// phase then fall in 8 distinct 16-byte bank groups (no conflicts), and cp.async stays
// 16-byte aligned.
namespace tc {
constexpr int BM = 128, BN = 128, BK = 32, STAGES = 3, PAD = 8, LDS = BK + PAD;
constexpr int STAGE_ELEMS = (BM + BN) * LDS;
constexpr size_t SMEM_BYTES = (size_t)STAGES * STAGE_ELEMS * 2;  // 61440 bytes
}  // namespace tc

__device__ __forceinline__ uint32_t smem_addr(const void *p) {
  return static_cast<uint32_t>(__cvta_generic_to_shared(p));
}

__device__ __forceinline__ void copy16_async(void *smem, const void *gmem) {
#if __CUDA_ARCH__ >= 800
  asm volatile("cp.async.cg.shared.global [%0], [%1], 16;\n" ::"r"(smem_addr(smem)), "l"(gmem));
#else
  *reinterpret_cast<int4 *>(smem) = *reinterpret_cast<const int4 *>(gmem);
#endif
}

__device__ __forceinline__ void cp_async_commit() {
#if __CUDA_ARCH__ >= 800
  asm volatile("cp.async.commit_group;\n" ::);
#endif
}

template <int N>
__device__ __forceinline__ void cp_async_wait() {
#if __CUDA_ARCH__ >= 800
  asm volatile("cp.async.wait_group %0;\n" ::"n"(N));
#endif
}

__device__ __forceinline__ void ldmatrix_x4(uint32_t (&r)[4], const void *p) {
  asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0,%1,%2,%3}, [%4];\n"
               : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3])
               : "r"(smem_addr(p)));
}

template <typename T>
struct MmaOp;

template <>
struct MmaOp<__half> {
  static __device__ __forceinline__ void run(float (&d)[4], const uint32_t (&a)[4], uint32_t b0, uint32_t b1) {
#if __CUDA_ARCH__ >= 800
    asm volatile(
        "mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, "
        "{%0,%1,%2,%3};\n"
        : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
#elif __CUDA_ARCH__ >= 750
    // Turing has m16n8k8 only: the k16 step is two k8 steps (a0,a1 | b0 then a2,a3 | b1).
    asm volatile(
        "mma.sync.aligned.m16n8k8.row.col.f32.f16.f16.f32 {%0,%1,%2,%3}, {%4,%5}, {%6}, {%0,%1,%2,%3};\n"
        : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
        : "r"(a[0]), "r"(a[1]), "r"(b0));
    asm volatile(
        "mma.sync.aligned.m16n8k8.row.col.f32.f16.f16.f32 {%0,%1,%2,%3}, {%4,%5}, {%6}, {%0,%1,%2,%3};\n"
        : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
        : "r"(a[2]), "r"(a[3]), "r"(b1));
#endif
  }
};

template <>
struct MmaOp<__nv_bfloat16> {
  static __device__ __forceinline__ void run(float (&d)[4], const uint32_t (&a)[4], uint32_t b0, uint32_t b1) {
#if __CUDA_ARCH__ >= 800
    asm volatile(
        "mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, "
        "{%0,%1,%2,%3};\n"
        : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
#else
    // No BF16 tensor cores before Ampere; the host never launches this (it checks the CC first).
    __trap();
#endif
  }
};

template <typename T>
__global__ void __launch_bounds__(256, 1)
    tc_gemm_128x128(const T *__restrict__ A, const T *__restrict__ Bt, float *__restrict__ C, int M, int N, int K) {
  using namespace tc;
  extern __shared__ __align__(16) unsigned char smem_raw[];
  T *smem = reinterpret_cast<T *>(smem_raw);
  const int tid = threadIdx.x, lane = tid % 32, warp = tid / 32;
  const int warp_m = (warp / 4) * 64, warp_n = (warp % 4) * 32;
  const int bm = blockIdx.y * BM, bn = blockIdx.x * BN;

  // Each stage: A tile 128x32 and B^T tile 128x32 = 512 16-byte chunks each; 2 per thread.
  auto load_stage = [&](int stage, int k0) {
    T *As = smem + stage * STAGE_ELEMS;
    T *Bs = As + BM * LDS;
#pragma unroll
    for (int c = 0; c < 2; c++) {
      const int chunk = tid + c * 256;
      const int row = chunk / 4, col = (chunk % 4) * 8;
      copy16_async(As + row * LDS + col, A + (size_t)(bm + row) * K + k0 + col);
      copy16_async(Bs + row * LDS + col, Bt + (size_t)(bn + row) * K + k0 + col);
    }
  };

  float acc[4][4][4];
#pragma unroll
  for (int i = 0; i < 4; i++)
#pragma unroll
    for (int j = 0; j < 4; j++)
#pragma unroll
      for (int r = 0; r < 4; r++) acc[i][j][r] = 0.f;

  const int k_tiles = K / BK;
#pragma unroll
  for (int s = 0; s < STAGES - 1; s++) {
    if (s < k_tiles) load_stage(s, s * BK);
    cp_async_commit();
  }

  for (int kt = 0; kt < k_tiles; kt++) {
    cp_async_wait<STAGES - 2>();
    __syncthreads();
    // Refill the stage everyone finished reading in the previous iteration.
    const int next = kt + STAGES - 1;
    if (next < k_tiles) load_stage(next % STAGES, next * BK);
    cp_async_commit();

    const T *As = smem + (kt % STAGES) * STAGE_ELEMS;
    const T *Bs = As + BM * LDS;
#pragma unroll
    for (int kk = 0; kk < BK; kk += 16) {
      uint32_t a[4][4], b[2][4];
#pragma unroll
      for (int mi = 0; mi < 4; mi++)
        ldmatrix_x4(a[mi], As + (warp_m + mi * 16 + lane % 16) * LDS + kk + (lane / 16) * 8);
#pragma unroll
      for (int nj = 0; nj < 2; nj++)
        ldmatrix_x4(b[nj], Bs + (warp_n + nj * 16 + (lane / 16) * 8 + lane % 8) * LDS + kk + ((lane / 8) % 2) * 8);
#pragma unroll
      for (int mi = 0; mi < 4; mi++)
#pragma unroll
        for (int ni = 0; ni < 4; ni++)
          MmaOp<T>::run(acc[mi][ni], a[mi], b[ni / 2][(ni % 2) * 2], b[ni / 2][(ni % 2) * 2 + 1]);
    }
  }
  cp_async_wait<0>();

  // Accumulator layout of m16n8: c0,c1 at (row g, cols 2q,2q+1), c2,c3 at (row g+8, same cols).
  const int g = lane / 4, q = lane % 4;
#pragma unroll
  for (int mi = 0; mi < 4; mi++)
#pragma unroll
    for (int ni = 0; ni < 4; ni++) {
      const int row = bm + warp_m + mi * 16 + g, col = bn + warp_n + ni * 8 + q * 2;
      *reinterpret_cast<float2 *>(C + (size_t)row * N + col) = make_float2(acc[mi][ni][0], acc[mi][ni][1]);
      *reinterpret_cast<float2 *>(C + (size_t)(row + 8) * N + col) = make_float2(acc[mi][ni][2], acc[mi][ni][3]);
    }
}

// ---------------------------------------------------------------- memory kernels

__global__ void copy_kernel(const int4 *__restrict__ src, int4 *__restrict__ dst, size_t n) {
  for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n; i += (size_t)gridDim.x * blockDim.x)
    dst[i] = src[i];
}

__device__ __forceinline__ uint64_t pattern_word(size_t i, uint64_t seed) {
  uint64_t x = (uint64_t)i * 0x9E3779B97F4A7C15ull ^ seed;
  return x ^ (x >> 29);
}

__global__ void pattern_fill(uint64_t *p, size_t n, uint64_t seed) {
  for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n; i += (size_t)gridDim.x * blockDim.x)
    p[i] = pattern_word(i, seed);
}

__global__ void pattern_verify(const uint64_t *p, size_t n, uint64_t seed, unsigned long long *errors) {
  unsigned long long local = 0;
  for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n; i += (size_t)gridDim.x * blockDim.x)
    local += p[i] != pattern_word(i, seed);
  // Warp reduction first, so a card full of errors does not serialise on one atomic.
  for (int off = 16; off > 0; off /= 2) local += __shfl_down_sync(0xffffffffu, local, off);
  if (threadIdx.x % 32 == 0 && local) atomicAdd(errors, local);
}

// ---------------------------------------------------------------- phases

struct Device {
  cudaDeviceProp prop;
  int sms;
  int cc;  // major*10+minor
};

static int grid_for(const Device &d) { return d.sms * 8; }

static bool spot_check(const char *what, const std::vector<double> &ref_and_got) {
  (void)what;
  for (size_t i = 0; i + 2 < ref_and_got.size(); i += 3) {
    double ref = ref_and_got[i], got = ref_and_got[i + 1], mag = ref_and_got[i + 2];
    if (!(std::fabs(got - ref) <= 2e-3 * mag + 1e-3)) return false;
  }
  return true;
}

// Compares 16 elements of C with a double-precision host dot product of the same inputs.
// A is row-major [M,K]; B is [K,N] row-major (b_is_transposed=false) or [N,K] (true).
template <typename T>
static bool check_gemm(const T *dA, const T *dB, const float *dC, int M, int N, int K, bool b_is_transposed) {
  std::vector<T> arow(K), bcol(K);
  std::vector<double> triples;
  for (int p = 0; p < 16; p++) {
    int i = (int)((p * 2654435761u + 17) % (unsigned)M), j = (int)((p * 40503u + 101) % (unsigned)N);
    CUDA_CHECK(cudaMemcpy(arow.data(), dA + (size_t)i * K, sizeof(T) * K, cudaMemcpyDeviceToHost));
    if (b_is_transposed) {
      CUDA_CHECK(cudaMemcpy(bcol.data(), dB + (size_t)j * K, sizeof(T) * K, cudaMemcpyDeviceToHost));
    } else {
      CUDA_CHECK(cudaMemcpy2D(bcol.data(), sizeof(T), dB + j, sizeof(T) * N, sizeof(T), K, cudaMemcpyDeviceToHost));
    }
    float got = 0;
    CUDA_CHECK(cudaMemcpy(&got, dC + (size_t)i * N + j, sizeof(float), cudaMemcpyDeviceToHost));
    double ref = 0, mag = 0;
    for (int k = 0; k < K; k++) {
      double prod = (double)to_float_host(arow[k]) * (double)to_float_host(bcol[k]);
      ref += prod;
      mag += std::fabs(prod);
    }
    triples.push_back(ref);
    triples.push_back(got);
    triples.push_back(mag);
  }
  return spot_check("gemm", triples);
}

static double phase_len(const Options &o) { return o.warmup_s + o.measure_s; }

static bool phase_sgemm(const Options &o, const Device &d, int index, int total) {
  emit_phase("fp32", "FP32 matrix multiply", index, total);
  const int n = o.sgemm_n;
  size_t elems = (size_t)n * n;
  float *A, *B, *C;
  CUDA_CHECK(cudaMalloc(&A, elems * 4));
  CUDA_CHECK(cudaMalloc(&B, elems * 4));
  CUDA_CHECK(cudaMalloc(&C, elems * 4));
  fill_random<<<grid_for(d), 256>>>(A, elems, 1);
  fill_random<<<grid_for(d), 256>>>(B, elems, 2);
  CUDA_CHECK(cudaGetLastError());
  dim3 grid(n / sg::BN, n / sg::BM);
  auto rates = timed_windows(o, 2.0 * n * n * (double)n, 1e-12, phase_len(o), 0,
                             [&] { sgemm_128x128<<<grid, 256>>>(A, B, C, n, n, n); });
  CUDA_CHECK(cudaDeviceSynchronize());
  bool ok = check_gemm(A, B, C, n, n, n, false);
  cudaFree(A);
  cudaFree(B);
  cudaFree(C);
  if (!ok) {
    emit_error("wrong_result", "the FP32 matrix multiply returned wrong values (faulty card or unstable clocks)");
    return false;
  }
  emit_metric("fp32_tflops", "FP32 SGEMM", "TFLOP/s", rates);
  return true;
}

template <typename T>
static bool phase_tensor(const Options &o, const Device &d, const char *id, const char *phase, const char *label,
                         int index, int total) {
  emit_phase(phase, label, index, total);
  const int n = o.gemm_n;
  size_t elems = (size_t)n * n;
  T *A, *Bt;
  float *C;
  CUDA_CHECK(cudaMalloc(&A, elems * sizeof(T)));
  CUDA_CHECK(cudaMalloc(&Bt, elems * sizeof(T)));
  CUDA_CHECK(cudaMalloc(&C, elems * sizeof(float)));
  fill_random<<<grid_for(d), 256>>>(A, elems, 3);
  fill_random<<<grid_for(d), 256>>>(Bt, elems, 4);
  CUDA_CHECK(cudaGetLastError());
  CUDA_CHECK(cudaFuncSetAttribute(tc_gemm_128x128<T>, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                  (int)tc::SMEM_BYTES));
  dim3 grid(n / tc::BN, n / tc::BM);
  auto rates = timed_windows(o, 2.0 * n * n * (double)n, 1e-12, phase_len(o), 0, [&] {
    tc_gemm_128x128<T><<<grid, 256, tc::SMEM_BYTES>>>(A, Bt, C, n, n, n);
  });
  CUDA_CHECK(cudaDeviceSynchronize());
  bool ok = check_gemm(A, Bt, C, n, n, n, true);
  cudaFree(A);
  cudaFree(Bt);
  cudaFree(C);
  if (!ok) {
    emit_error("wrong_result", std::string("the ") + label + " returned wrong values (faulty card or unstable clocks)");
    return false;
  }
  emit_metric(id, label, "TFLOP/s", rates);
  return true;
}

static bool phase_memory(const Options &o, const Device &d, int index, int total) {
  emit_phase("memory", "VRAM bandwidth", index, total);
  size_t free_b = 0, total_b = 0;
  CUDA_CHECK(cudaMemGetInfo(&free_b, &total_b));
  // >= 1 GiB and >= 8x L2 per buffer so the copy streams from DRAM, never from L2;
  // capped at a third of free memory for small cards.
  size_t want = std::max<size_t>(1ull << 30, (size_t)d.prop.l2CacheSize * 8);
  if (o.quick) want = std::max<size_t>(256ull << 20, (size_t)d.prop.l2CacheSize * 8);
  size_t bytes = std::min(want, free_b / 3) / 4096 * 4096;
  if (bytes < ((size_t)d.prop.l2CacheSize * 4)) {
    emit_error("not_enough_vram", "not enough free VRAM for a meaningful bandwidth test");
    return false;
  }
  void *src, *dst;
  CUDA_CHECK(cudaMalloc(&src, bytes));
  CUDA_CHECK(cudaMalloc(&dst, bytes));
  CUDA_CHECK(cudaMemset(src, 0x5a, bytes));
  CUDA_CHECK(cudaMemset(dst, 0, bytes));
  size_t n16 = bytes / 16;
  auto rates = timed_windows(o, 2.0 * bytes /* read + write */, 1e-9, phase_len(o), 0, [&] {
    copy_kernel<<<grid_for(d), 256>>>(static_cast<const int4 *>(src), static_cast<int4 *>(dst), n16);
  });
  cudaFree(src);
  cudaFree(dst);
  emit_metric("mem_bw_gbps", "VRAM copy (read+write)", "GB/s", rates);
  return true;
}

static bool phase_pcie(const Options &o, int index, int total) {
  emit_phase("pcie", "PCIe transfer (pinned)", index, total);
  size_t bytes = o.pcie_mib << 20;
  void *host, *dev;
  CUDA_CHECK(cudaMallocHost(&host, bytes));
  CUDA_CHECK(cudaMalloc(&dev, bytes));
  memset(host, 0x33, bytes);
  // Half the phase each direction; each half has its own warm-up inside timed_windows.
  Options half = o;
  half.measure_s = o.measure_s / 2;
  half.warmup_s = o.warmup_s / 2;
  half.window_s = std::max(0.1, o.window_s / 2);
  double len = phase_len(o);
  auto h2d = timed_windows(half, (double)bytes, 1e-9, len, 0,
                           [&] { CUDA_CHECK(cudaMemcpyAsync(dev, host, bytes, cudaMemcpyHostToDevice)); });
  auto d2h = timed_windows(half, (double)bytes, 1e-9, len, len / 2,
                           [&] { CUDA_CHECK(cudaMemcpyAsync(host, dev, bytes, cudaMemcpyDeviceToHost)); });
  cudaFreeHost(host);
  cudaFree(dev);
  emit_metric("h2d_gbps", "Host to GPU (pinned)", "GB/s", h2d);
  emit_metric("d2h_gbps", "GPU to host (pinned)", "GB/s", d2h);
  return true;
}

static bool phase_vram(const Options &o, const Device &d, int index, int total, double planned_s) {
  emit_phase("vram", "VRAM pattern check", index, total);
  size_t free_b = 0, total_b = 0;
  CUDA_CHECK(cudaMemGetInfo(&free_b, &total_b));
  // Leave headroom for the context and the driver; shrink until the allocation succeeds
  // (free memory can be fragmented, and the owner's desktop may hold some).
  size_t headroom = 256ull << 20;
  size_t bytes = free_b > headroom ? (size_t)((double)(free_b - headroom) * o.vram_fraction) : 0;
  bytes = bytes / (1 << 20) * (1 << 20);
  uint64_t *buf = nullptr;
  while (bytes >= (64ull << 20)) {
    if (cudaMalloc(&buf, bytes) == cudaSuccess) break;
    cudaGetLastError();  // clear the allocation error
    buf = nullptr;
    bytes = bytes / 10 * 9 / (1 << 20) * (1 << 20);
  }
  if (!buf) {
    emit_error("not_enough_vram", "could not allocate VRAM for the pattern check");
    return false;
  }
  unsigned long long *d_errors, errors = 0;
  CUDA_CHECK(cudaMalloc(&d_errors, sizeof *d_errors));
  CUDA_CHECK(cudaMemset(d_errors, 0, sizeof *d_errors));
  size_t words = bytes / 8;
  // Two complementary patterns, so every bit cell is checked holding 0 and holding 1.
  const uint64_t seeds[2] = {0x5555555555555555ull, 0xAAAAAAAAAAAAAAAAull};
  for (int s = 0; s < 2; s++) {
    pattern_fill<<<grid_for(d), 256>>>(buf, words, seeds[s]);
    CUDA_CHECK(cudaDeviceSynchronize());
    emit_progress((s * 2 + 1) / 4.0, planned_s);
    pattern_verify<<<grid_for(d), 256>>>(buf, words, seeds[s], d_errors);
    CUDA_CHECK(cudaDeviceSynchronize());
    emit_progress((s * 2 + 2) / 4.0, planned_s);
  }
  CUDA_CHECK(cudaMemcpy(&errors, d_errors, sizeof errors, cudaMemcpyDeviceToHost));
  cudaFree(d_errors);
  cudaFree(buf);
  emit("{\"type\":\"integrity\",\"name\":\"vram-pattern\",\"bytesChecked\":%zu,\"errors\":%llu}", bytes * 2,
       errors);
  return true;
}

// ---------------------------------------------------------------- main

static std::string uuid_string(const cudaUUID_t &u) {
  // nvidia-smi's form: GPU-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx
  char out[64];
  const unsigned char *b = reinterpret_cast<const unsigned char *>(u.bytes);
  snprintf(out, sizeof out, "GPU-%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
           b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
  return out;
}

int main(int argc, char **argv) {
  Options o;
  int rc = parse_args(argc, argv, o);
  if (rc != 0) {
    usage();
    if (rc < 0) emit_error("bad_arguments", "unknown or incomplete command-line argument");
    return rc < 0 ? 2 : 0;
  }
  const double started = wall_s();
  int count = 0;
  cudaError_t e = cudaGetDeviceCount(&count);
  if (e != cudaSuccess || count == 0) {
    emit_error("no_cuda_device", std::string("no CUDA device is visible in the container: ") +
                                     (e != cudaSuccess ? cudaGetErrorString(e) : "device count is 0"));
    return 1;
  }
  if (o.device < 0 || o.device >= count) {
    emit_error("bad_arguments", "--device is out of range");
    return 2;
  }
  CUDA_CHECK(cudaSetDevice(o.device));
  Device d;
  CUDA_CHECK(cudaGetDeviceProperties(&d.prop, o.device));
  d.sms = d.prop.multiProcessorCount;
  d.cc = d.prop.major * 10 + d.prop.minor;
  int driver = 0, runtime = 0;
  cudaDriverGetVersion(&driver);
  cudaRuntimeGetVersion(&runtime);
  emit("{\"type\":\"hello\",\"protocol\":%d,\"workload\":\"gpu-bench\",\"version\":\"%s\",\"kind\":\"gpu\","
       "\"device\":{\"name\":%s,\"uuid\":\"%s\",\"computeCapability\":\"%d.%d\",\"sms\":%d,\"vramBytes\":%zu,"
       "\"l2Bytes\":%d,\"cudaDriver\":%d,\"cudaRuntime\":%d},\"quick\":%s,\"secondsPerPhase\":%.3g}",
       PROTOCOL_VERSION, WORKLOAD_VERSION, json_str(d.prop.name).c_str(), uuid_string(d.prop.uuid).c_str(),
       d.prop.major, d.prop.minor, d.sms, d.prop.totalGlobalMem, d.prop.l2CacheSize, driver, runtime,
       o.quick ? "true" : "false", o.measure_s);
  if (d.cc < 75) {
    emit_error("unsupported_gpu", "this GPU is older than Turing (compute capability 7.5); tensor-core GEMMs need 7.5+");
    return 1;
  }

  const bool bf16 = d.cc >= 80;
  const int total = bf16 ? 6 : 5;
  const double len = phase_len(o);
  const double vram_s = 2.0;  // estimate: four full passes over most of VRAM
  g_planned_s = len * (total - 1) + vram_s;
  int index = 0;

  if (!phase_sgemm(o, d, ++index, total)) return 1;
  g_done_s += len;
  if (!phase_tensor<__half>(o, d, "fp16_tflops", "fp16", "FP16 tensor GEMM (FP32 accumulate)", ++index, total))
    return 1;
  g_done_s += len;
  if (bf16) {
    if (!phase_tensor<__nv_bfloat16>(o, d, "bf16_tflops", "bf16", "BF16 tensor GEMM (FP32 accumulate)", ++index,
                                     total))
      return 1;
    g_done_s += len;
  } else {
    emit_log("BF16 skipped: this GPU has no BF16 tensor cores (needs compute capability 8.0+)");
  }
  if (!phase_memory(o, d, ++index, total)) return 1;
  g_done_s += len;
  if (!phase_pcie(o, ++index, total)) return 1;
  g_done_s += len;
  if (!phase_vram(o, d, ++index, total, vram_s)) return 1;
  g_done_s += vram_s;

  emit("{\"type\":\"progress\",\"fraction\":1}");
  emit("{\"type\":\"done\",\"elapsedMs\":%.0f}", (wall_s() - started) * 1000);
  return 0;
}
