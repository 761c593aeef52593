#!/usr/bin/env bash
# One-time machine setup, then a build. Safe to run again.
# --mpi also installs Open MPI (Debian's openmpi-bin), for data-parallel training and its tests.
#
# TorchSharp 0.107's native library needs libstdc++ from GCC 13+ (symbol version
# GLIBCXX_3.4.32). Debian 12 ships GCC 12's. On Debian, as root, this script adds the
# Debian 13 suite, derived from the machine's own apt sources and pinned low so nothing
# else is upgraded, and installs libstdc++6 from it. Elsewhere it stops and says what to do.
set -euo pipefail
cd "$(dirname "$0")"

need=GLIBCXX_3.4.32

libstdcxx_path() {
  ldconfig -p 2>/dev/null | awk '/libstdc\+\+\.so\.6 .*x86-64|libstdc\+\+\.so\.6 .*AArch64/ {print $NF; exit}'
}

has_symbol_version() {
  local lib
  lib=$(libstdcxx_path)
  [ -n "$lib" ] && grep -qa "$need" "$lib"
}

install_from_trixie() {
  local src=/etc/apt/sources.list.d/debian.sources
  local dst=/etc/apt/sources.list.d/cmodel-trixie.sources
  # Keep the stanzas of the main archive (the suite named plain "bookworm"), renamed to trixie.
  awk -v RS= -v ORS='\n\n' '/Suites:[^\n]*bookworm( |\n|$)/ && !/-security/' "$src" \
    | sed -E 's/^Suites:.*/Suites: trixie/' > "$dst"
  if ! grep -q '^URIs:' "$dst"; then
    rm -f "$dst"
    echo "setup: could not derive a Debian 13 source from $src" >&2
    exit 1
  fi
  printf 'Package: *\nPin: release n=trixie\nPin-Priority: 100\n' > /etc/apt/preferences.d/cmodel-trixie
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -t trixie libstdc++6 >/dev/null
}

if has_symbol_version; then
  echo "setup: libstdc++ has $need"
elif [ "$(id -u)" = 0 ] && [ -f /etc/debian_version ] && [ -f /etc/apt/sources.list.d/debian.sources ]; then
  echo "setup: libstdc++ lacks $need; installing libstdc++6 from Debian 13 (pinned at priority 100)"
  install_from_trixie
  has_symbol_version || { echo "setup: libstdc++6 from Debian 13 still lacks $need" >&2; exit 1; }
else
  cat >&2 <<MSG
setup: TorchSharp needs libstdc++ with $need (GCC 13 or newer), and this machine's lacks it.
  Debian 12: as root, add the Debian 13 suite to apt pinned at priority 100 and run
             'apt-get install -t trixie libstdc++6', or run this script as root.
  Ubuntu 22.04: 'add-apt-repository ppa:ubuntu-toolchain-r/test && apt-get install libstdc++6'.
  Elsewhere: install GCC 13+'s runtime library.
MSG
  exit 1
fi

# ONNX's own checker, which the tests run on every exported file: Debian's python3-onnx.
if /usr/bin/python3 -c "import onnx" 2>/dev/null; then
  echo "setup: python3 has onnx $(/usr/bin/python3 -c 'import onnx; print(onnx.__version__)')"
elif [ "$(id -u)" = 0 ] && [ -f /etc/debian_version ]; then
  echo "setup: installing Debian's python3-onnx (ONNX's checker, used by the tests)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-onnx >/dev/null
  /usr/bin/python3 -c "import onnx" || { echo "setup: python3-onnx did not install" >&2; exit 1; }
else
  echo "setup: the ONNX tests check exported files with ONNX's checker: install Debian's python3-onnx (or 'pip install onnx' for /usr/bin/python3)" >&2
  exit 1
fi

# Open MPI, when asked: data-parallel training (docs/distributed.md) and its tests launch ranks with mpirun.
if [ "${1:-}" = "--mpi" ]; then
  if command -v mpirun >/dev/null && ldconfig -p 2>/dev/null | grep -q 'libmpi\.so\.40 '; then
    echo "setup: $(mpirun --version 2>/dev/null | head -1)"
  elif [ "$(id -u)" = 0 ] && [ -f /etc/debian_version ]; then
    echo "setup: installing Open MPI (Debian's openmpi-bin)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openmpi-bin >/dev/null
    command -v mpirun >/dev/null || { echo "setup: openmpi-bin did not install" >&2; exit 1; }
  else
    echo "setup: data-parallel training needs Open MPI 4 (libmpi.so.40 and mpirun): install Debian's or Ubuntu's openmpi-bin, or your cluster's Open MPI module" >&2
    exit 1
  fi
fi

dotnet build Dsl.sln -c Release -nologo -v:q -warnaserror
