"""Leads: turn findings into routed, ranked, explained leads (pure; no Dagster).

Modules: `config` (vocabulary and tunables), `ids` (stable lead ids), `routing` (R36),
`priority` (0-100 score and rank), `category`, `merge` (findings → leads), `ledger`
(status lifecycle, re-send and limitation rules), `deadlines` (抄告 working days),
`control` (random control sample), `privacy` (which fields are masked).
"""
