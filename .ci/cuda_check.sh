#!/usr/bin/env bash
# CI: the `cuda` feature must compile, on a machine with no GPU and no system
# CUDA toolkit. nvcc and the headers that candle-kernels' build script needs
# come from the Python package index, pinned, into a venv outside the clone;
# the venv and the cargo target directory (candle's CUDA kernels are compiled
# by its build script, which takes minutes) are kept between runs in
# $GANSCOPE_CI_CACHE (default ~/.cache/ganscope-ci). Nothing is linked, so
# neither a driver (libcuda) nor cuBLAS/cuRAND/NVRTC is needed: cudarc ships
# its bindings pre-generated and the kernels include none of their headers.
set -euo pipefail
cd "$(dirname "$0")/.."

# The toolkit README.md's "Building with CUDA" gives, all five at one release
# (nvcc pulls crt and nvvm unpinned otherwise). cudarc 0.19 knows 13.2 by
# itself, so CUDARC_CUDA_VERSION stays unset.
CUDA_VERSION=13.2.86
CUDA_PACKAGES=(
    "nvidia-cuda-nvcc==$CUDA_VERSION"    # nvcc, cudafe++, ptxas, fatbinary
    "nvidia-cuda-crt==$CUDA_VERSION"     # nvcc's crt/ headers (host_config.h …)
    "nvidia-nvvm==$CUDA_VERSION"         # cicc, libdevice
    "nvidia-cuda-runtime==$CUDA_VERSION" # cuda_runtime.h, cuda.h, cuda_fp16.h …
    "nvidia-cuda-cccl==$CUDA_VERSION"    # nv/target, cub, thrust, cuda/std
)
# Any real compute capability will do (none is queried: there is no GPU); 90
# is the H100, and CUDA 13 builds nothing below 75.
export CUDA_COMPUTE_CAP=90
# candle-kernels' build script runs one nvcc per kernel file, on half the
# cores by default (one, here), and the 15 files of its static kernel library
# take half a minute or more each. Cargo starts that build script late, when
# little else is left to run beside it, so give it every core.
export CUDAFORGE_THREADS="${CUDAFORGE_THREADS:-$(nproc)}"
start=$SECONDS

cache="${GANSCOPE_CI_CACHE:-$HOME/.cache/ganscope-ci}"
venv="$cache/cuda-$CUDA_VERSION"
mkdir -p "$cache"

# Install once per machine and pinned list; a second CI run on the same
# machine only reads the stamp. flock: two checkouts may run CI at once.
(
    flock 9
    stamp="$venv/ganscope-packages.txt"
    if [ "$(cat "$stamp" 2>/dev/null)" != "${CUDA_PACKAGES[*]}" ]; then
        echo "   installing CUDA $CUDA_VERSION from the Python package index into $venv"
        rm -rf "$venv"
        python3 -m venv "$venv"
        PIP_NO_INPUT=1 "$venv/bin/pip" install --quiet --disable-pip-version-check \
            --only-binary=:all: "${CUDA_PACKAGES[@]}"
        printf '%s' "${CUDA_PACKAGES[*]}" >"$stamp"
    fi
) 9>"$cache/.cuda-install.lock"

# The CUDA 13 wheels share one toolkit-shaped folder: bin/nvcc, include/, lib/.
cuda_home="$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/nvidia/cu13"
export PATH="$cuda_home/bin:$PATH"
export CUDA_HOME="$cuda_home"
export CARGO_TARGET_DIR="$cache/target-cuda"
unset CUDARC_CUDA_VERSION NVCC NVCC_CCBIN
nvcc --version | tail -n 2

cargo clippy --all-targets --features cuda -- -D warnings
echo "   the cuda check took $((SECONDS - start)) s"
