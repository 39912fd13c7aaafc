#!/usr/bin/env bash
# Builds the Pulumi CLI v3.274.1 from the Go module proxy, and the test language host, into a
# cache outside the repository; reuses them when already built. Prints the bin folder on its last
# line of stdout, so callers can do: PATH="$(scripts/install-pulumi.sh | tail -n1):$PATH".
#
# Where a `pulumi` CLI and `pulumi-language-nodejs` are already on PATH (a normal install), those
# are used and nothing is built. Set SSM_ACCESS_ENGINE_DIR to choose the cache folder.
set -euo pipefail

PULUMI_VERSION=v3.274.1
here=$(cd "$(dirname "$0")" && pwd)
cache=${SSM_ACCESS_ENGINE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ssm-access/pulumi-$PULUMI_VERSION}
bin=$cache/bin
say() { printf 'install-pulumi: %s\n' "$*" >&2; }

if command -v pulumi >/dev/null && command -v pulumi-language-nodejs >/dev/null && [ "${SSM_ACCESS_BUILD_ENGINE:-}" != 1 ]; then
    say "using the installed CLI: $(command -v pulumi) ($(pulumi version))"
    dirname "$(command -v pulumi)"
    exit 0
fi

stamp="$bin/.built-from"
want="$PULUMI_VERSION $(cat "$here/engine/go.sum" "$here/engine/langhost/main.go" | sha256sum | cut -c1-16)"
if [ -x "$bin/pulumi" ] && [ -x "$bin/pulumi-language-nodejs" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
    say "reusing $bin ($("$bin/pulumi" version))"
    echo "$bin"
    exit 0
fi

if ! command -v go >/dev/null; then
    say "Go is not installed, and no pulumi CLI is on PATH."
    say "Install Go 1.26 or later (Debian: apt-get install golang), or install the Pulumi CLI, then run this again."
    exit 1
fi

mkdir -p "$bin"
cd "$here/engine"
export GOFLAGS=-mod=mod
start=$(date +%s)
say "downloading modules for github.com/pulumi/pulumi/pkg/v3@$PULUMI_VERSION (about 350 MB the first time)"
go mod download
say "building the Pulumi CLI $PULUMI_VERSION (several minutes on 2 cores the first time)"
go build -trimpath -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION" \
    -o "$bin/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
say "building the test language host (stand-in for pulumi-language-nodejs)"
go build -trimpath -ldflags "-s -w -X main.version=${PULUMI_VERSION#v}" -o "$bin/pulumi-language-nodejs" ./langhost
echo "$want" >"$stamp"
say "built in $(($(date +%s) - start)) s: $("$bin/pulumi" version)"
echo "$bin"
