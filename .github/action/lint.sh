#!/usr/bin/env bash
# The lint step of action.yml: runs poolctl lint as the action's inputs say. They
# arrive as environment variables:
#
#   POOLCTL_PATHS       files or folders, separated by spaces or new lines (default .)
#   POOLCTL_TARGET      the IIS version (default iis10)
#   POOLCTL_FORMAT      github (annotations on stdout) or sarif (default github)
#   POOLCTL_SARIF_FILE  where sarif goes (default poolctl.sarif)
#   POOLCTL_FAIL_ON     error, warning or never (default error)
#
# It writes sarif-file and exit-code to $GITHUB_OUTPUT when that is set, and exits 1
# when the findings fail the step as POOLCTL_FAIL_ON says, 2 when lint could not run
# (or an input is wrong), else 0.
set -euo pipefail

format=${POOLCTL_FORMAT:-github}
fail_on=${POOLCTL_FAIL_ON:-error}
sarif=${POOLCTL_SARIF_FILE:-poolctl.sarif}
args=(lint --target "${POOLCTL_TARGET:-iis10}")

case $fail_on in
error | never) ;;
warning) args+=(--strict) ;;
*)
	echo "::error::poolctl lint: fail-on must be error, warning or never, not \"$fail_on\""
	exit 2
	;;
esac

# Paths are words: no globbing, split at spaces, tabs and new lines.
set -f
read -r -d '' -a paths < <(printf '%s\0' "${POOLCTL_PATHS:-.}") || true
set +f
if [ ${#paths[@]} -eq 0 ]; then
	paths=(.)
fi

code=0
case $format in
github)
	poolctl "${args[@]}" --format github -- "${paths[@]}" || code=$?
	;;
sarif)
	poolctl "${args[@]}" --format sarif -- "${paths[@]}" >"$sarif" || code=$?
	echo "poolctl lint: wrote $sarif (exit $code)"
	;;
*)
	echo "::error::poolctl lint: format must be github or sarif, not \"$format\""
	exit 2
	;;
esac

if [ -n "${GITHUB_OUTPUT:-}" ]; then
	if [ "$format" = sarif ]; then
		echo "sarif-file=$sarif" >>"$GITHUB_OUTPUT"
	fi
	echo "exit-code=$code" >>"$GITHUB_OUTPUT"
fi

if [ "$code" -eq 1 ] && [ "$fail_on" = never ]; then
	exit 0
fi
exit "$code"
