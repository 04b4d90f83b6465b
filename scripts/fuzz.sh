#!/usr/bin/env bash
# Runs libFuzzer over the HTTP request parser for a bounded time (seconds, default 120).
# Seeds come from a few valid and invalid requests; the corpus and any crash
# files stay in fuzz-corpus/ (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/.."
# lld: gold fails on these sanitizer objects.
seconds="${1:-120}"
swift build --scratch-path .build-fuzz -c release --product HTTPParserFuzz \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING -Xswiftc -use-ld=lld
mkdir -p fuzz-corpus
printf 'GET / HTTP/1.1\r\nHost: a\r\n\r\n' > fuzz-corpus/seed-get
printf 'POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc' > fuzz-corpus/seed-post
printf 'POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3;a="b"\r\nabc\r\n0\r\nT: v\r\n\r\n' > fuzz-corpus/seed-chunked
printf 'GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\n\r\n' > fuzz-corpus/seed-pipelined
.build-fuzz/release/HTTPParserFuzz fuzz-corpus -max_total_time="$seconds" -max_len=4096 -print_final_stats=1 \
  -artifact_prefix=fuzz-corpus/
