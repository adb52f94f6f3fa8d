"""Management commands of the recommend sub-app."""
