import fake_vm_state as vm

MIN_KEYCODE = 8
MAX_KEYCODE = 255
PER_KEYCODE = 7


class _Info:
    min_keycode = MIN_KEYCODE
    max_keycode = MAX_KEYCODE


class _Connection:
    info = _Info()


class Display:
    def __init__(self, name=None):
        self.display = _Connection()

    def get_keyboard_mapping(self, first_keycode, count):
        keymap = vm.load()["keymap"]
        return [list(keymap.get(str(code), [0] * PER_KEYCODE)) for code in range(first_keycode, first_keycode + count)]

    def change_keyboard_mapping(self, first_keycode, keysyms, onerror=None):
        state = vm.load()
        for offset, syms in enumerate(keysyms):
            state["keymap"][str(first_keycode + offset)] = list(syms)
        vm.save(state)

    def sync(self):
        pass
