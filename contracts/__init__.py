"""What workflows, activities, the store, services and pages share: the workflow inputs, state
and activity requests/results (claim.py, authorization.py) and the product's closed vocabularies
as StrEnums (enums.py). Plain dataclasses and names, no I/O and no framework, so every layer may
import them."""
