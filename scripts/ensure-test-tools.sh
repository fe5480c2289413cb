#!/usr/bin/env bash
# Installs the system tools the test suite drives, when they are missing: Debian's Chromium (browser
# tests through playwright-core; `npx playwright install` cannot download a browser here) and
# poppler-utils (pdftotext/pdftoppm, to read and render the PDFs the platform generates).
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
fc-list 2>/dev/null | grep -qi 'noto sans cjk\|wqy\|droid sans fallback' || missing+=(fonts-noto-cjk)
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing test tools: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "cannot install ${missing[*]}: not root and no sudo; install them and run the tests again" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
