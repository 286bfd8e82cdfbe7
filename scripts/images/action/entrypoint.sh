#!/bin/sh
# Shows how it was called and answers through the runner's file commands.
printf 'action entrypoint: %s args:' "$#"
for arg in "$@"; do printf ' [%s]' "$arg"; done
echo
[ -z "$GITHUB_OUTPUT" ] || echo "entrypoint=ran" >>"$GITHUB_OUTPUT"
