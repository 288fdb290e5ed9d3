#!/usr/bin/env bash
# Debian's Chromium and a CJK font for the browser tests, if missing; without them the browser
# tests skip, saying why.
set -u
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
fc-list :lang=zh 2>/dev/null | grep -q . || need+=(fonts-noto-cjk)
exec "$(dirname "$0")/debian-packages.sh" "browser tests" "${need[@]}"
