"""A stand-in for pyautogui on the fake VM: records each call, and types into the field what the
real one would (write, printable keys, paste from the clipboard, select-all and backspace)."""
import time

import fake_vm_state as vm

FAILSAFE = True
PAUSE = 0.1
MODIFIERS = {"ctrl", "command", "alt", "option", "win", "shift"}
NAMED = {"enter": "\n", "return": "\n", "tab": "\t", "space": " "}


def _held():
    return vm.load()["held"]


def _set_held(keys):
    state = vm.load()
    state["held"] = keys
    vm.save(state)


def _key(name, modifiers):
    """What pressing `name` with `modifiers` held does to the field."""
    state = vm.load()
    shortcut = [m for m in modifiers if m in ("ctrl", "command")]
    if shortcut and name == "a":
        state["selected"] = True
        vm.save(state)
    elif shortcut and name == "v":
        if state["clipboard"] is not None:
            vm.type_text(state["clipboard"])
    elif shortcut or [m for m in modifiers if m not in ("shift",)]:
        pass
    elif name == "backspace":
        state["field"] = "" if state["selected"] else state["field"][:-1]
        state["selected"] = False
        vm.save(state)
    elif name in NAMED:
        vm.type_text(NAMED[name])
    elif len(name) == 1:
        vm.type_text(name.upper() if "shift" in modifiers else name)


def click(x=None, y=None, clicks=1, interval=0.0, button="left", **kwargs):
    vm.record("click", x, y, clicks=clicks, button=button, held=_held())


def moveTo(x=None, y=None, duration=0.0, **kwargs):
    vm.record("moveTo", x, y)


def dragTo(x=None, y=None, duration=0.0, button="left", **kwargs):
    vm.record("dragTo", x, y, button=button, held=_held())
    time.sleep(duration)


def vscroll(clicks, x=None, y=None, **kwargs):
    vm.record("vscroll", clicks)


def hscroll(clicks, x=None, y=None, **kwargs):
    vm.record("hscroll", clicks)


def scroll(clicks, x=None, y=None, **kwargs):
    vm.record("vscroll", clicks)


def keyDown(key, **kwargs):
    vm.record("keyDown", key)
    _set_held(_held() + [key])


def keyUp(key, **kwargs):
    vm.record("keyUp", key)
    held = _held()
    if key in held:
        held.remove(key)
    _set_held(held)


def press(keys, presses=1, interval=0.0, **kwargs):
    vm.record("press", keys)
    for key in [keys] if isinstance(keys, str) else keys:
        _key(key.lower() if len(key) > 1 else key, _held())


def hotkey(*keys, **kwargs):
    vm.record("hotkey", *keys)
    _key(keys[-1], _held() + list(keys[:-1]))


def write(message, interval=0.0, **kwargs):
    vm.record("write", message, interval=interval)
    for ch in message:
        _key("enter" if ch == "\n" else "tab" if ch == "\t" else ch, _held())
        time.sleep(interval)


typewrite = write
