#!/usr/bin/env bash
# Installs every Debian package Caseboard's build, app and tests need.
# Idempotent and non-interactive: safe to run on every build. Needs root (or sudo).
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libssl-dev libsqlite3-dev nlohmann-json3-dev doctest-dev
  zlib1g-dev libboost-dev libcurl4-openssl-dev libpq-dev
  sqlite3 clang-format postgresql
  libimgui-dev libglfw3-dev libx11-dev fonts-noto-core
  xvfb xauth xdotool imagemagick xclip
  libsecret-1-dev gnome-keyring libsecret-tools dbus
  libcairo2-dev libpango1.0-dev libzip-dev poppler-utils unzip libxml2-utils
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "setup: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
