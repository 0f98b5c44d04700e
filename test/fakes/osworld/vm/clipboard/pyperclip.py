"""A stand-in for pyperclip on the fake VM. With GAGENT_FAKE_VM_CLIPBOARD=unusable it fails as
pyperclip does on a Linux VM without xclip or xsel: copy() raises PyperclipException."""
import os

import fake_vm_state as vm


class PyperclipException(RuntimeError):
    pass


EXCEPT_MSG = """
    Pyperclip could not find a copy/paste mechanism for your system.
    For more information, please visit
    https://pyperclip.readthedocs.io/en/latest/index.html#not-implemented-error """


def copy(text):
    if os.environ.get("GAGENT_FAKE_VM_CLIPBOARD") == "unusable":
        raise PyperclipException(EXCEPT_MSG)
    state = vm.load()
    state["clipboard"] = text
    vm.save(state)
    vm.record("pyperclip.copy", text)


def paste():
    return vm.load()["clipboard"] or ""
