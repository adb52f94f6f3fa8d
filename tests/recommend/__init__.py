"""Tests of the recommend sub-app."""
