"""The fake VM's screen as the stand-in modules see it: one focused text field (a text area),
the clipboard, the X keyboard map, the keys held, and every call made. Kept in a JSON file,
since each program is its own process."""
import json
import os

PATH = os.environ["GAGENT_FAKE_VM_STATE"]


def load():
    with open(PATH, encoding="utf-8") as f:
        return json.load(f)


def save(state):
    with open(PATH + ".tmp", "w", encoding="utf-8") as f:
        json.dump(state, f)
    os.replace(PATH + ".tmp", PATH)


def record(name, *args, **kwargs):
    state = load()
    state["calls"].append([name, list(args), kwargs])
    save(state)


def type_text(text):
    """Characters arriving in the focused field: a selection is replaced."""
    state = load()
    if state["selected"]:
        state["field"] = ""
        state["selected"] = False
    state["field"] += text
    save(state)
