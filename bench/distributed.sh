#!/usr/bin/env bash
# Data-parallel speed on this machine: each model trained alone and as 2 MPI ranks (rank 0
# reports images/s and all-reduce time per step), then MPI all-reduce over growing buffers.
# Usage: bash bench/distributed.sh [ranks]   (after bash setup.sh --mpi)
set -euo pipefail
cd "$(dirname "$0")/.."
ranks=${1:-2}
dotnet build bench/Dsl.Benchmarks -c Release -nologo -v:q >/dev/null
dll=bench/Dsl.Benchmarks/bin/Release/net10.0/Dsl.Benchmarks.dll
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_btl_vader_single_copy_mechanism=none
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
for model in SmallCnn FashionResNet SmallViT; do
  dotnet "$dll" dataparallel "$model" 128 2560
  mpirun -n "$ranks" --oversubscribe dotnet "$dll" dataparallel "$model" 128 2560
done
dotnet "$dll" dataparallel FashionResNet 128 2560 --sync-bn
mpirun -n "$ranks" --oversubscribe dotnet "$dll" dataparallel FashionResNet 128 2560 --sync-bn
mpirun -n "$ranks" --oversubscribe dotnet "$dll" allreduce 64
