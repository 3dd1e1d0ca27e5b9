"""Run a piece of the browser engine (static/atlas/, ES modules) under Node, offline.

The engine's pure parts are tested with Node's own runner (tests/js/); a Python test that
checks the engine against a Python rule (the symbol table, the contract) runs a short module
script here: ``#atlas/<module>.js`` resolves through package.json's "imports".
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from typing import Any

from geo._paths import PROJECT_ROOT

NODE = "node"


def needs_node() -> str:
    """The node executable; skip without it, fail in CI, where .ci/run must install it."""
    import pytest

    node = shutil.which(NODE)
    if node is None:
        if os.environ.get("CI"):
            pytest.fail("node is missing: .ci/run must install Debian's nodejs")
        pytest.skip("node not installed (apt-get install nodejs)")
    return node


def run_module(script: str, data: Any = None, timeout: float = 60.0) -> Any:
    """Run ``script`` (an ES module; it reads ``input``, the JSON of ``data``, and returns
    what it prints as JSON with ``print(value)``) and give back that value."""
    node = needs_node()
    prelude = ("import {readFileSync} from 'node:fs';\n"
               "const input = JSON.parse(readFileSync(0, 'utf-8'));\n"
               "const print = (v) => process.stdout.write(JSON.stringify(v));\n")
    done = subprocess.run([node, "--input-type=module", "-e", prelude + script], input=json.dumps(data),
                          capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=timeout, check=False)
    if done.returncode != 0:
        raise AssertionError(f"node failed: {done.stderr.strip()}")
    return json.loads(done.stdout)
