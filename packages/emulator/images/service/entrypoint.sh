#!/bin/sh
# A TCP service that turns healthy (/tmp/ready) a few seconds after start.
echo "container-hooks-test service: starting on port 8080"
trap 'echo "container-hooks-test service: stopping"; exit 0' TERM INT
rm -f /tmp/ready
(sleep "${READY_AFTER:-3}"; touch /tmp/ready; echo "container-hooks-test service: ready") &
httpd -f -p 8080 -h /www &
wait
