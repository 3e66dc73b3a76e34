"""Driver for a load-proof ingest parse cost: N passes of FileParser over bench/ingest_ab.py's untuned mix.

    PYTHONHASHSEED=0 PYTHONPATH=$PWD valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.out \\
        .venv/bin/python bench/ingest_callgrind.py N [ERRORS] [CHUNK]

Instructions per pass = (Collected with N=3 - Collected with N=1) / 2: start-up, imports, building the
text and the first pass's cold caches cancel; divided by ERRORS (default 5000), instructions per error.
Each pass is a fresh FileParser fed the file in reads of CHUNK bytes (default 64 KiB, the tailer's
READ_CHUNK), as the tailer feeds it; the events are built (ErrorEvent) and dropped. The ingest side
only: the errors stage (grouping, #15) and the store are bench/ingest_ab.py's end to end. Without
valgrind it prints the events' digest, so two trees can be compared for identical output:
    PYTHONPATH=<tree> .venv/bin/python bench/ingest_callgrind.py 1 5000 --digest
"""

from __future__ import annotations

import hashlib
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from ingest_ab import mix_body  # noqa: E402


def main() -> None:
    from sidecar.ingest.parser import FileParser, ParserOptions

    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    passes = int(args[0])
    errors = int(args[1]) if len(args) > 1 else 5000
    chunk = int(args[2]) if len(args) > 2 else 64 * 1024
    data = mix_body(errors).encode()
    opts = ParserOptions()
    digest = hashlib.blake2b(digest_size=16)
    n = 0
    for _ in range(passes):
        p = FileParser("bench", "/logs/gw.log", opts, file_key="1:2:abc")
        events = []
        for i in range(0, len(data), chunk):
            events += p.feed(data[i:i + chunk])
        events += p.flush()
        n = len(events)
        if "--digest" in sys.argv:
            for e in events:
                digest.update(repr(e).encode())
    print(n, "events", digest.hexdigest() if "--digest" in sys.argv else "")


if __name__ == "__main__":
    main()
