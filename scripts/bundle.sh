#!/usr/bin/env bash
# `make bundle`: a relocatable tarball that runs on an x86-64 Linux machine with no Swift and no
# root (how HPC clusters deploy where Docker is not allowed):
#
#   hpclab-<version>-linux-<arch>/
#     bin/hpclab            launcher: sets the library path, the corpus and the pages, then execs
#     libexec/hpclab        the binary, Swift standard library and Foundation linked statically
#     lib/                  the shared libraries it needs beyond glibc (OpenBLAS, LAPACKE, SQLite,
#                           the OpenCL ICD loader, gfortran, …), copied from this machine
#     share/hpclab/corpus   the handbook's Markdown
#     share/hpclab/public   the pages and assets
#     scripts/gpu-report.sh the fixed report over every device (see README)
#
# glibc itself is not bundled: the target needs a glibc at least as new as this machine's
# (printed at the end). OpenCL drivers (ICDs) are the target's own: the bundled loader reads
# /etc/OpenCL/vendors or OCL_ICD_VENDORS. Output: dist/hpclab-<version>-linux-<arch>.tar.gz.
set -euo pipefail
cd "$(dirname "$0")/.."
SWIFT="${SWIFT:-swift}"
arch="$(uname -m)"
version="$(git describe --always --dirty 2>/dev/null || echo dev)"
name="hpclab-$version-linux-$arch"
scratch=.build-bundle
out="dist/$name"

"$SWIFT" build -c release --product hpclab --static-swift-stdlib --scratch-path "$scratch"
binary="$scratch/release/hpclab"

rm -rf "$out" "dist/$name.tar.gz"
mkdir -p "$out/bin" "$out/libexec" "$out/lib" "$out/share/hpclab" "$out/scripts"
cp "$binary" "$out/libexec/hpclab"
strip --strip-debug "$out/libexec/hpclab" 2>/dev/null || true

# Every shared library the binary loads, except glibc's own (libc, libm, libdl, libpthread,
# librt, the dynamic loader), which must come from the target.
ldd "$binary" | awk '/=> \// { print $3 }' | while read -r library; do
  case "$(basename "$library")" in
    libc.so.*|libm.so.*|libdl.so.*|libpthread.so.*|librt.so.*|ld-linux*|libresolv.so.*|libutil.so.*) continue ;;
  esac
  cp -L "$library" "$out/lib/"
done
if ldd "$binary" | grep -q 'libswift\|libFoundation'; then
  echo "bundle: the binary still loads Swift's runtime dynamically" >&2
  exit 1
fi

cp -R Sources/Content/Corpus "$out/share/hpclab/corpus"
cp -R public "$out/share/hpclab/public"
cp scripts/gpu-report.sh "$out/scripts/"

cat > "$out/bin/hpclab" <<'LAUNCHER'
#!/bin/sh
# hpclab launcher: the bundle's libraries first, its corpus and pages unless overridden.
here="$(cd "$(dirname "$0")/.." && pwd)"
LD_LIBRARY_PATH="$here/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
HPCLAB_CONTENT_DIR="${HPCLAB_CONTENT_DIR:-$here/share/hpclab/corpus}"
HPCLAB_PUBLIC_DIR="${HPCLAB_PUBLIC_DIR:-$here/share/hpclab/public}"
export LD_LIBRARY_PATH HPCLAB_CONTENT_DIR HPCLAB_PUBLIC_DIR
exec "$here/libexec/hpclab" "$@"
LAUNCHER
chmod +x "$out/bin/hpclab" "$out/scripts/gpu-report.sh"

cat > "$out/README.txt" <<README
hpclab $version, a portable bundle for $arch Linux (glibc $(ldd --version | head -1 | awk '{ print $NF }') or newer).

  bin/hpclab serve --port 8080 --data-dir ./data     # the server; http://127.0.0.1:8080
  scripts/gpu-report.sh                              # one table over every device (PyTorch adds cuBLAS)

No Swift and no root needed. OpenCL devices come from the machine's own drivers (ICD files in
/etc/OpenCL/vendors, or a folder named by OCL_ICD_VENDORS). See the project's README for every
flag and variable.
README

# The bundle alone: every library resolves from lib/ or glibc, and the binary starts with an
# empty environment.
if LD_LIBRARY_PATH="$out/lib" ldd "$out/libexec/hpclab" | grep -q 'not found'; then
  echo "bundle: unresolved libraries:" >&2
  LD_LIBRARY_PATH="$out/lib" ldd "$out/libexec/hpclab" | grep 'not found' >&2
  exit 1
fi
env -i PATH=/usr/bin:/bin "$out/bin/hpclab" --help >/dev/null

tar -C dist -czf "dist/$name.tar.gz" "$name"
echo "bundle: dist/$name.tar.gz ($(du -h "dist/$name.tar.gz" | cut -f1)); libraries: $(ls "$out/lib" | tr '\n' ' ')"
echo "needs glibc $(ldd --version | head -1 | awk '{ print $NF }') or newer on the target"
