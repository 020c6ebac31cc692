#!/usr/bin/env bash
# Fetches the pinned llama.cpp build (packages.properties) and lays it out for the native build:
#
#   fetch-llama.sh VARIANT CACHE_DIR OUT_DIR
#
#   VARIANT    cpu or cuda: which prebuilt libraries to take
#   CACHE_DIR  where downloads and unpacked files are kept between builds (outside target/),
#              so a rebuild, or a `mvn clean`, fetches nothing
#   OUT_DIR    receives lib/ (the shared libraries the jar carries), include/ (llama.h and the
#              ggml headers the shim compiles against) and LICENSE (llama.cpp's)
#
# Every package is fetched with `npm pack NAME@VERSION` and checked against both digests
# before anything in it is used; a mismatch is an error that names the package. Nothing of
# llama.cpp is ever committed to git: this script is how it reaches the build.
set -euo pipefail

variant=${1:?usage: fetch-llama.sh cpu|cuda CACHE_DIR OUT_DIR}
cache=${2:?usage: fetch-llama.sh cpu|cuda CACHE_DIR OUT_DIR}
out=${3:?usage: fetch-llama.sh cpu|cuda CACHE_DIR OUT_DIR}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
pins="$here/packages.properties"

fail() {
    echo "arbor: cannot prepare llama.cpp: $*" >&2
    exit 1
}

pin() {
    local value
    value=$(sed -n "s/^$1=//p" "$pins")
    [[ -n "$value" ]] || fail "$pins has no '$1'"
    printf '%s' "$value"
}

case "$variant" in
    cpu|cuda) ;;
    *) fail "unknown variant '$variant' (cpu or cuda)" ;;
esac

# The tarball name npm pack writes for a package: @scope/name@1.2.3 -> scope-name-1.2.3.tgz.
tarball_name() {
    local spec=$1 name version
    name=${spec%@*}
    version=${spec##*@}
    name=${name#@}
    printf '%s-%s.tgz' "${name//\//-}" "$version"
}

# Prints the path of a verified tarball of package $1 (pin prefix), downloading it if needed.
verified_tarball() {
    local key=$1 spec sha1 integrity file actual_sha1 actual_integrity
    spec=$(pin "$key.package")
    sha1=$(pin "$key.sha1")
    integrity=$(pin "$key.integrity")
    mkdir -p "$cache/npm"
    file="$cache/npm/$(tarball_name "$spec")"
    if [[ ! -f "$file" ]]; then
        command -v npm >/dev/null 2>&1 \
            || fail "npm is not installed, and the build needs it once to fetch $spec (install Node.js and npm, e.g. 'apt-get install npm'; .ci/run does this)"
        echo "arbor: fetching $spec with npm pack (once; cached in $cache)" >&2
        local staging
        staging=$(mktemp -d "$cache/npm/.fetch-XXXXXX")
        if ! (cd "$staging" && npm pack --silent "$spec" >/dev/null); then
            rm -rf "$staging"
            fail "'npm pack $spec' failed (is the npm registry reachable?)"
        fi
        mv "$staging/$(tarball_name "$spec")" "$file.partial"
        rm -rf "$staging"
        mv "$file.partial" "$file"
    fi
    actual_sha1=$(sha1sum "$file" | cut -d' ' -f1)
    actual_integrity="sha512-$(openssl dgst -sha512 -binary "$file" | base64 -w0)"
    if [[ "$actual_sha1" != "$sha1" || "$actual_integrity" != "$integrity" ]]; then
        rm -f "$file"
        fail "checksum mismatch for $spec: expected sha1 $sha1, got $actual_sha1 (the download was removed; check packages.properties or the registry)"
    fi
    printf '%s' "$file"
}

# Unpacks the shared libraries of a variant into the cache once.
unpack_libraries() {
    local spec dir tgz staging
    spec=$(pin "$variant.package")
    dir="$cache/${spec##*/}"
    if [[ ! -f "$dir/.complete" ]]; then
        tgz=$(verified_tarball "$variant")
        staging=$(mktemp -d "$cache/.unpack-XXXXXX")
        tar -xzf "$tgz" -C "$staging"
        rm -rf "$dir"
        mkdir -p "$dir/lib"
        # llama.cpp's own libraries only: node-llama-cpp's addon and common library stay out.
        find "$staging/package/bins" -maxdepth 2 -type f \
            \( -name 'libllama.*so' -o -name 'libggml*.so' \) -exec cp -p {} "$dir/lib/" \;
        rm -rf "$staging"
        ls "$dir"/lib/libllama.*so >/dev/null 2>&1 || fail "$spec holds no libllama"
        touch "$dir/.complete"
    fi
    printf '%s' "$dir"
}

# Takes the headers and the LICENSE out of the source bundle once.
unpack_headers() {
    local spec dir tgz staging
    spec=$(pin source.package)
    dir="$cache/${spec##*/}-source"
    if [[ ! -f "$dir/.complete" ]]; then
        command -v git >/dev/null 2>&1 \
            || fail "git is not installed, and the build needs it once to read the llama.cpp source bundle in $spec ('apt-get install git')"
        tgz=$(verified_tarball source)
        staging=$(mktemp -d "$cache/.unpack-XXXXXX")
        tar -xzf "$tgz" -C "$staging" package/llama/gitRelease.bundle
        git -c advice.detachedHead=false clone --quiet "$staging/package/llama/gitRelease.bundle" "$staging/src"
        rm -rf "$dir"
        mkdir -p "$dir/include"
        cp -p "$staging/src/include/llama.h" "$staging"/src/ggml/include/*.h "$dir/include/"
        cp -p "$staging/src/LICENSE" "$dir/LICENSE"
        rm -rf "$staging"
        touch "$dir/.complete"
    fi
    printf '%s' "$dir"
}

libraries=$(unpack_libraries)
headers=$(unpack_headers)

# Mirror into OUT_DIR, replacing whatever another variant left there.
rm -rf "$out/lib" "$out/include"
mkdir -p "$out/lib" "$out/include"
cp -p "$libraries"/lib/* "$out/lib/"
cp -p "$headers"/include/* "$out/include/"
cp -p "$headers/LICENSE" "$out/LICENSE"
echo "$variant" > "$out/variant"
