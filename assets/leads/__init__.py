"""Leads layer: findings → leads (ledger), packets per receiving province, hit rates.

Asset keys: leads, copy_notices, lead_packets, lead_hit_rates. The CLI's feedback import is
`assets.leads.feedback.import_feedback_file`.
"""

from __future__ import annotations

from assets.leads.build import leads
from assets.leads.checks import lead_packets_valid, leads_unique_and_ranked
from assets.leads.hit_rates import lead_hit_rates
from assets.leads.packets import copy_notices, lead_packets

ASSETS = [leads, copy_notices, lead_packets, lead_hit_rates]
CHECKS = [lead_packets_valid, leads_unique_and_ranked]
