#!/usr/bin/env python3
"""Asks for every generated project's page once, so that a measurement starts with every page rendered.

Usage: warm_all.py BASE_URL PROJECTS PATH_TEMPLATE [ACCEPT]   (e.g. http://127.0.0.1:8000 1000 /simple/%s/)
wrk cannot stop after one pass, so this walks the projects with a few keep-alive connections instead.
ACCEPT_ENCODING in the environment, when set and not empty, is sent as Accept-Encoding (so the
compressed form of each page is made here, not during the measurement).
"""
import http.client, os, sys, threading, urllib.parse

base, projects, template = sys.argv[1], int(sys.argv[2]), sys.argv[3]
accept = sys.argv[4] if len(sys.argv) > 4 else None
url = urllib.parse.urlsplit(base)
workers = 8

def walk(start):
    conn = http.client.HTTPConnection(url.hostname, url.port)
    headers = {"Accept": accept} if accept else {}
    if os.environ.get("ACCEPT_ENCODING"):
        headers["Accept-Encoding"] = os.environ["ACCEPT_ENCODING"]
    for i in range(start, projects, workers):
        path = template % f"bench-project-{i:06d}" if "%s" in template else template
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            sys.exit(f"{path}: HTTP {response.status}")

threads = [threading.Thread(target=walk, args=(w,)) for w in range(workers)]
for t in threads: t.start()
for t in threads: t.join()
