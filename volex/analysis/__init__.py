"""Indicators, features and the technical verdict: pure functions over arrays and DataFrames."""
