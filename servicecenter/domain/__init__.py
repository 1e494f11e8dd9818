"""Pure business rules: no Flask, no database. Plain values in, plain values or DomainError out."""
