"""Gang-like patterns (团伙性质) and the risk model: pure logic, no Dagster.

Modules: ``common`` (passages, distances, findings schema), ``clones`` (套牌), ``convoys``
(车队/结伙), ``entities`` + ``networks`` (团伙 entity graph, Leiden), ``registration``
(登记不符/大吨小标/称重作弊), ``evasion`` (绕行/遮挡号牌), ``risk_model`` (scikit-learn),
``evaluation`` (precision/recall against generator truth).
"""
