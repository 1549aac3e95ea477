#!/usr/bin/env bash
# Installs Debian's Chromium for the status page's browser test (runtime/host), unless
# a Chromium or Chrome is on PATH already. Without root or apt-get it says so and
# exits 0: the test then skips with a message that names this script.
set -euo pipefail
for b in chromium chromium-browser google-chrome; do
	command -v "$b" >/dev/null 2>&1 && exit 0
done
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
	echo "internal/browser/install.sh: cannot install chromium here (needs root and apt-get); the browser test will skip" >&2
	exit 0
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
