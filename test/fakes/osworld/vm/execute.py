"""The fake VM's POST /execute, as OSWorld's server (desktop_env/server/main.py) answers it:
subprocess.run with a time limit; 200 with status/output/error/returncode whenever the program
ran (even when Python failed), 500 with {status: error, message: str(exception)} when it could
not run or ran too long. Reads the request's JSON on stdin, prints {"http": status, "body": ...}."""
import json
import os
import subprocess
import sys

request = json.load(sys.stdin)
shell = request.get("shell", False)
command = request.get("command", "" if shell else [])
limit = float(os.environ["GAGENT_FAKE_VM_TIMEOUT"])
limit = int(limit) if limit.is_integer() else limit
run = list(command)
if run and run[0] == "python":
    # The VM's `python` is this interpreter.
    run[0] = sys.executable
try:
    try:
        result = subprocess.run(
            run, stdout=subprocess.PIPE, stderr=subprocess.PIPE, shell=shell, text=True, timeout=limit
        )
    except subprocess.TimeoutExpired as expired:
        # The message names the command as the server received it.
        raise subprocess.TimeoutExpired(command, expired.timeout) from None
    answer = {
        "http": 200,
        "body": {
            "status": "success",
            "output": result.stdout,
            "error": result.stderr,
            "returncode": result.returncode,
        },
    }
except Exception as error:
    answer = {"http": 500, "body": {"status": "error", "message": str(error)}}
print(json.dumps(answer))
