#!/usr/bin/env bash
# The desktop app's "stay signed in" store against a real keyring: a private D-Bus session with an unlocked
# GNOME Keyring, under a fresh temporary HOME (the developer's own keychain is never touched).
# Needs the apt packages gnome-keyring and dbus-x11 (.ci/run installs them). Fails when the keyring cannot
# be reached, so CI cannot pass this test by skipping it.
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in dbus-run-session gnome-keyring-daemon; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "test-keyring: $tool is missing; install it with: apt-get install -y gnome-keyring dbus-x11" >&2
    exit 1
  fi
done

home="$(mktemp -d)"
trap 'rm -rf "$home"' EXIT
export HOME="$home" XDG_DATA_HOME="$home/.local/share" XDG_CONFIG_HOME="$home/.config" XDG_RUNTIME_DIR="$home/run"
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
export ENCRYPTED_CHAT_KEYRING_TEST=1

dbus-run-session -- sh -c '
  echo -n pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  exec ./node_modules/.bin/vitest run --project node electron/main/stay-signed-in.keyring.test.ts
' 2> >(grep -v "Failed to set fd limit" >&2)
