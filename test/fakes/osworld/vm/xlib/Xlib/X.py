KeyPress = 2
KeyRelease = 3
