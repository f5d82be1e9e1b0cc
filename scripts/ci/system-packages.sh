#!/usr/bin/env bash
# The Debian packages the test suite needs, installed when missing. `.ci/run` and `npm test` both call this,
# so a fresh machine needs nothing installed by hand. As root it installs what is missing; otherwise it stops
# at once with the one command to run.
set -euo pipefail

# fonts-noto-color-emoji: reactions in the screenshots show as emoji, not as empty boxes.
packages=(chromium openssl gnome-keyring dbus-x11 apache2 postgresql xvfb xauth fonts-noto-color-emoji)

missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "The tests need Debian packages that are missing; install them with: sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
echo "Installing Debian packages the tests need: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
