-- vehicle_operators (temp view): the operator each plate's violations and exposure are credited to — its active registration first — shared by risk_units.sql and risk_exposure.sql so both count the same fleet.
select plate_key, operator_uscc
from staging.vehicles
where plate_key is not null and operator_uscc is not null
qualify row_number() over (partition by plate_key order by (status = 'active') desc) = 1
