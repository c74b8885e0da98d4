#!/usr/bin/env bash
# What this Linux machine can check of the apps in ios/ and android/ without Xcode or the Android
# SDK (both need them to compile; see ios/README.md and android/README.md):
#   1. the generated bindings committed in ios/ and android/ are what the current env0-ffi generates;
#   2. every Swift file (ios/, ffi/) parses with tree-sitter-swift and every Kotlin file (.kt, .kts
#      in android/, ffi/) with tree-sitter-kotlin, after each gate's self-test, and a copy of a real
#      app file with one brace removed fails its gate (so the gate is not vacuous on real files);
#   3. the Android XML resources and the XcodeGen spec are well-formed.
# The generated Kotlin is not given to tree-sitter-kotlin (whose grammar misreads parts of it):
# kotlinc compiles it in android/scripts/jvm-tests.sh, which is a stronger check.
# Needs the debug host library and bindgen (cargo build -p env0-ffi -p uniffi-bindgen).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
venv="${ENV0_VENV:-$HOME/.cache/env0/venv-ffi}"
if ! "$venv/bin/python" -c "import tree_sitter_swift, tree_sitter_kotlin, yaml" 2>/dev/null; then
    [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "tree-sitter==0.26.1" "tree-sitter-swift==0.7.4" \
        "tree-sitter-kotlin==1.1.0" "PyYAML==6.0.3"
fi
py="$venv/bin/python"

echo "-- generated bindings"
bash ffi/scripts/update-bindings.sh --check

echo "-- Swift sources"
mapfile -t swift < <(find ios ffi -name '*.swift' -not -path '*/.build/*' | sort)
"$py" ffi/scripts/swift_syntax.py "${swift[@]}"

echo "-- Kotlin sources"
mapfile -t kotlin < <(find android ffi \( -name '*.kt' -o -name '*.kts' \) -not -path '*/build/*' \
    -not -path 'android/env0/src/main/kotlin/uniffi/*' | sort)
"$py" ffi/scripts/kotlin_syntax.py "${kotlin[@]}"

echo "-- the gates reject a broken copy of a real app file"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
broken() { # FILE OUT: FILE without its last closing brace
    "$py" - "$1" "$2" <<'PY'
import sys
text = open(sys.argv[1]).read()
at = text.rstrip().rfind("}")
assert at >= 0, "no brace to remove"
open(sys.argv[2], "w").write(text[:at] + text[at + 1:])
PY
}
swift_app=$(find ios/Env0Mobile -name '*.swift' | sort | head -1)
kotlin_app=$(find android/app -name '*.kt' | sort | head -1)
broken "$swift_app" "$tmp/Broken.swift"
broken "$kotlin_app" "$tmp/Broken.kt"
if "$py" ffi/scripts/swift_syntax.py "$tmp/Broken.swift" >/dev/null; then
    echo "the Swift gate passed a broken copy of $swift_app" >&2; exit 1
fi
if "$py" ffi/scripts/kotlin_syntax.py "$tmp/Broken.kt" >/dev/null; then
    echo "the Kotlin gate passed a broken copy of $kotlin_app" >&2; exit 1
fi
echo "broken copies of $swift_app and $kotlin_app are rejected"

echo "-- Android XML and the XcodeGen spec"
mapfile -t xml < <(find android -name '*.xml' -not -path '*/build/*' | sort)
"$py" - "${xml[@]}" <<'PY'
import sys, xml.dom.minidom
for path in sys.argv[1:]:
    xml.dom.minidom.parse(path)
print(f"{len(sys.argv) - 1} XML files are well-formed")
PY
"$py" -c 'import sys, yaml; spec = yaml.safe_load(open(sys.argv[1])); assert spec["targets"], "no targets"; print(sys.argv[1], "is valid YAML with targets", sorted(spec["targets"]))' ios/Env0Mobile/project.yml
