/* The C twins' one way to fail: the call's name and the driver's name for its result, exit 1. */
#ifndef LIBCUDA_SYS_BENCH_CHECK_H
#define LIBCUDA_SYS_BENCH_CHECK_H
#include <cuda.h>
#include <stdio.h>
#include <stdlib.h>

static void check(CUresult r, const char *what) {
    if (r != CUDA_SUCCESS) {
        const char *name = NULL;
        cuGetErrorName(r, &name);
        fprintf(stderr, "c: %s failed: %s (%d)\n", what, name ? name : "?", (int)r);
        exit(1);
    }
}
#endif
