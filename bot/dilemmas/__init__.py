"""GIR dilemmas: the library, practice alone, and facilitated sessions."""
