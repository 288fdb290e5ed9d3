#!/usr/bin/env bash
# Install Debian's Chromium and a CJK font for the browser tests, if missing.
# Without root (or password-less sudo) it only explains; the browser tests
# then skip with the same explanation.
set -u
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
fc-list :lang=zh 2>/dev/null | grep -q . || need+=(fonts-noto-cjk)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif sudo -n true 2>/dev/null; then
  sudo=(sudo -n)
else
  echo "browser tests: cannot install ${need[*]} without root; they will be skipped." >&2
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "browser tests: no apt-get to install ${need[*]}; they will be skipped." >&2
  exit 0
fi
echo "browser tests: installing ${need[*]} from Debian's packages"
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null 2>&1 \
  || { "${sudo[@]}" apt-get update -qq >/dev/null 2>&1 && "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null; } \
  || echo "browser tests: installing ${need[*]} failed; they will be skipped." >&2
exit 0
