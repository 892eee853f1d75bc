-- model_test_rows: the model's rolling-origin test rows beside the rule baseline's rank (the input of models.patterns.scoring.score_model).
select t.plate_key, t.cutoff, t.label, t.p_model, r.rule_rank, r.untriggered
from patterns.model_test t
join patterns.rule_ranking r using (plate_key, cutoff)
