-- Catalogue definitions of the given indicator codes (list $codes), for the export provenance sheet.
SELECT code, name_zh, name_en, unit, area, kind FROM indicators WHERE list_contains($codes, code) ORDER BY code
