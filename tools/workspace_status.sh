#!/usr/bin/env bash
# Bazel's workspace status (.bazelrc): the revision binaries are built from,
# with "-dirty" when tracked files differ from it, so records carry it even
# when made outside the checkout. A STABLE_ key: a new revision rebuilds the
# few targets that read it.
revision="$(git rev-parse HEAD 2>/dev/null)" || revision=unknown
if [[ "$revision" != unknown && -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]]; then
  revision+="-dirty"
fi
echo "STABLE_KDBENCH_GIT_REVISION $revision"
