"""The demo loader: sits at the top of the house because it fills every app with examples."""
