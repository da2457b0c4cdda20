"""Banking rules (issue 16): payment references, IBANs, statement files and what an import keeps. Pure."""
