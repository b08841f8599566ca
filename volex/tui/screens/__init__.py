"""Dashboard screens: the main screen and the help screen."""
