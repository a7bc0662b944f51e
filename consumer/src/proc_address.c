/* C's cuGetProcAddress, as the header declares it (cuGetProcAddress_v2 from CUDA 12.0 on), called
 * through the driver library opened by its SONAME: what a C program asking the driver for a
 * function at a version gets. Compiled with libcuda-sys's dynamic-loading (nothing links libcuda),
 * on Unix. */
#include <cuda.h>
#include <dlfcn.h>
#include <stddef.h>

#define CONSUMER_STRING(x) #x
#define CONSUMER_SYMBOL(x) CONSUMER_STRING(x)

/* The address cuGetProcAddress gives for `name` at `version` with `flags`, or NULL. */
void *consumer_proc_address(const char *name, int version, cuuint64_t flags) {
    static __typeof__(&cuGetProcAddress) get;
    void *pfn = NULL;
    if (!get) {
        void *driver = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
        if (!driver) return NULL;
        get = (__typeof__(get))dlsym(driver, CONSUMER_SYMBOL(cuGetProcAddress));
        if (!get) return NULL;
    }
#if CUDA_VERSION >= 12000
    CUdriverProcAddressQueryResult status = CU_GET_PROC_ADDRESS_SYMBOL_NOT_FOUND;
    if (get(name, &pfn, version, flags, &status) != CUDA_SUCCESS || status != CU_GET_PROC_ADDRESS_SUCCESS) return NULL;
#else
    if (get(name, &pfn, version, flags) != CUDA_SUCCESS) return NULL;
#endif
    return pfn;
}
