"""The program's own files (fonts, demo content, icons, the licence list), installed as the
package ``case_review_tracker.resources`` and found through ``app.resources.resource``."""
