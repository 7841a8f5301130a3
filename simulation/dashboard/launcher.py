"""``marginsim dashboard``: serve the classroom dashboard with ``solara run`` until Ctrl-C.

Kept apart from the page so the command line starts without importing Solara or Mesa's
visualisation (they load in the server process).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading

APP = "simulation.dashboard.page"


def main(host: str = "127.0.0.1", port: int = 8765) -> int:
    """Serve the dashboard with ``solara run`` until Ctrl-C (or SIGTERM).

    Returns 0 when stopped that way (it is the normal way to stop), else the server's exit code.
    Works offline (solara-assets serves the JavaScript and CSS) and sends no telemetry.
    """
    env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "false", "SOLARA_THEME_SHOW_BANNER": "false",
           "MARGINSIM_DASHBOARD_PREBUILD": "1"}
    cmd = [sys.executable, "-m", "solara", "run", APP, "--host", host, "--port", str(port),
           "--no-open", "--production"]
    everywhere = host in ("0.0.0.0", "::")
    print(f"marginsim dashboard: open http://{'localhost' if everywhere else host}:{port}/ in a browser "
          "(Ctrl-C to stop)", flush=True)
    if everywhere:
        print("  listening on every network interface: other machines can use this machine's address", flush=True)
    proc = subprocess.Popen(cmd, env=env)
    previous = None
    if threading.current_thread() is threading.main_thread():
        # a SIGTERM to this process must not leave the server running on its own
        previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        return proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        print("marginsim dashboard: stopped", flush=True)
        return 0
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _interrupt(signum, frame):
    raise KeyboardInterrupt
