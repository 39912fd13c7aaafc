#!/usr/bin/env bash
# Lints every policy document of the shipped stacks and the lint variants with parliament, in a
# virtual environment of its own outside the repository (created once, pinned version).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
venv=${XDG_CACHE_HOME:-$HOME/.cache}/ssm-access/parliament-1.6.4
if [ ! -x "$venv/bin/parliament" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check parliament==1.6.4
fi
docs=$(mktemp)
trap 'rm -f "$docs"' EXIT
node -r ts-node/register/transpile-only "$here/documents.ts" > "$docs"
"$venv/bin/python" "$here/lint.py" "$here/allowlist.json" < "$docs"
