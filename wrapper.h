/* What libcuda-sys always binds: the CUDA Driver API. The build script generates
 * OUT_DIR/libcuda_sys.h (DEP_CUDA_WRAPPER), which includes this file first and then each other
 * header it binds where found (cudaProfiler.h, cudaTypedefs.h) or asked for by a feature
 * (cudaGL.h, cudaEGL.h, cudaVDPAU.h with their system headers). */
#include <cuda.h>
