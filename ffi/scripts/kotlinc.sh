# Sourced by the scripts that compile Kotlin (ffi/scripts/kotlin-tests.sh,
# android/scripts/jvm-tests.sh): fetches kotlinc from npm `kotlin-compiler` (pinned,
# sha256-checked) into ~/.cache/env0/kotlin once, installs Debian packages the JVM runs need,
# and sets:
#   kc          the kotlinc binary
#   kotlin_lib  its lib/ (kotlin-stdlib.jar, kotlinx-coroutines-core-jvm.jar, ...)
kotlin_version=2.4.20
kotlin_sha256=c23dab400d7ce5ea8b6c909947c0ca5454189e4bb1108695b5f464500e5e950f
kotlin_cache="$HOME/.cache/env0/kotlin"
kc="$kotlin_cache/package/bin/kotlinc"
kotlin_lib="$kotlin_cache/package/lib"
if [ ! -x "$kc" ]; then
    mkdir -p "$kotlin_cache"
    (cd "$kotlin_cache" && npm pack --silent "kotlin-compiler@$kotlin_version" >/dev/null)
    echo "$kotlin_sha256  $kotlin_cache/kotlin-compiler-$kotlin_version.tgz" | sha256sum -c --quiet
    tar xzf "$kotlin_cache/kotlin-compiler-$kotlin_version.tgz" -C "$kotlin_cache"
fi

# need PACKAGE...: installs the Debian packages that are missing (as root, like the other scripts).
need_debian() {
    local missing=()
    for p in "$@"; do
        dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
    done
    if [ "${#missing[@]}" -gt 0 ]; then
        apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
}
