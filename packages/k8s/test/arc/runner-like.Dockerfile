# The stand-in for ghcr.io/actions/actions-runner (no registry can be pulled from here), which
# examples/runner-image/Dockerfile is built FROM in the ARC end-to-end test: the test runner image
# (busybox, Node 24 at the runner's externals/node24) with the official image's user (runner,
# uid 1001, in group docker 123), home and working directory, GNU tar (copy mode runs it on the
# runner side; context: rootfs/), plus the runner emulator and the conformance jobs, which play the
# runner itself (context: emulator/cli.js, emulator/jobs/).
ARG BASE=container-hooks-test/runner:1
FROM ${BASE}
RUN echo 'runner:x:1001:1001:runner:/home/runner:/bin/sh' >>/etc/passwd && \
    printf 'runner:x:1001:\ndocker:x:123:runner\n' >>/etc/group && \
    mkdir -p /home/runner/_work && chown -R 1001:1001 /home/runner
COPY rootfs/ /
COPY emulator/ /home/runner/emulator/
ENV HOME=/home/runner \
    HOOKS_NODE24=/home/runner/externals/node24/bin/node \
    HOOKS_CACHE_DIR=/home/runner/.cache/container-hooks
WORKDIR /home/runner
USER runner
LABEL org.container-hooks.test=1
