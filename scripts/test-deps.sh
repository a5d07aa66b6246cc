#!/usr/bin/env sh
# What the test suite needs beyond `pnpm install`: Debian's headless Chromium, in which the run report page's test
# renders report.html (driven by playwright-core). Installed only when missing; apt-get through sudo when not root.
set -eu
if command -v chromium >/dev/null 2>&1 || [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  echo "test-deps: chromium is installed ($(command -v chromium || echo "$CHROMIUM_PATH"))"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "test-deps: chromium is missing and this is not a Debian/Ubuntu system: install Chromium and set CHROMIUM_PATH to it" >&2
  exit 1
fi
if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium
