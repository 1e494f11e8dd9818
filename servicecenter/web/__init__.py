"""The web layer: one blueprint per feature, thin views over services and queries."""
