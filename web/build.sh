#!/usr/bin/env bash
# Build the web page into web/dist/: index.html, ganscope.js (wasm-bindgen's
# glue) and ganscope_bg.wasm. Serve that folder with any static server, e.g.
#   python3 -m http.server -d web/dist 8080
#
# The toolchain, whichever is there:
#   - a rustup toolchain with the wasm32-unknown-unknown target: plain build;
#   - else Debian's rustc-web, cargo-web, rust-web-src and lld (Rust 1.96),
#     which build the wasm32 standard library from source (-Zbuild-std).
# wasm-bindgen's CLI must be the version of the wasm-bindgen crate in
# Cargo.lock: a `wasm-bindgen` on PATH of that version is used, else it is
# installed once with `cargo install` under $WASM_BINDGEN_ROOT.
#
# Environment: CARGO_TARGET_DIR (default target/web), WASM_BINDGEN_ROOT
# (default $CARGO_TARGET_DIR/wasm-bindgen), RUSTFLAGS (added to).
set -euo pipefail
cd "$(dirname "$0")/.."
out=web/dist
target_dir=${CARGO_TARGET_DIR:-target/web}
case $target_dir in /*) ;; *) target_dir=$PWD/$target_dir ;; esac

triple=wasm32-unknown-unknown
if command -v rustup >/dev/null 2>&1 && rustup target list --installed 2>/dev/null | grep -qx $triple; then
    cargo=(cargo)
    echo "web/build.sh: rustup's $triple target"
elif [ -x /usr/bin/cargo ] && [ -x /usr/bin/rustc ] && [ -d /usr/lib/rustlib/src/rust/library ] && command -v wasm-ld >/dev/null; then
    # Debian's Rust (rustup's proxies come first on PATH: name it).
    export RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc RUSTC_BOOTSTRAP=1
    export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=wasm-ld
    cargo=(/usr/bin/cargo -Zbuild-std=std,panic_abort)
    echo "web/build.sh: Debian's rustc-web, building the $triple standard library"
else
    echo "web/build.sh: no Rust for $triple. Either 'rustup target add $triple', or" >&2
    echo "  apt-get install rustc-web cargo-web rust-web-src lld" >&2
    exit 1
fi

# Release, optimised for speed; wasm has no use for debug info here. simd128
# lets the compiler vectorise the products (every current browser has it).
export CARGO_PROFILE_RELEASE_DEBUG=0 CARGO_PROFILE_RELEASE_OPT_LEVEL=3
export RUSTFLAGS="${RUSTFLAGS:-} -C target-feature=+simd128"
"${cargo[@]}" rustc --lib --release --locked --target $triple \
    --no-default-features --features gui --crate-type cdylib --target-dir "$target_dir"

version=$(grep -A1 '^name = "wasm-bindgen"$' Cargo.lock | sed -n 's/^version = "\(.*\)"$/\1/p')
bindgen=wasm-bindgen
if ! command -v wasm-bindgen >/dev/null 2>&1 || [ "$(wasm-bindgen --version | cut -d' ' -f2)" != "$version" ]; then
    root=${WASM_BINDGEN_ROOT:-$target_dir/wasm-bindgen}
    bindgen=$root/bin/wasm-bindgen
    if [ ! -x "$bindgen" ] || [ "$("$bindgen" --version | cut -d' ' -f2)" != "$version" ]; then
        echo "web/build.sh: installing wasm-bindgen-cli $version into $root"
        # Not --locked: one of its locked dependencies is yanked.
        env -u RUSTC -u RUSTDOC -u RUSTC_BOOTSTRAP -u RUSTFLAGS \
            cargo install wasm-bindgen-cli --version "$version" --root "$root" --quiet
    fi
fi

rm -rf "$out"
mkdir -p "$out"
"$bindgen" --target web --no-typescript --out-dir "$out" --out-name ganscope \
    "$target_dir/$triple/release/ganscope.wasm"
cp web/index.html "$out/"
ls -l "$out"
