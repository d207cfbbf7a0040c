#!/usr/bin/env bash
# Python command-line tools the checks need (schemathesis, kubernetes-validate), each in its own virtualenv
# under the cache directory, installed from PyPI at the versions pinned in a requirements file of the repo.
#   bash tools/python-tools.sh <requirements-file>   → prints the virtualenv's bin directory
# The virtualenv is named after the requirements file's content, so a changed pin gets a fresh one.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

requirements="${1:?usage: python-tools.sh <requirements-file>}"
[ -f "$requirements" ] || die "no such requirements file: $requirements"
python="$(command -v python3 || true)"
[ -n "$python" ] || die "python3 not found; install Python 3.9 or later"

digest="$(sha256sum "$requirements" | cut -c1-12)"
venv="$CACHE_DIR/python/$(basename "$(dirname "$requirements")")-$digest"
if [ ! -x "$venv/bin/python" ] || [ ! -f "$venv/.installed" ]; then
  log "installing $(tr '\n' ' ' <"$requirements")into $venv"
  rm -rf "$venv"
  "$python" -m venv "$venv" >&2 || die "python3 -m venv failed (Debian: apt-get install python3-venv)"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements" >&2
  touch "$venv/.installed"
fi
echo "$venv/bin"
