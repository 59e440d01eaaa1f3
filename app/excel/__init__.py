"""Excel in and out: the composite action plan and the registers exported as workbooks
(``export``, styled by ``workbook_style``), agency returns taken back (``returns``), hand-kept
trackers imported (``legacy``), and the ``import``/``export`` command line (``command``)."""
