#!/usr/bin/env bash
# CI's web step: build the page with web/build.sh, then train in it in
# headless Chromium (.ci/web_test.py). Installs what it needs, once; keeps
# the wasm32 build (its standard library included) and wasm-bindgen's CLI in
# a cache outside the clone, so that a second run rebuilds only ganscope.
set -euo pipefail
cd "$(dirname "$0")/.."
t0=$SECONDS
cache=${GANSCOPE_CI_CACHE:-$HOME/.cache/ganscope-ci}
mkdir -p "$cache"

# Debian's wasm32-capable Rust, unless a rustup wasm32 target is there; and
# the browser.
need=()
if ! (command -v rustup >/dev/null 2>&1 && rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown); then
    for p in rustc-web cargo-web rust-web-src lld; do
        dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
    done
fi
command -v chromium >/dev/null 2>&1 || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
    echo "== installing ${need[*]} for the web page"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

CARGO_TARGET_DIR="$cache/web-target" WASM_BINDGEN_ROOT="$cache/wasm-bindgen" nice web/build.sh
echo "== web page built in $((SECONDS - t0)) s"
timeout 600 python3 .ci/web_test.py web/dist
echo "== web step: $((SECONDS - t0)) s in all"
