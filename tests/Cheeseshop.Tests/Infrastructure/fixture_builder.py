"""Builds the test fixtures' sdists and wheels with setuptools' PEP 517 backend, the hooks that
`python -m build --no-isolation` calls, in the order it calls them: the sdist from the source tree, then
the wheel from the unpacked sdist.

The backend is imported once; each build runs in a fork of this process, so no build sees another's
state and none pays for starting Python and importing setuptools again. One request per line on
stdin, as JSON {"src", "outdir", "log"}; one answer per line on stdout, as JSON {"ok", "sdist",
"wheel"}. Everything a build prints goes to its log file, never to stdout.
"""
import json
import os
import sys
import tarfile
import tempfile
import traceback

import setuptools.build_meta as backend  # noqa: F401  (imported before the fork, which is the point)


def build(src, outdir):
    os.chdir(src)
    sdist = backend.build_sdist(outdir)
    unpacked = tempfile.mkdtemp(prefix="sdist-", dir=os.path.dirname(outdir))
    with tarfile.open(os.path.join(outdir, sdist)) as archive:
        archive.extractall(unpacked)
    (top,) = os.listdir(unpacked)
    os.chdir(os.path.join(unpacked, top))
    wheel = backend.build_wheel(outdir)
    return sdist, wheel


def serve():
    for line in sys.stdin:
        request = json.loads(line)
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read_end)
            log = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(log, 1)
            os.dup2(log, 2)
            try:
                sdist, wheel = build(request["src"], request["outdir"])
                answer = {"ok": True, "sdist": sdist, "wheel": wheel}
            except BaseException:
                traceback.print_exc()
                answer = {"ok": False}
            sys.stdout.flush()
            sys.stderr.flush()
            os.write(write_end, json.dumps(answer).encode())
            os._exit(0)
        os.close(write_end)
        with os.fdopen(read_end, "rb") as pipe:
            data = pipe.read()
        os.waitpid(pid, 0)
        sys.stdout.write((data.decode() if data else json.dumps({"ok": False})) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    serve()
