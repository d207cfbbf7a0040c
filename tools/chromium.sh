#!/usr/bin/env bash
# Headless Chromium for the browser tests (the console's e2e suite drives it with playwright-core, which
# downloads no browser of its own here): Debian's `chromium` package, installed with apt-get if missing.
#   bash tools/chromium.sh   → prints the path of the Chromium executable
# Env: CHROMIUM_PATH — use this executable instead (nothing is installed).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [ -n "${CHROMIUM_PATH:-}" ]; then
  [ -x "$CHROMIUM_PATH" ] || die "CHROMIUM_PATH=$CHROMIUM_PATH is not an executable"
  echo "$CHROMIUM_PATH"
  exit 0
fi

find_chromium() {
  local candidate
  for candidate in chromium chromium-browser; do
    command -v "$candidate" && return 0
  done
  return 1
}

if ! find_chromium >/dev/null; then
  log "installing chromium with apt-get"
  apt_install chromium
fi
find_chromium || die "chromium is not installed and apt-get could not install it"
