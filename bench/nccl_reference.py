# Reference: the same all-reduce (sum) of 16777216 float32 (64 MiB) per rank, one process per GPU,
# through PyTorch's NCCL; 5 warm-up, 20 timed (CUDA events), bus bandwidth as nccl-tests defines it.
import os, torch, torch.distributed as dist, torch.multiprocessing as mp
COUNT, WARM, REPS = 16777216, 5, 20
def run(rank, world):
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT="29512", NCCL_NVLS_ENABLE="0")
    torch.cuda.set_device(rank)
    dist.init_process_group("nccl", rank=rank, world_size=world)
    x = torch.full((COUNT,), float(rank + 1), device="cuda")
    for _ in range(WARM): dist.all_reduce(x)
    torch.cuda.synchronize(); dist.barrier()
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    for _ in range(REPS): dist.all_reduce(x)
    end.record(); torch.cuda.synchronize()
    us = start.elapsed_time(end) * 1000 / REPS
    algbw = COUNT * 4 / (us * 1e-6) / 1e9
    if rank == 0:
        print(f"torch {torch.__version__} NCCL {'.'.join(map(str, torch.cuda.nccl.version()))}, {world} ranks: all-reduce of {COUNT} floats (64 MiB) per rank, {REPS} timed: {us:.1f} us each, algbw {algbw:.2f} GB/s, busbw {algbw * 2 * (world - 1) / world:.2f} GB/s")
    dist.destroy_process_group()
if __name__ == "__main__":
    mp.spawn(run, args=(torch.cuda.device_count(),), nprocs=torch.cuda.device_count())
