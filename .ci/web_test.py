"""The web page in a real browser: headless Chromium trains lessons in it.

usage: web_test.py DIST [--shots DIR] [--seconds S] [--min-steps N]

Serves DIST (web/build.sh's output) on 127.0.0.1 and drives headless
Chromium (WebGL on SwiftShader, no GPU, no display) over the DevTools
protocol on a pipe, in real time. For the goodfellow lesson, then the
mode-collapse lesson (`?lesson=NAME` in the address):

- the page's title must read `ganscope — <lesson> — step 0` within a
  deadline (else the wasm did not load: fail, with what the page logged);
- a click on "full speed" (the lesson opens at its pace) and the space key
  (play) must take the title to step 5000, where the lesson pauses, and it
  must stay there; the screenshot there must not be blank (many distinct
  colours) and must show the figure: p_g's green and p_data's near-black;
- goodfellow then trains on (space) for S seconds: the step, read from the
  DOM as `chromium --dump-dom` prints it, must advance by more than N (else
  training stalls: fail); steps/s over that window is printed.

Last, the bare address must come back on mode-collapse: the settings persist
in the browser's local storage. With --shots, the screenshots are kept as
DIR/web-goodfellow.png and DIR/web-mode-collapse.png.

Why not `--dump-dom --virtual-time-budget`: under virtual time Chromium runs
only a handful of animation frames (measured here: 4 to 6 in 10 s of virtual
time) and its clock hardly moves inside a task, so neither training nor its
speed would be real. The DevTools protocol reads the same DOM in real time.

Standard library only. Exit status 0 when every check passes, 1 otherwise.
"""

import argparse
import base64
import functools
import http.server
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zlib

GREEN = (20, 140, 50)  # p_g, src/app/plots.rs G_GREEN
BLACK = (20, 20, 20)  # p_data, DATA_BLACK
SIZE = (1600, 1000)
TITLE = re.compile(r"ganscope — (\S+) — step (\d+)")
# Where the transport bar's "full speed" checkbox is at 1600 × 1000.
FULL_SPEED = (475, 14)
# Where both lessons pause (their `steps`).
LESSON_END = 5000


def fail(msg):
    print(f"web test: FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


# ---------------------------------------------------------------- serving


class Quiet(http.server.SimpleHTTPRequestHandler):
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".js": "text/javascript",
    }

    def log_message(self, *args):
        pass


def serve(root):
    handler = functools.partial(Quiet, directory=root)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


# ---------------------------------------------------------------- Chromium


def chromium_binary():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    fail("no chromium on PATH (apt-get install chromium)")


class Chrome:
    """Chromium with the DevTools protocol on fds 3 (in) and 4 (out)."""

    def __init__(self, profile):
        to_chrome = os.pipe()
        from_chrome = os.pipe()

        def child_fds():
            # dup first: a pipe may already sit on fd 3 or 4.
            a, b = os.dup(to_chrome[0]), os.dup(from_chrome[1])
            os.dup2(a, 3)
            os.dup2(b, 4)

        args = [
            chromium_binary(),
            "--headless",
            "--no-sandbox",
            "--use-gl=swiftshader",
            "--enable-unsafe-swiftshader",
            f"--window-size={SIZE[0]},{SIZE[1]}",
            "--hide-scrollbars",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-extensions",
            "--mute-audio",
            f"--user-data-dir={profile}",
            "--remote-debugging-pipe",
            "about:blank",
        ]
        self.proc = subprocess.Popen(
            args,
            preexec_fn=child_fds,
            close_fds=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_chrome[0])
        os.close(from_chrome[1])
        self.out = os.fdopen(to_chrome[1], "wb")
        self.inp = os.fdopen(from_chrome[0], "rb")
        self.buf = b""
        self.next_id = 0
        self.events = []
        self.session = None

    def call(self, method, params=None, session=True, timeout=60):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session and self.session:
            msg["sessionId"] = self.session
        self.out.write(json.dumps(msg).encode() + b"\0")
        self.out.flush()
        deadline = time.time() + timeout
        while time.time() < deadline:
            m = self.receive()
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise RuntimeError(f"{method}: {m['error']}")
                return m["result"]
            if "method" in m:
                self.events.append(m)
        raise RuntimeError(f"{method}: no answer in {timeout} s")

    def receive(self):
        while b"\0" not in self.buf:
            chunk = self.inp.read1(1 << 20)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self.buf += chunk
        i = self.buf.index(b"\0")
        msg, self.buf = self.buf[:i], self.buf[i + 1 :]
        return json.loads(msg)

    def attach(self):
        pages = [
            t for t in self.call("Target.getTargets")["targetInfos"] if t["type"] == "page"
        ]
        self.session = self.call(
            "Target.attachToTarget", {"targetId": pages[0]["targetId"], "flatten": True}
        )["sessionId"]
        self.call("Runtime.enable")
        self.call("Log.enable")
        self.call("Page.enable")
        # A headless page has no focus of its own; the canvas needs it for keys.
        self.call("Emulation.setFocusEmulationEnabled", {"enabled": True})
        # The page's viewport at the window's size (the browser's own frame
        # would otherwise take some of it).
        self.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": SIZE[0], "height": SIZE[1], "deviceScaleFactor": 1, "mobile": False},
        )

    def title_from_dom(self):
        """The title as the serialised DOM has it (what --dump-dom prints)."""
        root = self.call("DOM.getDocument", {"depth": 1})["root"]
        html = self.call("DOM.getOuterHTML", {"nodeId": root["nodeId"]})["outerHTML"]
        m = re.search(r"<title>(.*?)</title>", html, re.S)
        return m.group(1) if m else ""

    def screenshot(self):
        return base64.b64decode(self.call("Page.captureScreenshot", {"format": "png"})["data"])

    def console(self):
        """Errors and warnings the page logged, one line each."""
        lines = []
        for e in self.events:
            p = e.get("params", {})
            if e["method"] == "Runtime.exceptionThrown":
                d = p.get("exceptionDetails", {})
                lines.append("exception: " + d.get("exception", {}).get("description", d.get("text", "")))
            elif e["method"] == "Runtime.consoleAPICalled" and p.get("type") in ("error", "warning"):
                lines.append(
                    p["type"] + ": " + " ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", []))
                )
            elif e["method"] == "Log.entryAdded" and p.get("entry", {}).get("level") in ("error",):
                lines.append("log: " + p["entry"].get("text", ""))
        return lines

    def close(self):
        try:
            self.call("Browser.close", session=False, timeout=10)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


# ---------------------------------------------------------------- PNG


def decode_png(data):
    """(width, height, rows of RGB tuples) of an 8-bit RGB or RGBA PNG."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        fail("the screenshot is not a PNG")
    pos, idat = 8, b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            w, h, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    if depth != 8 or colour not in (2, 6) or interlace:
        fail(f"unexpected PNG format (depth {depth}, colour {colour}, interlace {interlace})")
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = w * bpp
    prev = bytearray(stride)
    rows = []
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        if f == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 255
        elif f == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, prev))
        elif f == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 255
        elif f == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b = prev[i]
                c = prev[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 255
        rows.append(line)
        prev = line
    return w, h, [[tuple(r[i : i + 3]) for i in range(0, stride, bpp)] for r in rows]


def near(c, ref, tol=8):
    return all(abs(a - b) <= tol for a, b in zip(c, ref))


def check_screenshot(png, what):
    w, h, rows = decode_png(png)
    if (w, h) != SIZE:
        fail(f"{what}: screenshot {w}x{h}, expected {SIZE[0]}x{SIZE[1]}")
    colours = set()
    green = black = 0
    # The figure sits in the central panel, between the side panels.
    for y in range(0, h):
        row = rows[y]
        for x in range(0, w):
            c = row[x]
            colours.add(c)
            if 300 <= x <= 1300 and y <= 600:
                green += near(c, GREEN)
                black += near(c, BLACK)
    print(f"web test: {what}: {len(colours)} distinct colours, {green} p_g-green and {black} p_data-black pixels in the figure")
    if len(colours) < 200:
        fail(f"{what}: the screenshot looks blank ({len(colours)} distinct colours)")
    if green < 200 or black < 100:
        fail(f"{what}: no figure in the screenshot ({green} green, {black} black pixels)")


# ---------------------------------------------------------------- the test


def wait_title(chrome, lesson, at_least, deadline_s):
    """Poll the title until it shows `lesson` at step >= at_least; (time, step)."""
    t0 = time.time()
    last = ""
    while time.time() - t0 < deadline_s:
        last = chrome.call("Runtime.evaluate", {"expression": "document.title"})["result"].get("value", "")
        m = TITLE.fullmatch(last)
        if m and m.group(1) == lesson and int(m.group(2)) >= at_least:
            return time.time(), int(m.group(2))
        time.sleep(0.25)
    console = chrome.console()[-10:]
    shown = chrome.call(
        "Runtime.evaluate", {"expression": "document.getElementById('status')?.textContent ?? ''"}
    )["result"].get("value", "")
    if shown:
        console.append(f"the page says: {shown}")
    console = "\n  ".join(console) or "(nothing logged)"
    fail(
        f"{lesson}: after {deadline_s} s the title is {last!r}, not "
        f"'ganscope — {lesson} — step N' with N >= {at_least} "
        f"(the wasm did not load or never trained). The page logged:\n  {console}"
    )


def click(chrome, x, y):
    chrome.call("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": x, "y": y})
    for kind in ("mousePressed", "mouseReleased"):
        chrome.call(
            "Input.dispatchMouseEvent",
            {"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1},
        )


def press_space(chrome):
    """Space, the window's play key: real input, as a user gives it."""
    for kind in ("keyDown", "keyUp"):
        chrome.call(
            "Input.dispatchKeyEvent",
            {"type": kind, "key": " ", "code": "Space", "windowsVirtualKeyCode": 32, "text": " " if kind == "keyDown" else ""},
        )


def title_step(chrome, name):
    title = chrome.call("Runtime.evaluate", {"expression": "document.title"})["result"].get("value", "")
    m = TITLE.fullmatch(title)
    return int(m.group(2)) if m and m.group(1) == name else None


def lesson(chrome, base, name, seconds, min_steps, shots, load_deadline):
    """Open a lesson, switch its pace off, play it to its end (the window
    pauses there), screenshot it; for goodfellow, train on and measure."""
    chrome.call("Page.navigate", {"url": f"{base}/?lesson={name}"})
    # The window opens paused, on step 0: the wasm loaded and drew.
    wait_title(chrome, name, 0, load_deadline)
    # "full speed" in the transport bar (the lesson opens at its pace), then
    # space. The click also gives the canvas the focus for the key.
    click(chrome, FULL_SPEED[0], FULL_SPEED[1])
    time.sleep(0.5)
    press_space(chrome)
    t0, n0 = wait_title(chrome, name, 1, 30)
    end = LESSON_END
    t1, n1 = wait_title(chrome, name, end, load_deadline)
    time.sleep(1.0)
    if title_step(chrome, name) != end:
        fail(f"{name}: did not pause at the lesson's end, step {end}")
    print(f"web test: {name}: played to its end, step {end}, at {(n1 - n0) / (t1 - t0):.0f} steps/s")
    png = chrome.screenshot()
    if shots:
        with open(os.path.join(shots, f"web-{name}.png"), "wb") as f:
            f.write(png)
    check_screenshot(png, name)
    if name != "goodfellow":
        return None
    # Train on past the end, at full speed, and measure.
    press_space(chrome)
    t0, n0 = wait_title(chrome, name, end + 1, 30)
    time.sleep(seconds)
    title = chrome.title_from_dom()
    t1 = time.time()
    m = TITLE.fullmatch(title)
    if not m or m.group(1) != name:
        fail(f"{name}: the DOM's title is {title!r}")
    n1 = int(m.group(2))
    rate = (n1 - n0) / (t1 - t0)
    print(f"web test: {name}: trained on, step {n0} → {n1} in {t1 - t0:.1f} s: {rate:.0f} steps/s (the DOM's title {title!r})")
    if n1 <= n0 or n1 - end < min_steps:
        fail(f"{name}: training stalls (step {n0} → {n1})")
    return rate


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dist")
    ap.add_argument("--shots", help="keep the screenshots in this folder")
    ap.add_argument("--seconds", type=float, default=10.0, help="training time measured per lesson")
    ap.add_argument("--min-steps", type=int, default=100)
    ap.add_argument("--load-deadline", type=float, default=120.0)
    args = ap.parse_args()
    for f in ("index.html", "ganscope.js", "ganscope_bg.wasm"):
        if not os.path.isfile(os.path.join(args.dist, f)):
            fail(f"{args.dist}/{f} is missing (run web/build.sh)")
    if args.shots:
        os.makedirs(args.shots, exist_ok=True)
    server = serve(args.dist)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    profile = tempfile.mkdtemp(prefix="ganscope-web-test-")
    chrome = Chrome(profile)
    try:
        chrome.attach()
        rate = lesson(chrome, base, "goodfellow", args.seconds, args.min_steps, args.shots, args.load_deadline)
        lesson(chrome, base, "mode-collapse", args.seconds, args.min_steps, args.shots, args.load_deadline)
        # Leaving the page saved its settings; the bare address restores them.
        chrome.call("Page.navigate", {"url": f"{base}/"})
        wait_title(chrome, "mode-collapse", 0, args.load_deadline)
        print("web test: the bare address came back on mode-collapse (local storage)")
        print(f"web test: ok — goodfellow at {rate:.0f} steps/s in the page")
    finally:
        chrome.close()
        server.shutdown()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main()
