"""The read path: scoped lookups, filtered lists and pages of data for views, API and reports."""
