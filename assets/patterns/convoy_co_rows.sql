-- convoy_co_rows: the co-passages of tied pairs (evidence of each convoy).
with ties as (
    select plate_a, plate_b from patterns.convoy_ties
),

final as (
    select c.plate_a, c.plate_b, c.station_id, s.name as station_name, c.day, c.rid_a, c.rid_b,
        c.passed_a, s.province_code as station_province
    from patterns.co_passages c
    join ties t on t.plate_a = c.plate_a and t.plate_b = c.plate_b
    left join staging.stations s on s.station_id = c.station_id
)

select * from final
order by passed_a
