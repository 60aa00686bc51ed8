-- The largest extracted value of one indicator and how many there are: the range a correction is held to.
SELECT max(value) AS largest, count(*) AS n FROM facts WHERE indicator = $indicator
