#!/usr/bin/env bash
# The install step of action.yml: puts poolctl on the job's PATH. The input arrives
# as an environment variable:
#
#   POOLCTL_VERSION  "" builds the action's own source ($GITHUB_ACTION_PATH: exactly
#                    the ref the workflow's uses: line names, whatever it is, a fork
#                    included); "latest" or a version (v1.2.3) installs that release
#                    with go install, checked against the Go checksum database.
#
# The binary goes to $RUNNER_TEMP/poolctl-bin, which is added to $GITHUB_PATH.
set -euo pipefail

bin="${RUNNER_TEMP:?}/poolctl-bin"
mkdir -p "$bin"
if [ -z "${POOLCTL_VERSION:-}" ]; then
	(cd "${GITHUB_ACTION_PATH:?}" && CGO_ENABLED=0 go build -trimpath -o "$bin/" ./cmd/poolctl)
else
	CGO_ENABLED=0 GOBIN="$bin" go install -trimpath "github.com/poolctl/poolctl/cmd/poolctl@${POOLCTL_VERSION}"
fi
echo "$bin" >>"${GITHUB_PATH:-/dev/null}"
"$bin/poolctl" --version
