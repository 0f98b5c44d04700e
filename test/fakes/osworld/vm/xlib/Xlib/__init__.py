"""A stand-in for python-xlib on the fake VM: the keyboard map and XTEST key presses, enough for
typing by keysym. A pressed keycode types the character of its first keysym."""
