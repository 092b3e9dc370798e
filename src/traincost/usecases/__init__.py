"""The use cases, one per module: estimate, plan, audit, fit-cpt and the report; each returns a typed result
(``results``) with one ``to_dict``."""
