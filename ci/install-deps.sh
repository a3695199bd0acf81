#!/bin/bash
# Installs the Debian packages in ci/packages.txt (as root), skipping the
# network entirely when every one of them is already installed.
set -eu
cd "$(dirname "$0")/.."
mapfile -t pkgs < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' ci/packages.txt)
missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
        missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    echo "ci/install-deps.sh: all ${#pkgs[@]} packages are installed"
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "ci/install-deps.sh: error: run as root to install: ${missing[*]}" >&2
    exit 1
fi
echo "ci/install-deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
