#!/usr/bin/env bash
# Install Debian packages a part of the project needs, if missing: debian-packages.sh WHAT PKG...
# Without root (or password-less sudo), or without apt-get, it only explains; WHAT then skips
# or stops with the same explanation.
set -u
what=$1
shift
need=("$@")
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif sudo -n true 2>/dev/null; then
  sudo=(sudo -n)
else
  echo "$what: cannot install ${need[*]} without root." >&2
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "$what: no apt-get to install ${need[*]}." >&2
  exit 0
fi
echo "$what: installing ${need[*]} from Debian's packages"
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null 2>&1 \
  || { "${sudo[@]}" apt-get update -qq >/dev/null 2>&1 && "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null; } \
  || echo "$what: installing ${need[*]} failed." >&2
exit 0
