/* C compiled by a dependent against the header libcuda-sys used (DEP_CUDA_INCLUDE). */
#include <cuda.h>
#include <stddef.h>

int consumer_cuda_version(void) { return CUDA_VERSION; }
size_t consumer_sizeof_memcpy3d(void) { return sizeof(CUDA_MEMCPY3D); }
size_t consumer_sizeof_launch_config(void) { return sizeof(CUlaunchConfig); }

/* 1 when the header's cuCtxCreate is the three-parameter one (CUDA 11 and 12: cuCtxCreate_v2),
   0 when it takes a CUctxCreateParams too (CUDA 13: cuCtxCreate_v4): the C compiler's answer,
   not CUDA_VERSION's. */
int consumer_cu_ctx_create_has_three_parameters(void) {
    return __builtin_types_compatible_p(__typeof__(&cuCtxCreate), CUresult (CUDAAPI *)(CUcontext *, unsigned int, CUdevice));
}

#ifdef CONSUMER_LINKS_LIBCUDA
/* The documented name as a C caller writes it, compiled against the same header. */
void *consumer_cu_mem_alloc(void) { return (void *)&cuMemAlloc; }
#endif

/* Every header libcuda-sys bound (DEP_CUDA_WRAPPER). */
#include CONSUMER_WRAPPER
#if defined(CONSUMER_HAS_PROFILER) && defined(CONSUMER_LINKS_LIBCUDA)
void *consumer_cu_profiler_start(void) { return (void *)&cuProfilerStart; }
#endif
