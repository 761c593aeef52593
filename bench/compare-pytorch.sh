#!/usr/bin/env bash
# The same FashionResNet training step in PyTorch (Debian's python3-torch) and as the
# generated TorchSharp module, one after the other on the same machine: images per second.
# Each runs with glibc's default malloc and with freed memory kept in the heap (the MALLOC_
# variables for Python; Allocator.KeepFreedMemory, which the Trainer calls, for .NET).
set -euo pipefail
cd "$(dirname "$0")/.."
threads=${1:-$(nproc)}
dotnet build bench/Dsl.Benchmarks -c Release -nologo -v:q >/dev/null
/usr/bin/python3 bench/pytorch_fashion_resnet.py "$threads"
MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=2147483647 /usr/bin/python3 bench/pytorch_fashion_resnet.py "$threads" | sed 's/threads:/threads, freed memory kept:/'
dotnet bench/Dsl.Benchmarks/bin/Release/net10.0/Dsl.Benchmarks.dll throughput "$threads" --glibc-defaults
dotnet bench/Dsl.Benchmarks/bin/Release/net10.0/Dsl.Benchmarks.dll throughput "$threads"
