#!/usr/bin/env bash
# The main job: set up and build everything (the samples included), run the quickstart
# model once, and print its per-layer cost table.
set -euo pipefail
cd "$(dirname "$0")"
bash setup.sh
dotnet run --project samples/Quickstart -c Release --no-build
dotnet src/Dsl.Cli/bin/Release/net10.0/cmodel.dll cost samples/Quickstart/FashionResNet.cmodel
