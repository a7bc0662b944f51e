/* The one header libcuda-sys binds: the CUDA Driver API. */
#include <cuda.h>
