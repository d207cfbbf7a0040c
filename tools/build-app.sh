#!/usr/bin/env bash
# Builds one app (the Nx `build` target of apps/<app>) without ever exposing a half-written dist/apps/<app>:
# tsc and tsc-alias write into a private folder dist/.tmp/<app>-<pid>, which replaces dist/apps/<app> in one
# step when it is complete. A service or CLI running from the old output, or a concurrent build of the same
# app, never sees files disappear or a folder that is half there; an interrupted build leaves only its own
# temporary folder, and Nx (which caches dist/apps/<app> only after this script succeeded) never stores one.
#   tools/build-app.sh <app>          (BUILD_APP_DIST=<dir>: build into <dir>/apps/<app> instead of dist/)
# Self-contained (no tools/lib.sh): the image build runs it from a context that holds only this file of tools/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
die() { printf '[build-app] error: %s\n' "$*" >&2; exit 1; }

app="${1:?usage: tools/build-app.sh <app>}"
[ -f "apps/$app/tsconfig.app.json" ] || die "apps/$app/tsconfig.app.json not found"
dist="${BUILD_APP_DIST:-dist}"
target="$dist/apps/$app"
staging="$dist/.tmp/$app-$$"
mkdir -p "$dist/.tmp" "$dist/apps"
trap 'rm -rf "$staging" "$staging.web" "$staging.old"' EXIT

npx tsc -p "apps/$app/tsconfig.app.json" --outDir "$staging"
npx tsc-alias -p "apps/$app/tsconfig.app.json" --outDir "$staging"

# The console serves its browser modules from web/ next to its compiled src/.
if [ "$app" = console ]; then
  npx tsc -p apps/console/web/tsconfig.json --outDir "$staging.web"
  mkdir -p "$staging/apps/console/web"
  cp "$staging.web"/apps/console/web/*.mjs apps/console/web/index.html apps/console/web/*.css \
    apps/console/web/*.svg "$staging/apps/console/web/"
fi

[ -f "$staging/apps/$app/src/main.js" ] || die "build of $app produced no apps/$app/src/main.js"

# Exchanges two folders in one rename (Linux renameat2 RENAME_EXCHANGE): no instant without either.
exchange() {
  command -v python3 >/dev/null && python3 -c '
import ctypes, sys
libc = ctypes.CDLL(None, use_errno=True)
AT_FDCWD, RENAME_EXCHANGE = -100, 2
sys.exit(0 if libc.renameat2(AT_FDCWD, sys.argv[1].encode(), AT_FDCWD, sys.argv[2].encode(), RENAME_EXCHANGE) == 0 else 1)
' "$1" "$2" 2>/dev/null
}

if [ ! -e "$target" ] && mv -T "$staging" "$target" 2>/dev/null; then
  exit 0
elif exchange "$staging" "$target"; then
  exit 0 # the previous output is now in $staging, removed on exit
else
  # Without renameat2: two renames, so the path is missing for an instant but never half-written.
  mv -T "$target" "$staging.old"
  mv -T "$staging" "$target"
fi
