/* The C twin of src/main.rs: the same three measurements, the same loops, linked with -lcuda.
 *
 *   cc -O2 -I/usr/local/cuda/include calls.c -o calls-c -L/usr/local/cuda/lib64/stubs -lcuda
 *   ./calls-c [HOST_CALLS [LAUNCHES [COPIES [REPS]]]]  (PTX read from EMPTY_PTX, default empty.ptx)
 */
#include "check.h"
#include <cuda.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BATCH 1000


static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int by_value(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n) {
    qsort(v, (size_t)n, sizeof *v, by_value);
    return v[n / 2];
}

static long arg(int argc, char **argv, int i, long def) { return argc > i ? atol(argv[i]) : def; }

static char *read_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); exit(1); }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    if (fread(s, 1, (size_t)n, f) != (size_t)n) { perror(path); exit(1); }
    s[n] = 0;
    fclose(f);
    return s;
}

/* The timed loops, each a function of its own in both programs (see src/main.rs). */
__attribute__((noinline)) static unsigned long long host_loop(long n, CUcontext *current) {
    unsigned long long errors = 0;
    for (long i = 0; i < n; i++) errors += cuCtxGetCurrent(current) != CUDA_SUCCESS;
    return errors;
}

__attribute__((noinline)) static unsigned long long launch_loop(long n, CUfunction kernel) {
    unsigned long long errors = 0;
    for (long i = 0; i < n; i++) errors += cuLaunchKernel(kernel, 1, 1, 1, 1, 1, 1, 0, NULL, NULL, NULL) != CUDA_SUCCESS;
    return errors;
}

__attribute__((noinline)) static unsigned long long copy_loop(long n, CUdeviceptr dptr, const unsigned *value) {
    unsigned long long errors = 0;
    for (long i = 0; i < n; i++) errors += cuMemcpyHtoD(dptr, value, 4) != CUDA_SUCCESS;
    return errors;
}

int main(int argc, char **argv) {
    long host_calls = arg(argc, argv, 1, 10000000), launches = arg(argc, argv, 2, 100000);
    long copies = arg(argc, argv, 3, 20000);
    int reps = (int)arg(argc, argv, 4, 5);
    launches = (launches + BATCH - 1) / BATCH * BATCH;
    const char *ptx_path = getenv("EMPTY_PTX") ? getenv("EMPTY_PTX") : "empty.ptx";
    char *ptx = read_file(ptx_path);

    check(cuInit(0), "cuInit");
    int driver = 0;
    check(cuDriverGetVersion(&driver), "cuDriverGetVersion");
    CUdevice dev;
    check(cuDeviceGet(&dev, 0), "cuDeviceGet");
    char card[256];
    check(cuDeviceGetName(card, (int)sizeof card, dev), "cuDeviceGetName");
    CUcontext ctx;
    check(cuDevicePrimaryCtxRetain(&ctx, dev), "cuDevicePrimaryCtxRetain");
    check(cuCtxSetCurrent(ctx), "cuCtxSetCurrent");
    CUmodule module;
    check(cuModuleLoadData(&module, ptx), "cuModuleLoadData");
    CUfunction kernel;
    check(cuModuleGetFunction(&kernel, module, "empty"), "cuModuleGetFunction");
    CUdeviceptr dptr;
    check(cuMemAlloc(&dptr, 4), "cuMemAlloc");
    unsigned value = 42;

    /* Warm-up: every function bound, the kernel loaded on the device, caches warm. */
    CUcontext current = NULL;
    unsigned long long errors = host_loop(100000, &current) + launch_loop(BATCH, kernel);
    check(cuCtxSynchronize(), "cuCtxSynchronize");
    errors += copy_loop(100, dptr, &value);

    double *host = calloc((size_t)reps, sizeof(double)), *submit = calloc((size_t)reps, sizeof(double));
    double *copy = calloc((size_t)reps, sizeof(double));
    for (int r = 0; r < reps; r++) {
        double t = now();
        errors += host_loop(host_calls, &current);
        host[r] = (now() - t) * 1e9 / (double)host_calls;

        double timed = 0;
        for (long b = 0; b < launches / BATCH; b++) {
            t = now();
            errors += launch_loop(BATCH, kernel);
            timed += now() - t;
            check(cuCtxSynchronize(), "cuCtxSynchronize");
        }
        submit[r] = timed * 1e6 / (double)launches;

        t = now();
        errors += copy_loop(copies, dptr, &value);
        copy[r] = (now() - t) * 1e6 / (double)copies;
    }
    if (errors || current != ctx) {
        fprintf(stderr, "c: %llu calls failed\n", errors);
        return 1;
    }
    check(cuMemFree(dptr), "cuMemFree");
    check(cuModuleUnload(module), "cuModuleUnload");
    check(cuDevicePrimaryCtxRelease(dev), "cuDevicePrimaryCtxRelease");
    printf("variant=c host_ns=%.3f launch_us=%.4f copy_us=%.4f driver=%d card=%s\n", median(host, reps), median(submit, reps),
           median(copy, reps), driver, card);
    return 0;
}
