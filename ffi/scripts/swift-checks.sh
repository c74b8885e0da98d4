#!/usr/bin/env bash
# What this Linux machine can check of the Swift side (no Swift compiler here): the generated
# Swift and the README's example parse (tree-sitter-swift, after a self-test that broken Swift
# fails), the example's calls match the generated declarations, the generated C
# header is valid C, and every function it declares links against the static library Xcode would
# link (libenv0_ffi.a). Not checked: Swift type-checking and the iOS link (need macOS + Xcode).
# Called by scripts/test.sh after python-tests.sh, which builds the library and the bindgen.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
target="${CARGO_TARGET_DIR:-target}"
out="$target/env0-ffi-bindings/swift"
rm -rf "$out" && mkdir -p "$out"
"$target/debug/uniffi-bindgen" generate --no-format --library "$target/debug/libenv0_ffi.so" \
    --language swift --out-dir "$out"
venv="${ENV0_VENV:-$HOME/.cache/env0/venv-ffi}"
if ! "$venv/bin/python" -c "import tree_sitter_swift" 2>/dev/null; then
    [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "tree-sitter==0.26.1" "tree-sitter-swift==0.7.4"
fi
"$venv/bin/python" ffi/scripts/swift_syntax.py "$out/env0_ffi.swift" ffi/examples/swift/Example.swift
# The README's Swift example: calls match the generated declarations (names and labels), and
# the README shows the checked file.
python3 ffi/scripts/swift_api_check.py "$out/env0_ffi.swift" ffi/examples/swift/Example.swift
python3 ffi/scripts/readme_has.py ffi/README.md ffi/examples/swift/Example.swift

header="$out/env0_ffiFFI.h"
echo '#include "env0_ffiFFI.h"' | gcc -D_Nullable= -D_Nonnull= -fsyntax-only -x c -I "$out" -
symbols=$(grep -oE '\b(uniffi|ffi)_[a-z0-9_]+\(' "$header" | tr -d '(' | sort -u)
count=$(echo "$symbols" | wc -l)
{
    echo "#include \"env0_ffiFFI.h\""
    echo "void *env0_symbols[] = {"
    for s in $symbols; do echo "    (void *)&$s,"; done
    echo "};"
    echo "int main(void) { return env0_symbols[0] == 0; }"
} > "$out/symcheck.c"
gcc -D_Nullable= -D_Nonnull= -I "$out" "$out/symcheck.c" -o "$out/symcheck" \
    "$target/debug/libenv0_ffi.a" -lm -lpthread -ldl
"$out/symcheck"
echo "swift header: valid C; all $count functions it declares link against libenv0_ffi.a"
