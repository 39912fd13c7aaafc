#!/usr/bin/env bash
# Installs moto's server (a third-party model of AWS, https://github.com/getmoto/moto) into a
# virtual environment of its own outside the repository, once, at a pinned version, and prints
# the folder holding `moto_server` on its last line. The end-to-end tests start it on loopback.
set -euo pipefail
version=5.2.1
venv=${XDG_CACHE_HOME:-$HOME/.cache}/ssm-access/moto-$version
if [ ! -x "$venv/bin/moto_server" ]; then
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$version"
fi
echo "$venv/bin"
