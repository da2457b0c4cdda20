"""Documents as PDF: rendering (ReportLab with an embedded Unicode font), the blob store, the event consumer."""
