/* graph::conditional_while_node_runs_its_count in C, through the Driver API only: for compute-sanitizer.
 *
 * Each round creates a context, loads a module holding loop_body (tests/fixtures/graph.ptx, or
 * nvcc's own PTX or cubin of the CUDA C in graph.ptx's comment), builds memset, memset -> WHILE
 * node whose body graph is one launch of loop_body, launches it and checks that the body ran LIMIT
 * times. It exists to tell the bindings from the tool: on the H200 (driver 580.159.04, CUDA 13.0)
 * every round passes when run plainly, and under `compute-sanitizer --tool memcheck` each of 8 runs
 * had a round fail (within its first three; others passed) with CUDA_ERROR_ILLEGAL_ADDRESS while
 * memcheck reported 0 errors, with graph.ptx and with nvcc's own PTX and cubin alike: what the
 * Rust test meets under memcheck comes from the tool and the driver, not from the bindings.
 *
 * Needs CUDA 13 headers (cuCtxCreate with its params argument, cuGraphAddNode with edge data) and a
 * driver of CUDA 12.5 or newer; on the GPU machine, from the project root:
 *
 *   nvcc -x c tests/gpu/conditional_memcheck.c -o conditional_memcheck -lcuda
 *   ./conditional_memcheck tests/fixtures/graph.ptx 4
 *   compute-sanitizer --tool memcheck --report-api-errors no ./conditional_memcheck tests/fixtures/graph.ptx 4
 */
#include <cuda.h>
#include <stdio.h>
#include <stdlib.h>

#define LIMIT 37
#define LOG_WORDS (LIMIT + 4)
#define SENTINEL 0xdeadbeefu

#define CHECK(call)                                                                      \
    do {                                                                                 \
        CUresult result_ = (call);                                                       \
        if (result_ != CUDA_SUCCESS) {                                                   \
            const char *name_ = "an unknown error";                                      \
            cuGetErrorName(result_, &name_);                                             \
            printf("round %d: %s failed: %s\n", round, #call, name_);                    \
            return 1;                                                                    \
        }                                                                                \
    } while (0)

static char *read_image(const char *path) {
    FILE *file = fopen(path, "rb");
    if (!file) return NULL;
    fseek(file, 0, SEEK_END);
    long size = ftell(file);
    rewind(file);
    char *image = calloc((size_t)size + 1, 1); /* NUL-terminated, as PTX must be */
    if (image && fread(image, 1, (size_t)size, file) != (size_t)size) {
        free(image);
        image = NULL;
    }
    fclose(file);
    return image;
}

int main(int argc, char **argv) {
    int round = 0;
    if (argc < 2) {
        printf("usage: %s MODULE.ptx|MODULE.cubin [ROUNDS]\n", argv[0]);
        return 2;
    }
    int rounds = argc > 2 ? atoi(argv[2]) : 3;
    char *image = read_image(argv[1]);
    if (!image) {
        printf("cannot read %s\n", argv[1]);
        return 2;
    }
    CHECK(cuInit(0));
    CUdevice device;
    CHECK(cuDeviceGet(&device, 0));
    for (round = 1; round <= rounds; round++) {
        CUcontext context;
        CHECK(cuCtxCreate(&context, NULL, 0, device));
        CUmodule module;
        CHECK(cuModuleLoadData(&module, image));
        CUfunction loop_body;
        CHECK(cuModuleGetFunction(&loop_body, module, "loop_body"));
        CUstream stream;
        CHECK(cuStreamCreate(&stream, CU_STREAM_NON_BLOCKING));
        CUdeviceptr count, log;
        CHECK(cuMemAlloc(&count, 4));
        CHECK(cuMemAlloc(&log, 4 * LOG_WORDS));
        CHECK(cuMemsetD32(count, SENTINEL, 1));
        CHECK(cuMemsetD32(log, SENTINEL, LOG_WORDS));
        CHECK(cuCtxSynchronize());

        CUgraph graph;
        CHECK(cuGraphCreate(&graph, 0));
        CUgraphConditionalHandle handle;
        CHECK(cuGraphConditionalHandleCreate(&handle, graph, context, 1, CU_GRAPH_COND_ASSIGN_DEFAULT));
        CUgraphNodeParams reset_count = {0}, reset_log = {0}, loop = {0}, body = {0};
        reset_count.type = reset_log.type = CU_GRAPH_NODE_TYPE_MEMSET;
        reset_count.memset = (CUDA_MEMSET_NODE_PARAMS_v2){
            .dst = count, .value = 0, .elementSize = 4, .width = 1, .height = 1, .ctx = context};
        reset_log.memset = (CUDA_MEMSET_NODE_PARAMS_v2){
            .dst = log, .value = SENTINEL, .elementSize = 4, .width = LOG_WORDS, .height = 1, .ctx = context};
        CUgraphNode resets[2], loop_node, body_node;
        CHECK(cuGraphAddNode(&resets[0], graph, NULL, NULL, 0, &reset_count));
        CHECK(cuGraphAddNode(&resets[1], graph, NULL, NULL, 0, &reset_log));
        loop.type = CU_GRAPH_NODE_TYPE_CONDITIONAL;
        loop.conditional = (CUDA_CONDITIONAL_NODE_PARAMS){
            .handle = handle, .type = CU_GRAPH_COND_TYPE_WHILE, .size = 1, .ctx = context};
        CHECK(cuGraphAddNode(&loop_node, graph, resets, NULL, 2, &loop));
        unsigned limit = LIMIT;
        void *params[] = {&handle, &count, &log, &limit};
        body.type = CU_GRAPH_NODE_TYPE_KERNEL;
        body.kernel = (CUDA_KERNEL_NODE_PARAMS_v3){.func = loop_body, .gridDimX = 1, .gridDimY = 1, .gridDimZ = 1,
                                                   .blockDimX = 1, .blockDimY = 1, .blockDimZ = 1, .kernelParams = params};
        CHECK(cuGraphAddNode(&body_node, loop.conditional.phGraph_out[0], NULL, NULL, 0, &body));

        CUgraphExec exec;
        CHECK(cuGraphInstantiateWithFlags(&exec, graph, 0));
        CHECK(cuGraphLaunch(exec, stream));
        CHECK(cuStreamSynchronize(stream));
        unsigned ran = SENTINEL;
        CHECK(cuMemcpyDtoH(&ran, count, 4));
        printf("round %d: the WHILE body ran %u times (expected %d)\n", round, ran, LIMIT);
        if (ran != LIMIT) return 1;

        CHECK(cuGraphExecDestroy(exec));
        CHECK(cuGraphDestroy(graph));
        CHECK(cuMemFree(count));
        CHECK(cuMemFree(log));
        CHECK(cuStreamDestroy(stream));
        CHECK(cuModuleUnload(module));
        CHECK(cuCtxDestroy(context));
    }
    free(image);
    return 0;
}
