#!/usr/bin/env bash
# The main job: set up and build everything, then train the quickstart FashionResNet on the
# shipped Fashion-MNIST subset and print the summary table (about 90 seconds on 2 cores).
# ./run.sh --full trains on the full set from Debian's dataset-fashion-mnist instead.
set -euo pipefail
cd "$(dirname "$0")"
bash setup.sh
dotnet run --project samples/Quickstart -c Release --no-build -- "$@"
