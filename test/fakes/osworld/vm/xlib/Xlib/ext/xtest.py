import fake_vm_state as vm

SPECIAL = {0xFF0D: "\n", 0xFF09: "\t"}


def _character(keysym):
    if keysym in SPECIAL:
        return SPECIAL[keysym]
    if keysym & 0xFF000000 == 0x01000000:
        return chr(keysym & 0x00FFFFFF)
    return chr(keysym) if 0x20 <= keysym < 0x100 else ""


def fake_input(display, event_type, detail=0, time=0, root=0, x=0, y=0):
    if event_type != 2:
        return
    keysym = vm.load()["keymap"].get(str(detail), [0])[0]
    vm.record("xtest.key", keysym)
    vm.type_text(_character(keysym))
