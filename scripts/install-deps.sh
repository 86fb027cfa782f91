#!/usr/bin/env bash
# install-deps.sh - install the Debian packages the build, the server and the
# tests need, if any is missing. Run by `make run` and `make test`; safe to
# run again (does nothing when all are present). Needs root or sudo.
set -eu
PKGS=(
  build-essential pkg-config ca-certificates
  libmicrohttpd-dev libsqlite3-dev sqlite3 libsodium-dev libcmark-dev
  libpq-dev postgresql-15 postgresql-client-15
  libxlsxwriter-dev libzip-dev libxml2-dev
  libmagic-dev libmagic-mgc libutf8proc-dev zlib1g-dev libgd-dev fonts-dejavu-core libjansson-dev
  libcurl4-openssl-dev curl
  john-data
  libxml2-utils
)
# Extra groups: scripts that need more pass their own list as arguments.
PKGS+=("$@")
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "install-deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q >/dev/null || { echo "install-deps: apt-get update failed" >&2; exit 1; }
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null \
  || { echo "install-deps: apt-get install ${missing[*]} failed" >&2; exit 1; }
