/* The C twin of src/peer_copy.rs: the same copies, the same timing, linked with -lcuda.
 *
 *   cc -O2 -I/usr/local/cuda/include peer_copy.c -o peer_copy-c -L/usr/local/cuda/lib64/stubs -lcuda
 *   ./peer_copy-c [MIB [REPS]]      (default: 256 MiB, 20 timed copies)
 *
 * GPU 1 -> GPU 0 with cuMemcpyPeerAsync on a stream of GPU 0's primary context, peer access
 * enabled both ways where cuDeviceCanAccessPeer allows it. Each copy is timed alone between two
 * events; the line printed holds the median, min and max in GB/s (10^9 bytes/s). After the timed
 * copies, one copy into a buffer holding the sentinel is read back and every element checked.
 */
#include "check.h"
#include <cuda.h>
#include <stdio.h>
#include <stdlib.h>

#define SENTINEL 0xFFFFFFFFu
#define VALUE 0x1234ABCDu
#define WARM_UP 3


static int by_value(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static long arg(int argc, char **argv, int i, long def) { return argc > i ? atol(argv[i]) : def; }

int main(int argc, char **argv) {
    size_t bytes = (size_t)arg(argc, argv, 1, 256) << 20;
    int reps = (int)arg(argc, argv, 2, 20);
    if (reps < 1) reps = 1;
    size_t n = bytes / 4;
    check(cuInit(0), "cuInit");
    int count = 0, driver = 0;
    check(cuDeviceGetCount(&count), "cuDeviceGetCount");
    check(cuDriverGetVersion(&driver), "cuDriverGetVersion");
    if (count < 2) {
        fprintf(stderr, "c: needs 2 GPUs; this machine has %d\n", count);
        return 1;
    }
    CUdevice dev[2];
    CUcontext ctx[2];
    for (int i = 0; i < 2; i++) {
        check(cuDeviceGet(&dev[i], i), "cuDeviceGet");
        check(cuDevicePrimaryCtxRetain(&ctx[i], dev[i]), "cuDevicePrimaryCtxRetain");
    }
    char card[256];
    check(cuDeviceGetName(card, (int)sizeof card, dev[0]), "cuDeviceGetName");
    int p2p01 = 0, p2p10 = 0;
    check(cuDeviceCanAccessPeer(&p2p01, dev[0], dev[1]), "cuDeviceCanAccessPeer");
    check(cuDeviceCanAccessPeer(&p2p10, dev[1], dev[0]), "cuDeviceCanAccessPeer");
    int p2p = p2p01 && p2p10;

    CUdeviceptr src, dst;
    check(cuCtxSetCurrent(ctx[1]), "cuCtxSetCurrent");
    if (p2p) check(cuCtxEnablePeerAccess(ctx[0], 0), "cuCtxEnablePeerAccess");
    check(cuMemAlloc(&src, bytes), "cuMemAlloc");
    check(cuMemsetD32(src, VALUE, n), "cuMemsetD32");
    check(cuCtxSynchronize(), "cuCtxSynchronize");
    check(cuCtxSetCurrent(ctx[0]), "cuCtxSetCurrent");
    if (p2p) check(cuCtxEnablePeerAccess(ctx[1], 0), "cuCtxEnablePeerAccess");
    check(cuMemAlloc(&dst, bytes), "cuMemAlloc");
    CUstream stream;
    check(cuStreamCreate(&stream, CU_STREAM_NON_BLOCKING), "cuStreamCreate");
    CUevent start, stop;
    check(cuEventCreate(&start, CU_EVENT_DEFAULT), "cuEventCreate");
    check(cuEventCreate(&stop, CU_EVENT_DEFAULT), "cuEventCreate");

    for (int i = 0; i < WARM_UP; i++) check(cuMemcpyPeerAsync(dst, ctx[0], src, ctx[1], bytes, stream), "cuMemcpyPeerAsync");
    check(cuStreamSynchronize(stream), "cuStreamSynchronize");
    double *gbps = calloc((size_t)reps, sizeof(double));
    for (int i = 0; i < reps; i++) {
        check(cuEventRecord(start, stream), "cuEventRecord");
        check(cuMemcpyPeerAsync(dst, ctx[0], src, ctx[1], bytes, stream), "cuMemcpyPeerAsync");
        check(cuEventRecord(stop, stream), "cuEventRecord");
        check(cuEventSynchronize(stop), "cuEventSynchronize");
        float ms = 0;
        check(cuEventElapsedTime(&ms, start, stop), "cuEventElapsedTime");
        gbps[i] = (double)bytes / ((double)ms * 1e-3) / 1e9;
    }
    qsort(gbps, (size_t)reps, sizeof *gbps, by_value);

    /* The copy is checked: the destination holds the sentinel first, the source's value after. */
    check(cuMemsetD32Async(dst, SENTINEL, n, stream), "cuMemsetD32Async");
    check(cuMemcpyPeerAsync(dst, ctx[0], src, ctx[1], bytes, stream), "cuMemcpyPeerAsync");
    check(cuStreamSynchronize(stream), "cuStreamSynchronize");
    unsigned *host = malloc(bytes);
    check(cuMemcpyDtoH(host, dst, bytes), "cuMemcpyDtoH");
    size_t wrong = 0;
    for (size_t i = 0; i < n; i++) wrong += host[i] != VALUE;
    if (wrong) {
        fprintf(stderr, "c: %zu of %zu elements wrong after cuMemcpyPeerAsync\n", wrong, n);
        return 1;
    }

    check(cuEventDestroy(start), "cuEventDestroy");
    check(cuEventDestroy(stop), "cuEventDestroy");
    check(cuStreamDestroy(stream), "cuStreamDestroy");
    check(cuMemFree(dst), "cuMemFree");
    check(cuCtxSetCurrent(ctx[1]), "cuCtxSetCurrent");
    check(cuMemFree(src), "cuMemFree");
    for (int i = 0; i < 2; i++) check(cuDevicePrimaryCtxRelease(dev[i]), "cuDevicePrimaryCtxRelease");
    printf("variant=c bytes=%zu reps=%d p2p=%d gbps=%.3f min=%.3f max=%.3f driver=%d card=%s\n", bytes, reps, p2p, gbps[reps / 2],
           gbps[0], gbps[reps - 1], driver, card);
    free(host);
    free(gbps);
    return 0;
}
