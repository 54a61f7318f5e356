// The batch-1 GEMV design space behind runtime/kernels/skinny_linear, measured on the GPU (standalone CUDA, no
// LibTorch): the copy and read-only bandwidth, then for each decode-step shape of SambaY (Phi-4-mini-flash) a few
// kernel variants (register batch per lane and row, double buffering, LayerNorm prologue through shared memory or
// registers, one-round tiling, a cap on blocks per SM, L2 bulk prefetch), each timed as a CUDA graph of 64
// dependent launches over distinct weight buffers (no L2 reuse), and chains of mixed shapes like one decode layer.
// The kernel here is a simplified copy of skinny_linear's (one row, store epilogue) so variants compile side by
// side; docs/PERFORMANCE.md keeps its results. Usage on a GPU machine: build-gpu/tests/gemv_micro_bench
#include <cuda_bf16.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#define CK(x)                                                                         \
  do {                                                                                \
    cudaError_t e_ = (x);                                                             \
    if (e_ != cudaSuccess) {                                                          \
      fprintf(stderr, "%s:%d %s: %s\n", __FILE__, __LINE__, #x, cudaGetErrorString(e_)); \
      exit(1);                                                                        \
    }                                                                                 \
  } while (0)

constexpr int kThreads = 256;
constexpr int kWarps = 8;

struct P {
  const float* xf;          // NORM input, float [K]
  const __nv_bfloat16* x;   // plain input [K]
  const __nv_bfloat16* w;   // [N, K]
  const __nv_bfloat16* nw;  // norm weight [K]
  __nv_bfloat16* out;       // [N]
  int N, K, slots, k_split, tiles;
  int pf_bytes;  // L2 bulk prefetch of the first tile before the wait (cap per block)
  int pf_next;   // prefetch the next tile's rows into L2 at the start of each tile
};

__device__ __forceinline__ void pdl_launch() { asm volatile("griddepcontrol.launch_dependents;" ::: "memory"); }
__device__ __forceinline__ void pdl_wait() { asm volatile("griddepcontrol.wait;" ::: "memory"); }

__device__ __forceinline__ uint4 ld_stream(const void* p) {
  uint4 r;
  asm volatile("ld.global.nc.L1::no_allocate.v4.u32 {%0, %1, %2, %3}, [%4];"
               : "=r"(r.x), "=r"(r.y), "=r"(r.z), "=r"(r.w)
               : "l"(p));
  return r;
}
__device__ __forceinline__ void prefetch_l2_bulk(const void* p, unsigned bytes) {
  asm volatile("cp.async.bulk.prefetch.L2.global [%0], %1;" ::"l"(p), "r"(bytes) : "memory");
}
__device__ __forceinline__ void unpack8(const uint4& v, float (&f)[8]) {
  const auto* h = reinterpret_cast<const __nv_bfloat162*>(&v);
#pragma unroll
  for (int j = 0; j < 4; ++j) {
    const float2 t = __bfloat1622float2(h[j]);
    f[2 * j] = t.x, f[2 * j + 1] = t.y;
  }
}
__device__ __forceinline__ float warp_sum(float v) {
#pragma unroll
  for (int o = 16; o > 0; o /= 2) v += __shfl_xor_sync(0xffffffffu, v, o);
  return v;
}
__device__ float block_sum(float v, float* scratch) {
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  v = warp_sum(v);
  __syncthreads();
  if (lane == 0) scratch[warp] = v;
  __syncthreads();
  float s = 0.f;
#pragma unroll
  for (int i = 0; i < kWarps; ++i) s += scratch[i];
  return s;
}

// NORM_MODE 0: none; 1: as the product (mean, centred pass over smem); 2: values kept in registers, two reductions.
template <int NORM_MODE>
__device__ void normalise(const P& p, __nv_bfloat16* xs, float* scratch) {
  const int K = p.K;
  if constexpr (NORM_MODE == 1) {
    float sum = 0.f;
    for (int k = threadIdx.x * 4; k < K; k += kThreads * 4) {
      const float4 r = *reinterpret_cast<const float4*>(p.xf + k);
      const float v[4] = {r.x, r.y, r.z, r.w};
      for (int j = 0; j < 4; ++j) {
        xs[k + j] = __float2bfloat16(v[j]);
        sum += __bfloat162float(xs[k + j]);
      }
    }
    sum = block_sum(sum, scratch);
    const float mean = sum / K;
    float c = 0.f;
    for (int k = threadIdx.x; k < K; k += kThreads) {
      const float d = __bfloat162float(xs[k]) - mean;
      c += d * d;
    }
    c = block_sum(c, scratch);
    const float rstd = rsqrtf(c / K + 1e-5f);
    for (int k = threadIdx.x; k < K; k += kThreads)
      xs[k] = __float2bfloat16((__bfloat162float(xs[k]) - mean) * rstd * __bfloat162float(p.nw[k]));
    __syncthreads();
  } else if constexpr (NORM_MODE == 2) {
    constexpr int kMax = 4;  // float4 per thread: K <= 4096
    float v[kMax][4];
    float sum = 0.f;
#pragma unroll
    for (int i = 0; i < kMax; ++i) {
      const int k = (threadIdx.x + i * kThreads) * 4;
      if (k < K) {
        const float4 r = *reinterpret_cast<const float4*>(p.xf + k);
        v[i][0] = __bfloat162float(__float2bfloat16(r.x));
        v[i][1] = __bfloat162float(__float2bfloat16(r.y));
        v[i][2] = __bfloat162float(__float2bfloat16(r.z));
        v[i][3] = __bfloat162float(__float2bfloat16(r.w));
        sum += v[i][0] + v[i][1] + v[i][2] + v[i][3];
      }
    }
    sum = block_sum(sum, scratch);
    const float mean = sum / K;
    float c = 0.f;
#pragma unroll
    for (int i = 0; i < kMax; ++i) {
      const int k = (threadIdx.x + i * kThreads) * 4;
      if (k < K)
        for (int j = 0; j < 4; ++j) c += (v[i][j] - mean) * (v[i][j] - mean);
    }
    c = block_sum(c, scratch);
    const float rstd = rsqrtf(c / K + 1e-5f);
#pragma unroll
    for (int i = 0; i < kMax; ++i) {
      const int k = (threadIdx.x + i * kThreads) * 4;
      if (k < K)
        for (int j = 0; j < 4; ++j)
          xs[k + j] = __float2bfloat16((v[i][j] - mean) * rstd * __bfloat162float(p.nw[k + j]));
    }
    __syncthreads();
  }
}

template <int UNROLL, bool DB, int NORM_MODE>
__global__ void __launch_bounds__(kThreads) gemv(P p) {
  extern __shared__ uint4 smem[];
  __shared__ float scratch[kWarps];
  __shared__ float partial[kWarps][2];
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  const int KS = p.k_split, groups = kWarps / KS, group = warp / KS, slice = warp % KS;
  const int chunks = p.K / 8, per_slice = (chunks + KS - 1) / KS;
  const int c_begin = slice * per_slice, c_end = min(chunks, c_begin + per_slice);
  const int tile_bytes = groups * 2 * p.K * 2;

  uint4 wv[2][UNROLL][2];
  auto load = [&](int buf, const __nv_bfloat16* r0, const __nv_bfloat16* r1, int c) {
#pragma unroll
    for (int u = 0; u < UNROLL; ++u) {
      const int cc = c + 32 * u;
      wv[buf][u][0] = cc < c_end ? ld_stream(r0 + (int64_t)cc * 8) : make_uint4(0, 0, 0, 0);
      wv[buf][u][1] = cc < c_end ? ld_stream(r1 + (int64_t)cc * 8) : make_uint4(0, 0, 0, 0);
    }
  };
  auto rows_of = [&](int slot, const __nv_bfloat16*& r0, const __nv_bfloat16*& r1) {
    r0 = p.w + (int64_t)(2 * slot) * p.K;
    r1 = p.w + (int64_t)min(2 * slot + 1, p.N - 1) * p.K;
  };
  bool pre = false;
  if (blockIdx.x < p.tiles && blockIdx.x * groups + group < p.slots && c_begin + lane < c_end) {
    const __nv_bfloat16 *r0, *r1;
    rows_of(blockIdx.x * groups + group, r0, r1);
    load(0, r0, r1, c_begin + lane);
    if constexpr (DB) load(1, r0, r1, c_begin + lane + 32 * UNROLL);
    pre = true;
  }
  if (p.pf_bytes > 0 && threadIdx.x == 0 && blockIdx.x < p.tiles) {
    const char* base = reinterpret_cast<const char*>(p.w + (int64_t)(2 * blockIdx.x * groups) * p.K);
    const char* end = reinterpret_cast<const char*>(p.w + (int64_t)p.N * p.K);
    int bytes = min(tile_bytes, p.pf_bytes);
    bytes = (int)(int)(((int64_t)(bytes) < (int64_t)(end - base)) ? (int64_t)(bytes) : (int64_t)(end - base));
    if (bytes >= 16) prefetch_l2_bulk(base, bytes & ~15);
  }
  pdl_launch();
  pdl_wait();
  const __nv_bfloat16* x = p.x;
  if constexpr (NORM_MODE != 0) {
    auto* xs = reinterpret_cast<__nv_bfloat16*>(smem);
    normalise<NORM_MODE>(p, xs, scratch);
    x = xs;
  }
  for (int tile = blockIdx.x; tile < p.tiles; tile += gridDim.x) {
    if (p.pf_next && threadIdx.x == 0 && tile + (int)gridDim.x < p.tiles) {
      const char* base = reinterpret_cast<const char*>(p.w + (int64_t)(2 * (tile + gridDim.x) * groups) * p.K);
      const char* end = reinterpret_cast<const char*>(p.w + (int64_t)p.N * p.K);
      const int bytes = (int)(int)(((int64_t)(tile_bytes) < (int64_t)(end - base)) ? (int64_t)(tile_bytes) : (int64_t)(end - base));
      if (bytes >= 16) prefetch_l2_bulk(base, bytes & ~15);
    }
    const int slot = tile * groups + group;
    float acc0 = 0.f, acc1 = 0.f;
    if (slot < p.slots) {
      const __nv_bfloat16 *r0, *r1;
      rows_of(slot, r0, r1);
      auto compute = [&](const int buf, int c) {
#pragma unroll
        for (int u = 0; u < UNROLL; ++u) {
          const int cc = c + 32 * u;
          if (cc >= c_end) break;
          float a[8], b2[8], xf[8];
          unpack8(wv[buf][u][0], a);
          unpack8(wv[buf][u][1], b2);
          unpack8(*reinterpret_cast<const uint4*>(x + (int64_t)cc * 8), xf);
#pragma unroll
          for (int j = 0; j < 8; ++j) acc0 = fmaf(a[j], xf[j], acc0), acc1 = fmaf(b2[j], xf[j], acc1);
        }
      };
      constexpr int step = 32 * UNROLL;
      if constexpr (!DB) {
        for (int c = c_begin + lane; c < c_end; c += step) {
          if (!pre) load(0, r0, r1, c);
          pre = false;
          compute(0, c);
        }
      } else {
        int c = c_begin + lane;
        const bool both = pre;
        if (c < c_end && !pre) load(0, r0, r1, c);
        pre = false;
        for (bool first = true; c < c_end; c += 2 * step, first = false) {
          if (!(first && both) && c + step < c_end) load(1, r0, r1, c + step);
          compute(0, c);
          if (c + step >= c_end) break;
          if (c + 2 * step < c_end) load(0, r0, r1, c + 2 * step);
          compute(1, c + step);
        }
      }
      // with DB the register buffers alternate; a statically indexed copy keeps wv in registers
    }
    acc0 = warp_sum(acc0), acc1 = warp_sum(acc1);
    if (KS > 1) {
      if (lane == 0) partial[warp][0] = acc0, partial[warp][1] = acc1;
      __syncthreads();
      if (slice == 0) {
        acc0 = acc1 = 0.f;
        for (int k = 0; k < KS; ++k) acc0 += partial[warp + k][0], acc1 += partial[warp + k][1];
      }
      __syncthreads();
    }
    if (slice == 0 && slot < p.slots && lane == 0) {
      p.out[2 * slot] = __float2bfloat16(acc0);
      if (2 * slot + 1 < p.N) p.out[2 * slot + 1] = __float2bfloat16(acc1);
    }
  }
}

// Reads every byte once, as fast as it can: the bandwidth ceiling of a weight stream.
__global__ void __launch_bounds__(kThreads) read_all(const uint4* w, int64_t n16, float* out) {
  pdl_launch();
  pdl_wait();
  uint32_t acc = 0;
  const int64_t stride = (int64_t)gridDim.x * kThreads;
  int64_t i = (int64_t)blockIdx.x * kThreads + threadIdx.x;
  for (; i + 7 * stride < n16; i += 8 * stride) {
    uint4 v[8];
#pragma unroll
    for (int u = 0; u < 8; ++u) v[u] = ld_stream(w + i + u * stride);
#pragma unroll
    for (int u = 0; u < 8; ++u) acc ^= v[u].x ^ v[u].y ^ v[u].z ^ v[u].w;
  }
  for (; i < n16; i += stride) {
    const uint4 v = ld_stream(w + i);
    acc ^= v.x ^ v.y ^ v.z ^ v.w;
  }
  if (acc == 0x12345678u) out[0] = 1.f;
}

struct Variant {
  std::string name;
  void (*kernel)(P);
  int norm_mode;
  int pf_bytes, pf_next;
  int tiles_per_block;  // target tiles per resident block for the k_split choice; 0: one shot where it fits
  int per_lane_row;     // loads per lane per row held in registers (UNROLL, or 2 UNROLL double-buffered)
  int bps = 0;          // blocks per SM cap (0: as many as fit)
};

static int sms;

// kernel<<<grid, kThreads, smem, s>>>(args...) with programmatic stream serialisation, as the decode step launches.
template <typename... Params, typename... Args>
static void launch_pdl(void (*k)(Params...), int grid, int smem, cudaStream_t s, Args... args) {
  cudaLaunchConfig_t c = {};
  c.gridDim = dim3(grid);
  c.blockDim = dim3(kThreads);
  c.dynamicSmemBytes = smem;
  c.stream = s;
  cudaLaunchAttribute a[1];
  a[0].id = cudaLaunchAttributeProgrammaticStreamSerialization;
  a[0].val.programmaticStreamSerializationAllowed = 1;
  c.attrs = a;
  c.numAttrs = 1;
  CK(cudaLaunchKernelEx(&c, k, args...));
}

static P plan(const Variant& v, int N, int K, int& grid, int& smem) {
  int occ = 0;
  smem = v.norm_mode ? K * 2 : 0;
  CK(cudaFuncSetAttribute(v.kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, 64 * 1024));
  CK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&occ, v.kernel, kThreads, smem));
  const int resident = (v.bps ? std::min(v.bps, std::max(occ, 1)) : std::max(occ, 1)) * sms;
  P p{};
  p.N = N, p.K = K, p.slots = (N + 1) / 2;
  p.k_split = 1;
  const int chunks = K / 8;
  bool one_shot = false;
  if (v.tiles_per_block == 0) {
    for (int ks = 1; ks <= kWarps; ks *= 2) {
      const int per_lane = (chunks / ks + 31) / 32;
      const int tiles = (p.slots + kWarps / ks - 1) / (kWarps / ks);
      if (per_lane <= v.per_lane_row && tiles <= resident) {
        p.k_split = ks, one_shot = true;
        break;
      }
    }
  }
  if (!one_shot)
  while (p.k_split < kWarps && (p.slots * p.k_split + kWarps - 1) / kWarps < std::max(v.tiles_per_block, 3) * resident &&
         chunks / (2 * p.k_split) >= 64)
    p.k_split *= 2;
  const int groups = kWarps / p.k_split;
  p.tiles = (p.slots + groups - 1) / groups;
  grid = std::min(p.tiles, resident);
  p.pf_bytes = v.pf_bytes, p.pf_next = v.pf_next;
  return p;
}

struct Bufs {
  std::vector<__nv_bfloat16*> w;
  __nv_bfloat16 *x, *nw, *out;
  float* xf;
};

// Time per launch of a graph of `reps` dependent launches cycling over distinct weight buffers.
template <typename F>
static double time_graph(cudaStream_t s, int reps, F&& body) {
  cudaGraph_t g;
  cudaGraphExec_t ge;
  CK(cudaStreamBeginCapture(s, cudaStreamCaptureModeGlobal));
  for (int r = 0; r < reps; ++r) body(r);
  CK(cudaStreamEndCapture(s, &g));
  CK(cudaGraphInstantiate(&ge, g, 0));
  CK(cudaGraphLaunch(ge, s));
  CK(cudaStreamSynchronize(s));
  cudaEvent_t a, b;
  CK(cudaEventCreate(&a));
  CK(cudaEventCreate(&b));
  const int iters = 5;
  CK(cudaEventRecord(a, s));
  for (int i = 0; i < iters; ++i) CK(cudaGraphLaunch(ge, s));
  CK(cudaEventRecord(b, s));
  CK(cudaEventSynchronize(b));
  float ms = 0;
  CK(cudaEventElapsedTime(&ms, a, b));
  CK(cudaGraphExecDestroy(ge));
  CK(cudaGraphDestroy(g));
  return ms * 1e-3 / iters / reps;
}

int main(int argc, char** argv) {
  CK(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, 0));
  cudaStream_t s;
  CK(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking));
  const size_t pool_bytes = size_t(1) << 30;  // 1 GiB of weights, cycled
  char* pool;
  CK(cudaMalloc(&pool, pool_bytes + (size_t(1) << 20)));
  CK(cudaMemset(pool, 0x3c, pool_bytes));
  Bufs b;
  CK(cudaMalloc(&b.x, 64 * 1024));
  CK(cudaMalloc(&b.nw, 64 * 1024));
  CK(cudaMalloc(&b.out, 1 << 20));
  CK(cudaMalloc(&b.xf, 64 * 1024));
  CK(cudaMemset(b.x, 0x3c, 64 * 1024));
  CK(cudaMemset(b.nw, 0x3c, 64 * 1024));
  CK(cudaMemset(b.xf, 0, 64 * 1024));
  float* sink;
  CK(cudaMalloc(&sink, 4));

  // The copy bandwidth (read + write) as rbench bench measures it, after one untimed copy.
  const double copy_gbs = [&] {
    char *src, *dst;
    const size_t n = size_t(1) << 29;
    CK(cudaMalloc(&src, n));
    CK(cudaMalloc(&dst, n));
    CK(cudaMemcpyAsync(dst, src, n, cudaMemcpyDeviceToDevice, s));
    cudaEvent_t a, e;
    CK(cudaEventCreate(&a));
    CK(cudaEventCreate(&e));
    CK(cudaEventRecord(a, s));
    for (int i = 0; i < 20; ++i) CK(cudaMemcpyAsync(dst, src, n, cudaMemcpyDeviceToDevice, s));
    CK(cudaEventRecord(e, s));
    CK(cudaEventSynchronize(e));
    float ms;
    CK(cudaEventElapsedTime(&ms, a, e));
    CK(cudaFree(src));
    CK(cudaFree(dst));
    return 2.0 * n * 20 / (ms * 1e-3) / 1e9;
  }();
  printf("copy bandwidth %.0f GB/s (the ratios below are against it)\n", copy_gbs);

  struct Shape {
    const char* name;
    int N, K;
    bool norm;
  };
  const Shape shapes[] = {
      {"in_proj", 10240, 2560, true}, {"Wqkv", 5120, 2560, true},  {"fc1", 20480, 2560, true},
      {"q_proj", 2560, 2560, true},   {"out_m", 2560, 5120, false}, {"out_a", 2560, 2560, false},
      {"fc2", 2560, 10240, false},    {"x_proj", 192, 5120, false},
  };
  // read-only ceiling at each size
  for (const Shape& sh : shapes) {
    const size_t bytes = size_t(sh.N) * sh.K * 2;
    const int nbuf = (int)std::min<size_t>(pool_bytes / bytes, 64);
    int occ;
    CK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&occ, read_all, kThreads, 0));
    const double t = time_graph(s, 64, [&](int r) {
      const uint4* w = reinterpret_cast<const uint4*>(pool + (r % nbuf) * bytes);
      launch_pdl(read_all, occ * sms, 0, s, w, (int64_t)(bytes / 16), sink);
    });
    printf("read_all %-8s %6.1f MB: %7.2f us  %5.1f%% of copy\n", sh.name, bytes / 1e6, t * 1e6,
           100.0 * bytes / t / 1e9 / copy_gbs);
  }
  {
    const size_t bytes = pool_bytes;
    int occ;
    CK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&occ, read_all, kThreads, 0));
    const double t = time_graph(s, 4, [&](int) {
      read_all<<<occ * sms, kThreads, 0, s>>>(reinterpret_cast<const uint4*>(pool), (int64_t)(bytes / 16), sink);
    });
    printf("read_all 1 GiB: %.1f us, %.0f GB/s, %.1f%% of copy\n", t * 1e6, bytes / t / 1e9,
           100.0 * bytes / t / 1e9 / copy_gbs);
  }

  auto V = [](const char* n, void (*k)(P), int nm, int tpb, int plr, int bps) {
    Variant v{n, k, nm, 0, 0, tpb, plr};
    v.bps = bps;
    return v;
  };
  // per-shape, a few variants with a blocks-per-SM cap
  std::vector<Variant> variants = {
      V("N2 u4", gemv<4, false, 2>, 2, 3, 4, 0),     V("N2 u8", gemv<8, false, 2>, 2, 3, 8, 0),
      V("N2 u8 b1", gemv<8, false, 2>, 2, 3, 8, 1),  V("N2 u4 db b1", gemv<4, true, 2>, 2, 3, 8, 1),
      V("N2 u6 db b1", gemv<6, true, 2>, 2, 3, 12, 1), V("N2 u4 b2", gemv<4, false, 2>, 2, 3, 4, 2),
      V("u3 db os", gemv<3, true, 0>, 0, 0, 6, 0),   V("u8", gemv<8, false, 0>, 0, 3, 8, 0),
      V("u8 b1", gemv<8, false, 0>, 0, 3, 8, 1),     V("u4 db b1", gemv<4, true, 0>, 0, 3, 8, 1),
      V("u4 db os b1", gemv<4, true, 0>, 0, 0, 8, 1), V("u6 db os b1", gemv<6, true, 0>, 0, 0, 12, 1),
      V("u3 db os b2", gemv<3, true, 0>, 0, 0, 6, 2),
  };
  for (const Shape& sh : shapes) {
    const size_t bytes = size_t(sh.N) * sh.K * 2;
    const int nbuf = (int)std::min<size_t>(pool_bytes / bytes, 64);
    for (const Variant& v : variants) {
      if ((v.norm_mode != 0) != sh.norm) continue;
      int grid, smem;
      P p = plan(v, sh.N, sh.K, grid, smem);
      p.x = b.x, p.xf = b.xf, p.nw = b.nw, p.out = b.out;
      const double t = time_graph(s, 64, [&](int r) {
        P q = p;
        q.w = reinterpret_cast<const __nv_bfloat16*>(pool + (r % nbuf) * bytes);
        launch_pdl(v.kernel, grid, smem, s, q);
      });
      printf("%-8s %-14s ks %d grid %4d tiles %5d: %7.2f us  %5.1f%% of copy\n", sh.name, v.name.c_str(),
             p.k_split, grid, p.tiles, t * 1e6, 100.0 * bytes / t / 1e9 / copy_gbs);
    }
  }
  // A chain like the decode step's linears: one layer cycle of mixed shapes, repeated over distinct weights.
  const Shape cycle[] = {shapes[0], shapes[4], shapes[2], shapes[6], shapes[1], shapes[5], shapes[2], shapes[6],
                         shapes[3], shapes[5], shapes[7]};
  struct Config {
    const char* name;
    Variant big_norm, small_norm, big, small;
  };
  const Config configs[] = {
      {"product (u8 | N u4, u3db os)", V("", gemv<8, false, 2>, 2, 3, 8, 0), V("", gemv<4, false, 2>, 2, 3, 4, 0),
       V("", gemv<8, false, 0>, 0, 3, 8, 0), V("", gemv<3, true, 0>, 0, 0, 6, 0)},
      {"all b1 (u8 | u4db)", V("", gemv<8, false, 2>, 2, 3, 8, 1), V("", gemv<4, true, 2>, 2, 3, 8, 1),
       V("", gemv<8, false, 0>, 0, 3, 8, 1), V("", gemv<4, true, 0>, 0, 0, 8, 1)},
      {"all b1 u4db", V("", gemv<4, true, 2>, 2, 3, 8, 1), V("", gemv<4, true, 2>, 2, 3, 8, 1),
       V("", gemv<4, true, 0>, 0, 3, 8, 1), V("", gemv<4, true, 0>, 0, 0, 8, 1)},
      {"all b1 u6db", V("", gemv<6, true, 2>, 2, 3, 12, 1), V("", gemv<6, true, 2>, 2, 3, 12, 1),
       V("", gemv<6, true, 0>, 0, 3, 12, 1), V("", gemv<6, true, 0>, 0, 0, 12, 1)},
      {"big b1 small full", V("", gemv<8, false, 2>, 2, 3, 8, 1), V("", gemv<4, false, 2>, 2, 3, 4, 0),
       V("", gemv<8, false, 0>, 0, 3, 8, 1), V("", gemv<3, true, 0>, 0, 0, 6, 0)},
      {"all b2 (u4 | u3db)", V("", gemv<4, false, 2>, 2, 3, 4, 2), V("", gemv<4, false, 2>, 2, 3, 4, 2),
       V("", gemv<3, true, 0>, 0, 3, 6, 2), V("", gemv<3, true, 0>, 0, 0, 6, 2)},
  };
  for (const Config& cf : configs) {
    double total_bytes = 0;
    const int cycles = 8;
    const double t = time_graph(s, 1, [&](int) {
      size_t off = 0;
      for (int c = 0; c < cycles; ++c)
        for (const Shape& sh : cycle) {
          const size_t bytes = size_t(sh.N) * sh.K * 2;
          if (off + bytes > pool_bytes) off = 0;
          const bool big = bytes >= (size_t(40) << 20);
          const Variant& v = sh.norm ? (big ? cf.big_norm : cf.small_norm) : (big ? cf.big : cf.small);
          int grid, smem;
          P p = plan(v, sh.N, sh.K, grid, smem);
          p.x = b.x, p.xf = b.xf, p.nw = b.nw, p.out = b.out;
          p.w = reinterpret_cast<const __nv_bfloat16*>(pool + off);
          off += bytes;
          launch_pdl(v.kernel, grid, smem, s, p);
        }
    });
    for (const Shape& sh : cycle) total_bytes += double(sh.N) * sh.K * 2 * cycles;
    printf("chain %-30s %8.1f us for %.0f MB: %5.1f%% of copy\n", cf.name, t * 1e6, total_bytes / 1e6,
           100.0 * total_bytes / t / 1e9 / copy_gbs);
  }
  CK(cudaGetLastError());
  return 0;
}
