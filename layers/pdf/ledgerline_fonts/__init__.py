"""The fonts Ledgerline's PDFs embed (data only; built by layers/pdf/build_fonts.py, see README.md here)."""
